// Lower-triangular (Cholesky factor) ops for the multivariate Normal: the
// mask onto the lower triangle, the batched triangular solve and log det.
// Only the lower triangle of L is read; its upper entries get no gradient.
import { ShapeError, describeShape } from "../../core/errors.js";
import { Tensor } from "../../core/tensor.js";
import { gradOf, record } from "../tape.js";

/** Throws ShapeError unless L is square [d, d]; returns d. */
function squareSize(argument: string, L: Tensor): number {
  if (L.rank !== 2 || L.shape[0] !== L.shape[1]) {
    throw new ShapeError(argument, "a square matrix [d, d]", `shape ${describeShape(L.shape)}`);
  }
  return L.shape[0];
}

/** out[j, k] = L[j, k] for k <= j, else 0 ([d, d]); the gradient passes the lower triangle. */
export function tril(L: Tensor): Tensor {
  const d = squareSize("L", L);
  const k = L.rt.k;
  const out = Tensor.empty([d, d], "arena", L.rt);
  k.trilForward(L.ptr, out.ptr, d);
  return record(out, [L], (g) => k.trilBackward(g.ptr, gradOf(L).ptr, d));
}

/**
 * Y[i] = L^{-1} R[i] for each row of R [n, d] (forward substitution, L lower
 * triangular [d, d] with a nonzero diagonal). Backward (G[i] = L^{-T} gY[i]):
 * dR += G, dL -= lower(G^T Y).
 */
export function triangularSolve(L: Tensor, R: Tensor): Tensor {
  const d = squareSize("L", L);
  if (R.rank !== 2 || R.shape[1] !== d) {
    throw new ShapeError("R", `shape [n, ${d}] (rows of length d as L)`, `shape ${describeShape(R.shape)}`);
  }
  const n = R.rows;
  const rt = L.rt;
  const Y = Tensor.empty([n, d], "arena", rt);
  rt.k.triangularSolveForward(L.ptr, R.ptr, Y.ptr, n, d);
  return record(Y, [L, R], (g) => {
    const scratch = rt.arena.alloc(n * d * 8);
    rt.k.triangularSolveBackward(
      L.ptr, Y.ptr, g.ptr, R.requiresGrad ? gradOf(R).ptr : 0, L.requiresGrad ? gradOf(L).ptr : 0, scratch, n, d,
    );
  });
}

/** log det L = sum_j log L[j, j] -> [1] for a lower-triangular L with a positive diagonal; dL[j, j] = 1 / L[j, j]. */
export function logDetTriangular(L: Tensor): Tensor {
  const d = squareSize("L", L);
  const k = L.rt.k;
  const out = Tensor.empty([1], "arena", L.rt);
  k.logDetTriangularForward(L.ptr, out.ptr, d);
  return record(out, [L], (g) => k.logDetTriangularBackward(L.ptr, g.ptr, gradOf(L).ptr, d));
}
