// Support-transform kernels (bijectors from unconstrained reals): the
// inverses of softplus and of the sigmoid-affine map onto an interval, and
// the stick-breaking map onto the simplex with its log |det J| and their
// backward passes. Stick-breaking is sequential along a row (each entry takes
// what the earlier ones left), so it is a scalar loop per row. Backward
// kernels ACCUMULATE into the gradient; a 0 output pointer skips that output.
//
// Stick-breaking (Stan reference manual, "Unit simplex"; torch.distributions
// StickBreakingTransform): a row u of du = K - 1 reals maps to x of K entries
//   t_k = u_k - log(du - k),  z_k = sigmoid(t_k),
//   x_k = z_k prod_{j<k} (1 - z_j)  (k < du),  x_du = prod_{j<du} (1 - z_j);
// the offset makes u = 0 the uniform point. The Jacobian of the first du
// entries is lower triangular with diagonal x_k (1 - z_k), so
//   log |det J| = sum_k log z_k + (du - k) log(1 - z_k)
//               = -sum_k softplus(-t_k) + (du - k) softplus(t_k),
// written with softplus so that it stays finite for any u.
import { at, put, addAt } from "./access";
import { sigmoidScalar, softplusScalar } from "./scalar";

/** u = softplus^-1(x) = log(e^x - 1) = x + log(-expm1(-x)) (NaN / -Inf for x <= 0) */
export function softplusInverse(x: usize, u: usize, n: i32): void {
  for (let i = 0; i < n; i++) {
    const v = at(x, i);
    put(u, i, v + Math.log(-Math.expm1(-v)));
  }
}

/** dx += du / (1 - e^-x), the backward of softplusInverse */
export function softplusInverseBackward(x: usize, gu: usize, gx: usize, n: i32): void {
  for (let i = 0; i < n; i++) addAt(gx, i, at(gu, i) / -Math.expm1(-at(x, i)));
}

/** u = log(x - low) - log(high - x), the inverse of x = low + (high - low) sigmoid(u) (NaN / Inf outside (low, high)) */
export function intervalLogit(x: usize, u: usize, n: i32, low: f64, high: f64): void {
  for (let i = 0; i < n; i++) {
    const v = at(x, i);
    put(u, i, Math.log(v - low) - Math.log(high - v));
  }
}

/** dx += du (high - low) / ((x - low) (high - x)), the backward of intervalLogit */
export function intervalLogitBackward(x: usize, gu: usize, gx: usize, n: i32, low: f64, high: f64): void {
  const w = high - low;
  for (let i = 0; i < n; i++) {
    const v = at(x, i);
    addAt(gx, i, (at(gu, i) * w) / ((v - low) * (high - v)));
  }
}

/** x[r] = stick-breaking(u[r]) ([rows, du] -> [rows, du + 1]) and logDet[r] = log |det J| (either pointer may be 0) */
export function stickBreakingForward(u: usize, x: usize, logDet: usize, rows: i32, du: i32): void {
  const K = du + 1;
  for (let r = 0; r < rows; r++) {
    const ur = u + ((<usize>(r * du)) << 3);
    const xr = x + ((<usize>(r * K)) << 3);
    let rest = 1.0; // prod_{j<k} (1 - z_j): what is left of the stick
    let ld = 0.0;
    for (let k = 0; k < du; k++) {
      const c = <f64>(du - k);
      const t = at(ur, k) - Math.log(c);
      if (x) put(xr, k, sigmoidScalar(t) * rest);
      rest *= sigmoidScalar(-t); // 1 - z_k without cancellation
      ld -= softplusScalar(-t) + c * softplusScalar(t);
    }
    if (x) put(xr, du, rest);
    if (logDet) put(logDet, r, ld);
  }
}

/**
 * du[r, j] += (1 - z_j) x_j g_j - z_j sum_{k>j} g_k x_k, the backward of
 * stickBreakingForward's x (dx_k/dt_j = -z_j x_k for j < k, (1 - z_k) x_k for j = k)
 */
export function stickBreakingBackward(u: usize, x: usize, gx: usize, gu: usize, rows: i32, du: i32): void {
  const K = du + 1;
  for (let r = 0; r < rows; r++) {
    const ur = u + ((<usize>(r * du)) << 3);
    const gr = gu + ((<usize>(r * du)) << 3);
    const xr = x + ((<usize>(r * K)) << 3);
    const gxr = gx + ((<usize>(r * K)) << 3);
    let tail = at(gxr, du) * at(xr, du); // sum_{k>j} g_k x_k
    for (let k = du - 1; k >= 0; k--) {
      const t = at(ur, k) - Math.log(<f64>(du - k));
      const gxk = at(gxr, k) * at(xr, k);
      addAt(gr, k, gxk * sigmoidScalar(-t) - sigmoidScalar(t) * tail);
      tail += gxk;
    }
  }
}

/** du[r, k] += g[r] (sigmoid(-t_k) - (du - k) sigmoid(t_k)), the backward of the stick-breaking log |det J| */
export function stickBreakingLogDetBackward(u: usize, g: usize, gu: usize, rows: i32, du: i32): void {
  for (let r = 0; r < rows; r++) {
    const ur = u + ((<usize>(r * du)) << 3);
    const gr = gu + ((<usize>(r * du)) << 3);
    const gv = at(g, r);
    for (let k = 0; k < du; k++) {
      const c = <f64>(du - k);
      const t = at(ur, k) - Math.log(c);
      addAt(gr, k, gv * (sigmoidScalar(-t) - c * sigmoidScalar(t)));
    }
  }
}

/**
 * u[r, k] = log x_k - log(sum_{j>k} x_j) + log(K - 1 - k), the inverse of
 * stickBreakingForward ([rows, K] -> [rows, K - 1]). The remaining stick is a
 * suffix sum, not 1 - (a prefix sum), so tiny tails keep their precision.
 * Returns the first row with an entry that is not finite and > 0 or whose sum
 * is off 1 by more than tol, else -1.
 */
export function stickBreakingInverse(x: usize, u: usize, rows: i32, K: i32, tol: f64): i32 {
  const du = K - 1;
  for (let r = 0; r < rows; r++) {
    const xr = x + ((<usize>(r * K)) << 3);
    const ur = u + ((<usize>(r * du)) << 3);
    let tail = at(xr, du);
    if (!(tail > 0.0 && tail < Infinity)) return r;
    for (let k = du - 1; k >= 0; k--) {
      const v = at(xr, k);
      if (!(v > 0.0 && v < Infinity)) return r;
      put(ur, k, Math.log(v) - Math.log(tail) + Math.log(<f64>(du - k)));
      tail += v;
    }
    if (!(Math.abs(tail - 1.0) <= tol)) return r;
  }
  return -1;
}

/**
 * gx[r, j] += gu_j / x_j [j < K-1] - sum_{k<j} gu_k / T_k, T_k = sum_{i>k} x_i,
 * the backward of stickBreakingInverse (of its scale-invariant formula, x not
 * projected on the simplex). T_k = (K - 1 - k) x_k e^-u_k is read from the
 * output u, which avoids recomputing suffix sums.
 */
export function stickBreakingInverseBackward(x: usize, u: usize, gu: usize, gx: usize, rows: i32, K: i32): void {
  const du = K - 1;
  for (let r = 0; r < rows; r++) {
    const xr = x + ((<usize>(r * K)) << 3);
    const ur = u + ((<usize>(r * du)) << 3);
    const gur = gu + ((<usize>(r * du)) << 3);
    const gxr = gx + ((<usize>(r * K)) << 3);
    let before = 0.0; // sum_{k<j} gu_k / T_k
    for (let j = 0; j < du; j++) {
      const xj = at(xr, j), g = at(gur, j);
      addAt(gxr, j, g / xj - before);
      before += (g * Math.exp(at(ur, j))) / (<f64>(du - j) * xj);
    }
    addAt(gxr, du, -before);
  }
}
