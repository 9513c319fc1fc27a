// Ops on per-row lower-triangular factors in packed form with a log
// diagonal (assembly/packed-triangular.ts): row i of Lp [rows, d(d+1)/2]
// holds L_i's lower triangle row by row, entry (j, k), k <= j, at
// j(j+1)/2 + k, the diagonal stored as log L_jj. Any real row is a valid
// Cholesky factor, so an inference network can output one per datapoint.
import { DomainError, ShapeError, describeShape } from "../../core/errors.js";
import { Tensor } from "../../core/tensor.js";
import { gradOf, record } from "../tape.js";

/** Values of the packed lower triangle of a d x d matrix: d(d+1)/2. */
export function packedTrilSize(d: number): number {
  return (d * (d + 1)) / 2;
}

/** d such that d(d+1)/2 = T, or throws DomainError naming `argument`. */
function dimOfPacked(argument: string, T: number): number {
  const d = Math.round((Math.sqrt(8 * T + 1) - 1) / 2);
  if (packedTrilSize(d) !== T) throw new DomainError(argument, "d(d+1)/2 columns (a packed lower triangle)", `${T} columns`);
  return d;
}

/** Checks Lp [rows, d(d+1)/2] against x [rows, d]; returns d. */
function assertFactorAndRows(Lp: Tensor, x: Tensor, xName: string): number {
  if (Lp.rank !== 2) throw new ShapeError("Lp", "a 2-D tensor [rows, d(d+1)/2]", `shape ${describeShape(Lp.shape)}`);
  const d = dimOfPacked("Lp", Lp.cols);
  if (x.rank !== 2 || x.rows !== Lp.rows || x.cols !== d) {
    throw new ShapeError(xName, `shape [${Lp.rows}, ${d}] (rows and d of Lp)`, `shape ${describeShape(x.shape)}`);
  }
  return d;
}

/** Pointer of x's gradient if x needs one, else 0 (the kernels skip 0). */
function gradPtr(x: Tensor): number {
  return x.requiresGrad ? gradOf(x).ptr : 0;
}

/**
 * y[i] = L_i x[i] (L_i from the packed row Lp[i], diagonal exp(Lp[i, jj])):
 * Lp [rows, d(d+1)/2], x [rows, d] -> [rows, d]. Backward:
 * dL_i += lower(g_i x_i^T) (chain rule L_jj on the log diagonal), dx_i += L_i^T g_i.
 */
export function packedTrilMatVec(Lp: Tensor, x: Tensor): Tensor {
  const d = assertFactorAndRows(Lp, x, "x");
  const rows = x.rows;
  const k = x.rt.k;
  const y = Tensor.empty([rows, d], "arena", x.rt);
  k.packedTrilMatVecForward(Lp.ptr, x.ptr, y.ptr, rows, d);
  return record(y, [Lp, x], (g) => k.packedTrilMatVecBackward(Lp.ptr, x.ptr, g.ptr, gradPtr(Lp), gradPtr(x), rows, d));
}

/**
 * y[i] = L_i^{-1} r[i] (forward substitution per row): Lp [rows, d(d+1)/2],
 * r [rows, d] -> [rows, d]. Backward (G_i = L_i^{-T} gY_i): dr += G,
 * dL_i -= lower(G_i y_i^T) (chain rule L_jj on the log diagonal).
 */
export function packedTrilSolve(Lp: Tensor, r: Tensor): Tensor {
  const d = assertFactorAndRows(Lp, r, "r");
  const rows = r.rows;
  const rt = r.rt;
  const y = Tensor.empty([rows, d], "arena", rt);
  rt.k.packedTrilSolveForward(Lp.ptr, r.ptr, y.ptr, rows, d);
  return record(y, [Lp, r], (g) => {
    const scratch = rt.arena.alloc(d * 8);
    rt.k.packedTrilSolveBackward(Lp.ptr, y.ptr, g.ptr, gradPtr(Lp), gradPtr(r), scratch, rows, d);
  });
}

/** log det L_i = sum_j Lp[i, jj] (the stored log diagonal): [rows, d(d+1)/2] -> [rows]; gradient 1 on the diagonal entries. */
export function packedTrilLogDet(Lp: Tensor): Tensor {
  if (Lp.rank !== 2) throw new ShapeError("Lp", "a 2-D tensor [rows, d(d+1)/2]", `shape ${describeShape(Lp.shape)}`);
  const d = dimOfPacked("Lp", Lp.cols);
  const rows = Lp.rows;
  const k = Lp.rt.k;
  const out = Tensor.empty([rows], "arena", Lp.rt);
  k.packedTrilLogDetForward(Lp.ptr, out.ptr, rows, d);
  return record(out, [Lp], (g) => k.packedTrilLogDetBackward(g.ptr, gradOf(Lp).ptr, rows, d));
}
