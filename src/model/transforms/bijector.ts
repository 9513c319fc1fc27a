import { assertInteger, DomainError, ShapeError, describeShape } from "../../core/errors.js";
import type { Tensor } from "../../core/tensor.js";
import { describeSupport, type Support } from "../../distributions/support.js";

/**
 * A smooth invertible map x = f(u) from unconstrained reals onto a support,
 * with log |det df/du|, so that a density over u (a guide in unconstrained
 * space, as ADVI does: Kucukelbir et al. 2017, JMLR 18(14)) gives the density
 * over x by the change of variables
 *   log p_X(f(u)) = log p_U(u) - log |det J_f(u)|.
 * Values are rows: u is [rows, du], x is [rows, dx]. Every map is a tape op
 * (differentiable). The simplex maps du = K - 1 reals to dx = K entries; its
 * Jacobian is that of the first K - 1 entries (the last is 1 minus their sum).
 */
export interface Bijector {
  /** "exp", "sigmoid-affine(0, 1)", "stick-breaking", ... */
  readonly name: string;
  /** The set f maps onto. */
  readonly codomain: Support;
  /** x = f(u): [rows, du] -> [rows, dx]. */
  forward(u: Tensor): Tensor;
  /** u = f^-1(x): [rows, dx] -> [rows, du]; throws DomainError naming the first value outside the codomain. */
  inverse(x: Tensor): Tensor;
  /** log |det df/du| summed over each row: [rows, du] -> [rows]. */
  logAbsDetJacobian(u: Tensor): Tensor;
  /** forward and logAbsDetJacobian together, sharing the work where they can. */
  forwardWithLogDet(u: Tensor): { value: Tensor; logDet: Tensor };
  /** du for a constrained row of dx values. */
  unconstrainedSize(dx: number): number;
  /** dx for an unconstrained row of du values. */
  constrainedSize(du: number): number;
}

/** Throws ShapeError unless t is [rows, n] with n >= minCols; returns [rows, n]. */
export function assertRows(argument: string, t: Tensor, minCols = 1): [number, number] {
  if (t.rank !== 2 || t.shape[1] < minCols) {
    throw new ShapeError(argument, `a 2-D tensor [rows, n] with n >= ${minCols}`, `shape ${describeShape(t.shape)}`);
  }
  return [t.shape[0], t.shape[1]];
}

/** Throws DomainError unless n is an integer >= min (a row size). */
export function assertRowSize(argument: string, n: number, min: number): number {
  assertInteger(argument, n, min);
  return n;
}

/**
 * For elementwise maps (u and x of one shape): throws DomainError naming x's
 * first value outside `codomain` when u = f^-1(x) came out non-finite (one
 * Wasm scan of u; each inverse kernel gives NaN or +-Inf exactly there).
 */
export function assertInverseFinite(codomain: Support, x: Tensor, u: Tensor): void {
  const i = u.firstNonFinite();
  if (i < 0) return;
  const cols = u.cols;
  const where = u.rank === 2 ? `row ${Math.floor(i / cols)}, column ${i % cols}` : `index ${i}`;
  throw new DomainError("x", `values in ${describeSupport(codomain)}`, `${x.view()[i]} at ${where}`);
}
