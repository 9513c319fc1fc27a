import { assertShape, DomainError, UnknownNameError } from "../../core/errors.js";
import { Tensor } from "../../core/tensor.js";
import { parallelDenseBackward, parallelDenseForward, parallelGemmNN, parallelGemmNT, parallelGemmTN } from "../../core/parallel.js";
import { gradOf, record } from "../tape.js";

/** Activations fused into `dense` (derivatives are taken from the layer's output). */
export type Activation = "identity" | "tanh" | "relu" | "leakyRelu" | "softplus" | "sigmoid";

/** Kernel code of each activation (assembly/dense.ts). */
export const activationCode: Readonly<Record<Activation, number>> = Object.freeze({
  identity: 0,
  tanh: 1,
  relu: 2,
  leakyRelu: 3,
  softplus: 4,
  sigmoid: 5,
});

export interface MatmulOptions {
  /** Use a^T (a is stored [K, M]). */
  transA?: boolean;
  /** Use b^T (b is stored [N, K]). */
  transB?: boolean;
}

/** C = op(a) op(b), op(a) [M,K], op(b) [K,N]; dop(a) = gC op(b)^T, dop(b) = op(a)^T gC. */
export function matmul(a: Tensor, b: Tensor, { transA = false, transB = false }: MatmulOptions = {}): Tensor {
  assertShape("a", a.shape, [-1, -1]);
  assertShape("b", b.shape, [-1, -1]);
  const [M, K] = transA ? [a.shape[1], a.shape[0]] : [a.shape[0], a.shape[1]];
  const N = transB ? b.shape[0] : b.shape[1];
  assertShape("b", b.shape, transB ? [-1, K] : [K, -1]);
  const rt = a.rt;
  const k = rt.k;
  const c = Tensor.empty([M, N], "arena", rt);
  if (!transA && !transB) {
    if (!parallelGemmNN(rt, a.ptr, b.ptr, c.ptr, M, K, N, 0)) k.gemmNN(a.ptr, b.ptr, c.ptr, M, K, N, 0);
  }
  else if (!transA) k.gemmNT(a.ptr, b.ptr, c.ptr, M, K, N, 0, scratchNT(a, N, K));
  else if (!transB) k.gemmTN(a.ptr, b.ptr, c.ptr, M, K, N, 0);
  else {
    // A^T B^T: materialize A^T (the kernels have no TT tile)
    const at = rt.arena.alloc(M * K * 8);
    k.transposeAdd(a.ptr, at, K, M, 0);
    k.gemmNT(at, b.ptr, c.ptr, M, K, N, 0, scratchNT(a, N, K));
  }
  return record(c, [a, b], (g) => {
    if (a.requiresGrad) {
      const da = gradOf(a).ptr;
      if (!transA && !transB) {
        if (!parallelGemmNT(rt, g.ptr, b.ptr, da, M, N, K, 1)) k.gemmNT(g.ptr, b.ptr, da, M, N, K, 1, scratchNT(a, K, N)); // gC B^T
      }
      else if (!transA) k.gemmNN(g.ptr, b.ptr, da, M, N, K, 1); // gC B
      else if (!transB) k.gemmNT(b.ptr, g.ptr, da, K, N, M, 1, scratchNT(a, M, N)); // B gC^T
      else {
        const t = rt.arena.alloc(M * K * 8); // (gC B)^T
        k.gemmNN(g.ptr, b.ptr, t, M, N, K, 0);
        k.transposeAdd(t, da, M, K, 1);
      }
    }
    if (b.requiresGrad) {
      const db = gradOf(b).ptr;
      if (!transA && !transB) {
        if (!parallelGemmTN(rt, a.ptr, g.ptr, db, K, M, N, 1)) k.gemmTN(a.ptr, g.ptr, db, K, M, N, 1); // A^T gC
      }
      else if (!transA) k.gemmTN(g.ptr, a.ptr, db, N, M, K, 1); // gC^T A
      else if (!transB) k.gemmNN(a.ptr, g.ptr, db, K, M, N, 1); // A gC
      else {
        const t = rt.arena.alloc(K * N * 8); // (A gC)^T
        k.gemmNN(a.ptr, g.ptr, t, K, M, N, 0);
        k.transposeAdd(t, db, K, N, 1);
      }
    }
  });
}

/** y = act(x W + b), x [B,in], W [in,out], b [out] or null; one fused kernel call each way. */
export function dense(
  x: Tensor,
  W: Tensor,
  b: Tensor | null,
  activation: Activation = "identity",
  slope = 0.01,
): Tensor {
  assertShape("x", x.shape, [-1, -1]);
  const [B, nIn] = x.shape;
  assertShape("W", W.shape, [nIn, -1]);
  const nOut = W.shape[1];
  if (b) assertShape("b", b.shape, [nOut]);
  const act = activationNumber(activation);
  if (act === activationCode.leakyRelu && !(slope >= 0 && Number.isFinite(slope))) {
    throw new DomainError("slope", "a finite value >= 0", String(slope));
  }
  const rt = x.rt;
  const y = Tensor.empty([B, nOut], "arena", rt);
  // threads (opt-in, src/core/parallel.ts): a row split when rt has a pool and the layer is large
  if (!parallelDenseForward(rt, x.ptr, W.ptr, b ? b.ptr : 0, y.ptr, B, nIn, nOut, act, slope)) {
    rt.k.denseForward(x.ptr, W.ptr, b ? b.ptr : 0, y.ptr, B, nIn, nOut, act, slope);
  }
  return record(y, [x, W, b], (gy) => {
    const dx = x.requiresGrad ? gradOf(x).ptr : 0;
    const dW = W.requiresGrad ? gradOf(W).ptr : 0;
    const db = b && b.requiresGrad ? gradOf(b).ptr : 0;
    if (parallelDenseBackward(rt, x.ptr, W.ptr, y.ptr, gy.ptr, dx, dW, db, B, nIn, nOut, act, slope)) return;
    // dpre [B, nOut], then room for gemmNT's transposed W
    const scratch = rt.arena.alloc((B * nOut + rt.k.gemmNTScratchSize(nOut, nIn)) * 8);
    rt.k.denseBackward(x.ptr, W.ptr, y.ptr, gy.ptr, dx, dW, db, B, nIn, nOut, act, slope, scratch);
  });
}

/** Arena scratch for gemmNT's transposed B [N,K] when it uses one (shallow K), else 0. */
function scratchNT(t: Tensor, N: number, K: number): number {
  const n = t.rt.k.gemmNTScratchSize(K, N);
  return n === 0 ? 0 : t.rt.arena.alloc(n * 8);
}

function activationNumber(name: string): number {
  if (!Object.hasOwn(activationCode, name)) {
    const names = Object.keys(activationCode).map((n) => `"${n}"`);
    throw new UnknownNameError("activation", `one of ${names.join(", ")}`, JSON.stringify(name));
  }
  return activationCode[name as Activation];
}

