// Ops of masked autoregressive flows (src/infer/families/flows/): the masked
// dense layer of MADE and the shift / log-scale step of an affine
// autoregressive flow with its log-determinant. Each is one forward kernel
// call and one backward kernel call per output (assembly/masked.ts has the
// formulas).
import { ShapeError, UnknownNameError, describeShape } from "../../core/errors.js";
import { Tensor } from "../../core/tensor.js";
import { gradOf, needsGrad, record } from "../tape.js";
import { activationNumber, type Activation } from "./linalg.js";

function assertMatrix(argument: string, t: Tensor, expected: string, rows: number, cols: number): void {
  if (t.rank !== 2 || (rows >= 0 && t.shape[0] !== rows) || (cols >= 0 && t.shape[1] !== cols)) {
    throw new ShapeError(argument, expected, `shape ${describeShape(t.shape)}`);
  }
}

/**
 * y = act(x (W ⊙ M) + b): the masked dense layer of MADE (Germain et al.
 * 2015, "MADE: Masked Autoencoder for Distribution Estimation"), x [B,in],
 * W [in,out], a constant 0/1 mask M [in,out] (no gradient), b [out] or null.
 * Gradients: dx = dpre (W ⊙ M)^T, dW = (x^T dpre) ⊙ M, db = colsum(dpre),
 * dpre = dy * act'(y); masked-out weights get exactly zero gradient.
 */
export function maskedDense(x: Tensor, W: Tensor, mask: Tensor, b: Tensor | null, activation: Activation = "identity", slope = 0.01): Tensor {
  assertMatrix("x", x, "a 2-D tensor [B, in]", -1, -1);
  const [B, nIn] = x.shape;
  assertMatrix("W", W, `a tensor [${nIn}, out] (in = columns of x)`, nIn, -1);
  const nOut = W.shape[1];
  assertMatrix("mask", mask, `a tensor [${nIn}, ${nOut}] (the shape of W)`, nIn, nOut);
  if (b && !(b.rank === 1 && b.size === nOut)) throw new ShapeError("b", `a tensor [${nOut}]`, `shape ${describeShape(b.shape)}`);
  const act = activationNumber(activation, slope);
  const rt = x.rt;
  const k = rt.k;
  const y = Tensor.empty([B, nOut], "arena", rt);
  const beforeWm = rt.arena.mark();
  const Wm = rt.arena.alloc(nIn * nOut * 8); // W ⊙ M, read again by the backward
  k.maskedDenseForward(x.ptr, W.ptr, mask.ptr, Wm, b ? b.ptr : 0, y.ptr, B, nIn, nOut, act, slope);
  if (!needsGrad(x, W, b)) {
    rt.arena.restore(beforeWm);
    return y;
  }
  return record(y, [x, W, b], (gy) => {
    const dx = x.requiresGrad ? gradOf(x).ptr : 0;
    const dW = W.requiresGrad ? gradOf(W).ptr : 0;
    const db = b && b.requiresGrad ? gradOf(b).ptr : 0;
    const scratch = rt.arena.alloc(k.maskedDenseScratchSize(B, nIn, nOut) * 8);
    k.maskedDenseBackward(x.ptr, Wm, mask.ptr, y.ptr, gy.ptr, dx, dW, db, B, nIn, nOut, act, slope, scratch);
  });
}

/** Which way an affine autoregressive step runs (see shiftLogScale). */
export type AffineDirection = "generate" | "normalize";

const DIRECTION: Readonly<Record<AffineDirection, number>> = Object.freeze({ generate: 1, normalize: -1 });

/**
 * The affine step of an autoregressive flow (MAF, Papamakarios et al. 2017;
 * IAF, Kingma et al. 2016), elementwise given per-row parameters: x [rows, d],
 * params [rows, P >= 2d] whose first d columns are the shift m and the next d
 * the log-scale s (further columns are ignored, so a context row (mean,
 * logStd, ...) is read in place):
 *   "generate":  y = x e^s + m,      logDet = sum_j s_j;
 *   "normalize": y = (x - m) e^-s,   logDet = -sum_j s_j  (its inverse);
 * logDet [rows] = log |det dy/dx| when m and s do not depend on x_j at j
 * (the triangular Jacobian of an autoregressive step). Differentiable in x and params.
 */
export function shiftLogScale(x: Tensor, params: Tensor, direction: AffineDirection): { value: Tensor; logDet: Tensor } {
  assertMatrix("x", x, "a 2-D tensor [rows, d]", -1, -1);
  const [rows, dim] = x.shape;
  if (params.rank !== 2 || params.shape[0] !== rows || params.shape[1] < 2 * dim) {
    throw new ShapeError("params", `a tensor [${rows}, P] with P >= ${2 * dim} (shift, log-scale)`, `shape ${describeShape(params.shape)}`);
  }
  if (!Object.hasOwn(DIRECTION, direction)) throw new UnknownNameError("direction", '"generate" or "normalize"', JSON.stringify(direction));
  const sign = DIRECTION[direction];
  const hs = params.shape[1];
  const rt = x.rt;
  const k = rt.k;
  const y = Tensor.empty([rows, dim], "arena", rt);
  const logDet = Tensor.empty([rows], "arena", rt);
  k.shiftLogScaleForward(x.ptr, params.ptr, hs, y.ptr, logDet.ptr, rows, dim, sign);
  record(y, [x, params], (gy) => {
    const gx = x.requiresGrad ? gradOf(x).ptr : 0;
    const gh = params.requiresGrad ? gradOf(params).ptr : 0;
    k.shiftLogScaleBackward(params.ptr, hs, y.ptr, gy.ptr, gx, gh, rows, dim, sign);
  });
  record(logDet, [params], (g) => k.shiftLogScaleLogDetBackward(g.ptr, gradOf(params).ptr, hs, rows, dim, sign));
  return { value: y, logDet };
}
