// Ops of the support transforms (src/model/transforms) that no generic op
// covers: the inverses of softplus and of the sigmoid-affine interval map, and
// stick-breaking onto the simplex with its log |det J|. Each is one forward
// kernel call and one backward kernel call that accumulates into the input's
// gradient (assembly/bijectors.ts has the formulas).
import { DomainError, ShapeError, describeShape } from "../../core/errors.js";
import { Tensor } from "../../core/tensor.js";
import { gradOf, record } from "../tape.js";

/** Tolerance on |sum_k x_k - 1| per row accepted by stickBreakingInverse (as firstOutsideSupport). */
export const SIMPLEX_TOLERANCE = 1e-9;

function assertMatrix(argument: string, t: Tensor, minCols: number): void {
  if (t.rank !== 2 || t.shape[1] < minCols) {
    throw new ShapeError(argument, `a 2-D tensor [rows, n] with n >= ${minCols}`, `shape ${describeShape(t.shape)}`);
  }
}

/** u = softplus^-1(x) = log(e^x - 1) = x + log(-expm1(-x)) (NaN / -Inf for x <= 0); du/dx = 1 / (1 - e^-x). */
export function softplusInverse(x: Tensor): Tensor {
  const k = x.rt.k;
  const u = Tensor.empty(x.shape, "arena", x.rt);
  k.softplusInverse(x.ptr, u.ptr, x.size);
  return record(u, [x], (g) => k.softplusInverseBackward(x.ptr, g.ptr, gradOf(x).ptr, x.size));
}

/**
 * u = log(x - low) - log(high - x), the inverse of x = low + (high - low) sigmoid(u)
 * (NaN / Inf outside (low, high)); du/dx = (high - low) / ((x - low)(high - x)).
 */
export function intervalLogit(x: Tensor, low: number, high: number): Tensor {
  if (!Number.isFinite(low) || !Number.isFinite(high) || !(low < high)) {
    throw new DomainError("interval", "finite bounds low < high", `(${low}, ${high})`);
  }
  const k = x.rt.k;
  const u = Tensor.empty(x.shape, "arena", x.rt);
  k.intervalLogit(x.ptr, u.ptr, x.size, low, high);
  return record(u, [x], (g) => k.intervalLogitBackward(x.ptr, g.ptr, gradOf(x).ptr, x.size, low, high));
}

/**
 * Stick-breaking [rows, K-1] -> [rows, K] with log |det J| [rows] (the
 * Jacobian of the first K-1 entries), from one forward kernel call:
 *   t_k = u_k - log(K-1-k), z_k = sigmoid(t_k), x_k = z_k prod_{j<k} (1 - z_j),
 *   x_{K-1} = prod_j (1 - z_j);  log |det J| = sum_k log z_k + (K-1-k) log(1 - z_k).
 * u = 0 maps to the uniform point. Stan reference manual ("Unit simplex");
 * torch.distributions.transforms.StickBreakingTransform.
 */
export function stickBreakingWithLogDet(u: Tensor): { value: Tensor; logDet: Tensor } {
  return stickBreakingOutputs(u, true, true) as { value: Tensor; logDet: Tensor };
}

/** x = stick-breaking(u): [rows, K-1] -> [rows, K] on the simplex (see stickBreakingWithLogDet). */
export function stickBreaking(u: Tensor): Tensor {
  return stickBreakingOutputs(u, true, false).value!;
}

/** log |det d x_{0..K-2} / d u| of stick-breaking per row: [rows, K-1] -> [rows] (see stickBreakingWithLogDet). */
export function stickBreakingLogDet(u: Tensor): Tensor {
  return stickBreakingOutputs(u, false, true).logDet!;
}

function stickBreakingOutputs(u: Tensor, wantValue: boolean, wantLogDet: boolean): { value?: Tensor; logDet?: Tensor } {
  assertMatrix("u", u, 1);
  const [rows, du] = u.shape;
  const k = u.rt.k;
  const x = wantValue ? Tensor.empty([rows, du + 1], "arena", u.rt) : undefined;
  const logDet = wantLogDet ? Tensor.empty([rows], "arena", u.rt) : undefined;
  k.stickBreakingForward(u.ptr, x ? x.ptr : 0, logDet ? logDet.ptr : 0, rows, du);
  if (x) record(x, [u], (g) => k.stickBreakingBackward(u.ptr, x.ptr, g.ptr, gradOf(u).ptr, rows, du));
  if (logDet) record(logDet, [u], (g) => k.stickBreakingLogDetBackward(u.ptr, g.ptr, gradOf(u).ptr, rows, du));
  return { value: x, logDet };
}

/**
 * u_k = log x_k - log(sum_{j>k} x_j) + log(K-1-k), the inverse of stickBreaking:
 * [rows, K] -> [rows, K-1]. Throws DomainError naming the first row that is not
 * on the simplex (an entry not > 0, or a sum off 1 by more than SIMPLEX_TOLERANCE).
 * Differentiable (the gradient is that of the formula above, which is invariant
 * to the scale of x).
 */
export function stickBreakingInverse(x: Tensor): Tensor {
  assertMatrix("x", x, 2);
  const [rows, K] = x.shape;
  const k = x.rt.k;
  const u = Tensor.empty([rows, K - 1], "arena", x.rt);
  const bad = k.stickBreakingInverse(x.ptr, u.ptr, rows, K, SIMPLEX_TOLERANCE);
  if (bad >= 0) {
    const row = Array.from(x.view().subarray(bad * K, (bad + 1) * K));
    throw new DomainError("x", "rows on the simplex (entries > 0 summing to 1)", `[${row.join(", ")}] at row ${bad}`);
  }
  return record(u, [x], (g) => k.stickBreakingInverseBackward(x.ptr, u.ptr, g.ptr, gradOf(x).ptr, rows, K));
}
