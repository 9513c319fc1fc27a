// Ops of the low-rank + diagonal Gaussian with one (mean, W, logD) per row
// (assembly/low-rank-normal.ts has the Woodbury formulas and their
// derivatives): the batched matrix-vector product and the log-density.
import { ShapeError, describeShape } from "../../core/errors.js";
import { Tensor } from "../../core/tensor.js";
import { gradOf, record } from "../tape.js";

/** Pointer of x's gradient if x needs one, else 0 (the kernels skip 0). */
function gradPtr(x: Tensor): number {
  return x.requiresGrad ? gradOf(x).ptr : 0;
}

/** y[i] = A_i x[i]: A [rows, m, n], x [rows, n] -> [rows, m]; dA_i += g_i x_i^T, dx_i += A_i^T g_i. */
export function rowMatVec(A: Tensor, x: Tensor): Tensor {
  if (A.rank !== 3) throw new ShapeError("A", "a 3-D tensor [rows, m, n]", `shape ${describeShape(A.shape)}`);
  const [rows, m, n] = A.shape;
  if (x.rank !== 2 || x.rows !== rows || x.cols !== n) {
    throw new ShapeError("x", `shape [${rows}, ${n}] (rows and n of A)`, `shape ${describeShape(x.shape)}`);
  }
  const k = x.rt.k;
  const y = Tensor.empty([rows, m], "arena", x.rt);
  k.rowMatVecForward(A.ptr, x.ptr, y.ptr, rows, m, n);
  return record(y, [A, x], (g) => k.rowMatVecBackward(A.ptr, x.ptr, g.ptr, gradPtr(A), gradPtr(x), rows, m, n));
}

/**
 * log N(x_i; mean_i, W_i W_i^T + diag(exp(2 logD_i))) per row, by Woodbury
 * and the matrix determinant lemma on the r x r capacitance
 * C = I + W^T D^{-1} W (never the d x d covariance): x, mean, logD
 * [rows, d], W [rows, d, r] -> [rows]. Gradients flow into all four.
 */
export function lowRankNormalLogProb(x: Tensor, mean: Tensor, W: Tensor, logD: Tensor): Tensor {
  if (x.rank !== 2) throw new ShapeError("x", "a 2-D tensor [rows, d]", `shape ${describeShape(x.shape)}`);
  const [rows, d] = x.shape;
  if (W.rank !== 3 || W.shape[0] !== rows || W.shape[1] !== d) {
    throw new ShapeError("W", `shape [${rows}, ${d}, r] (rows and d of x)`, `shape ${describeShape(W.shape)}`);
  }
  const r = W.shape[2];
  for (const [name, t] of [["mean", mean], ["logD", logD]] as const) {
    if (t.rank !== 2 || t.rows !== rows || t.cols !== d) throw new ShapeError(name, `shape [${rows}, ${d}] (as x)`, `shape ${describeShape(t.shape)}`);
  }
  const rt = x.rt;
  const out = Tensor.empty([rows], "arena", rt);
  const Rs = rt.arena.alloc(rows * r * r * 8);
  const betas = rt.arena.alloc(rows * r * 8);
  rt.k.lowRankNormalLogProbForward(x.ptr, mean.ptr, W.ptr, logD.ptr, out.ptr, Rs, betas, rows, d, r);
  return record(out, [x, mean, W, logD], (g) => {
    const scratch = rt.arena.alloc((d + 2 * r) * 8);
    rt.k.lowRankNormalLogProbBackward(
      x.ptr, mean.ptr, W.ptr, logD.ptr, Rs, betas, g.ptr, gradPtr(x), gradPtr(mean), gradPtr(W), gradPtr(logD), scratch, rows, d, r,
    );
  });
}
