import { assertShape, DomainError, UnknownNameError } from "../../core/errors.js";
import { Tensor } from "../../core/tensor.js";
import {
  parallelDense32Backward,
  parallelDense32Forward,
  parallelDenseBackward,
  parallelDenseForward,
  parallelGemmNN,
  parallelGemmNT,
  parallelGemmTN,
} from "../../core/parallel.js";
import { gradOf, needsGrad, record } from "../tape.js";

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

/**
 * Arithmetic of a dense layer. "f64": everything in f64. "f32" (mixed
 * precision): x, W and b are rounded to f32 copies, the product x W and the
 * bias + activation run in f32 (SIMD f32x4) and y is stored as f64; the
 * backward runs its products in f32 and adds them to the f64 gradients.
 * Parameters, gradients and optimizer state stay f64 (master weights); the
 * result carries about 1e-7 relative rounding per product term (f32 unit
 * roundoff 6e-8) instead of 1e-16; magnitudes above 3.4e38 overflow to
 * infinity and those below 1.2e-38 lose digits. Dense layers run about
 * 1.5-2x faster (bench/: VAE training steps 1.3x at D10 H50, 1.9x at D784 H256).
 */
export type Precision = "f64" | "f32";

/** The precisions `dense`, Linear and MLP accept. */
export const PRECISIONS: readonly Precision[] = Object.freeze(["f64", "f32"]);

export interface DenseOptions {
  /** Arithmetic of the product and activation (see Precision). Default: "f64". */
  precision?: Precision;
}

/** Throws UnknownNameError naming `argument` unless `p` is a Precision; returns it. */
export function checkPrecision(argument: string, p: unknown): Precision {
  if (!PRECISIONS.includes(p as Precision)) {
    throw new UnknownNameError(argument, `one of ${PRECISIONS.map((n) => `"${n}"`).join(", ")}`, JSON.stringify(p) ?? String(p));
  }
  return p as Precision;
}

/**
 * y = act(x W + b), x [B,in], W [in,out], b [out] or null; one fused kernel
 * call each way. precision "f32": y = f64(act_f32(f32(x) f32(W) + f32(b))),
 * dx += f32(dpre) f32(W)^T, dW += f32(x)^T f32(dpre), db += colsum(dpre) with
 * dpre = dy * act'(y) (see Precision).
 */
export function dense(
  x: Tensor,
  W: Tensor,
  b: Tensor | null,
  activation: Activation = "identity",
  slope = 0.01,
  { precision = "f64" }: DenseOptions = {},
): Tensor {
  assertShape("x", x.shape, [-1, -1]);
  const [B, nIn] = x.shape;
  assertShape("W", W.shape, [nIn, -1]);
  const nOut = W.shape[1];
  if (b) assertShape("b", b.shape, [nOut]);
  const act = activationNumber(activation, slope);
  if (checkPrecision("precision", precision) === "f32") return dense32(x, W, b, act, slope);
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

/** dense with precision "f32" (arguments checked): f32 copies of x and W stay in the arena for the backward, if one is recorded. */
function dense32(x: Tensor, W: Tensor, b: Tensor | null, act: number, slope: number): Tensor {
  const [B, nIn] = x.shape;
  const nOut = W.shape[1];
  const rt = x.rt;
  const k = rt.k;
  const y = Tensor.empty([B, nOut], "arena", rt);
  const beforeKeep = rt.arena.mark();
  const keep = rt.arena.alloc(k.dense32KeepSize(B, nIn, nOut) * 4);
  const afterKeep = rt.arena.mark();
  if (!parallelDense32Forward(rt, x.ptr, W.ptr, b ? b.ptr : 0, y.ptr, B, nIn, nOut, act, slope, keep)) {
    const scratch = rt.arena.alloc(k.dense32ForwardScratchSize(B, nIn, nOut) * 4);
    k.dense32Forward(x.ptr, W.ptr, b ? b.ptr : 0, y.ptr, B, nIn, nOut, act, slope, keep, scratch);
  }
  const backwardNeeded = needsGrad(x, W, b);
  rt.arena.restore(backwardNeeded ? afterKeep : beforeKeep);
  if (!backwardNeeded) return y;
  return record(y, [x, W, b], (gy) => {
    const dx = x.requiresGrad ? gradOf(x).ptr : 0;
    const dW = W.requiresGrad ? gradOf(W).ptr : 0;
    const db = b && b.requiresGrad ? gradOf(b).ptr : 0;
    if (parallelDense32Backward(rt, keep, y.ptr, gy.ptr, dx, dW, db, B, nIn, nOut, act, slope)) return;
    const scratch = rt.arena.alloc(k.dense32BackwardScratchSize(B, nIn, nOut) * 4);
    k.dense32Backward(keep, y.ptr, gy.ptr, dx, dW, db, B, nIn, nOut, act, slope, scratch);
  });
}

/** Arena scratch for gemmNT's transposed B [N,K] when it uses one (shallow K), else 0. */
function scratchNT(t: Tensor, N: number, K: number): number {
  const n = t.rt.k.gemmNTScratchSize(K, N);
  return n === 0 ? 0 : t.rt.arena.alloc(n * 8);
}

/**
 * Kernel code of a fused activation (activationCode); throws UnknownNameError
 * for an unknown name and DomainError for a leakyRelu slope that is not finite
 * and >= 0 (the backward takes the derivative from the output).
 */
export function activationNumber(name: string, slope: number): number {
  if (!Object.hasOwn(activationCode, name)) {
    const names = Object.keys(activationCode).map((n) => `"${n}"`);
    throw new UnknownNameError("activation", `one of ${names.join(", ")}`, JSON.stringify(name));
  }
  const act = activationCode[name as Activation];
  if (act === activationCode.leakyRelu && !(slope >= 0 && Number.isFinite(slope))) {
    throw new DomainError("slope", "a finite value >= 0", String(slope));
  }
  return act;
}

