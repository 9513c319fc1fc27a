// Per-row small linear algebra of the low-rank + diagonal Gaussian
//   N(x; mean, Sigma),  Sigma = W W^T + D,  D = diag(exp(2 logD)),
// W [d, r] row-major (W[j, a] at j r + a), one (mean, W, logD) per row (A-VI).
// The density never forms Sigma: with Dinv = D^{-1} and the capacitance
//   C = I_r + W^T Dinv W = R R^T (Cholesky, r x r),
// Woodbury and the matrix determinant lemma give, for xc = x - mean,
//   t = W^T Dinv xc,  beta = C^{-1} t,
//   xc^T Sigma^{-1} xc = xc^T Dinv xc - t^T beta,
//   log det Sigma = 2 sum_j logD_j + 2 sum_a log R_aa,
// O(d r^2 + r^3) per row. Backward, with alpha = Sigma^{-1} xc = Dinv (xc - W beta),
// Sigma^{-1} W = Dinv W C^{-1} and (Sigma^{-1})_jj = Dinv_j - Dinv_j^2 w_j^T C^{-1} w_j:
//   dx = -g alpha,  dmean = g alpha,
//   dW = g (alpha (W^T alpha)^T - Dinv W C^{-1}),
//   dlogD_j = g (D_j alpha_j^2 - 1 + Dinv_j w_j^T C^{-1} w_j)
// (Rasmussen & Williams 2006, A.3 and A.9). Also the batched matrix-vector
// product y_i = A_i x_i that draws u = mean + W e1 + exp(logD) e2.
// Backward kernels ACCUMULATE; a 0 pointer skips that gradient.
import { at, put, addAt } from "./access";

const LOG_2PI: f64 = 1.8378770664093453;

/** Address of row i of a [rows, width] buffer. */
@inline function row(p: usize, i: i32, width: i32): usize {
  return p + (<usize>(i * width) << 3);
}

/** y[i] = A_i x[i]: A [rows, m, n], x [rows, n] -> y [rows, m] */
export function rowMatVecForward(A: usize, x: usize, y: usize, rows: i32, m: i32, n: i32): void {
  for (let i = 0; i < rows; i++) {
    const a = row(A, i, m * n), xi = row(x, i, n), yi = row(y, i, m);
    for (let j = 0; j < m; j++) {
      let s = 0.0;
      for (let k = 0; k < n; k++) s += at(a, j * n + k) * at(xi, k);
      put(yi, j, s);
    }
  }
}

/** dA_i[j, k] += g_j x_k; dx_k += sum_j A_i[j, k] g_j */
export function rowMatVecBackward(A: usize, x: usize, gY: usize, dA: usize, dx: usize, rows: i32, m: i32, n: i32): void {
  for (let i = 0; i < rows; i++) {
    const a = row(A, i, m * n), xi = row(x, i, n), g = row(gY, i, m);
    const da = row(dA, i, m * n), dxi = row(dx, i, n);
    for (let j = 0; j < m; j++) {
      const gj = at(g, j);
      if (dA) for (let k = 0; k < n; k++) addAt(da, j * n + k, gj * at(xi, k));
      if (dx) for (let k = 0; k < n; k++) addAt(dxi, k, at(a, j * n + k) * gj);
    }
  }
}

/** v = C^{-1} v in place, C = R R^T (R lower, r x r row-major): forward then back substitution */
@inline function cholSolveInPlace(R: usize, v: usize, r: i32): void {
  for (let a = 0; a < r; a++) {
    let s = at(v, a);
    for (let b = 0; b < a; b++) s -= at(R, a * r + b) * at(v, b);
    put(v, a, s / at(R, a * r + a));
  }
  for (let a = r - 1; a >= 0; a--) {
    let s = at(v, a);
    for (let b = a + 1; b < r; b++) s -= at(R, b * r + a) * at(v, b);
    put(v, a, s / at(R, a * r + a));
  }
}

/**
 * out[i] = log N(x_i; mean_i, W_i W_i^T + diag(exp(2 logD_i))); keeps the
 * capacitance's Cholesky factor R [rows, r, r] (lower) and beta [rows, r]
 * for the backward
 */
export function lowRankNormalLogProbForward(
  x: usize, mean: usize, W: usize, logD: usize, out: usize, Rs: usize, betas: usize, rows: i32, d: i32, r: i32,
): void {
  for (let i = 0; i < rows; i++) {
    const xi = row(x, i, d), mi = row(mean, i, d), w = row(W, i, d * r), ld = row(logD, i, d);
    const R = row(Rs, i, r * r), beta = row(betas, i, r);
    // C (lower triangle) and t, then C = R R^T in place
    for (let a = 0; a < r; a++) {
      put(beta, a, 0.0);
      for (let b = 0; b <= a; b++) put(R, a * r + b, a == b ? 1.0 : 0.0);
    }
    let quad = 0.0, logDet = 0.0;
    for (let j = 0; j < d; j++) {
      const l = at(ld, j);
      const dinv = Math.exp(-2.0 * l);
      const xc = at(xi, j) - at(mi, j);
      quad += dinv * xc * xc;
      logDet += 2.0 * l;
      for (let a = 0; a < r; a++) {
        const wa = at(w, j * r + a) * dinv;
        addAt(beta, a, wa * xc);
        for (let b = 0; b <= a; b++) addAt(R, a * r + b, wa * at(w, j * r + b));
      }
    }
    for (let a = 0; a < r; a++) {
      for (let b = 0; b <= a; b++) {
        let s = at(R, a * r + b);
        for (let c = 0; c < b; c++) s -= at(R, a * r + c) * at(R, b * r + c);
        if (a == b) {
          const root = Math.sqrt(s);
          put(R, a * r + a, root);
          logDet += 2.0 * Math.log(root);
        } else put(R, a * r + b, s / at(R, b * r + b));
      }
    }
    // t^T C^{-1} t = |R^{-1} t|^2, then beta = R^{-T} (R^{-1} t)
    for (let a = 0; a < r; a++) {
      let s = at(beta, a);
      for (let b = 0; b < a; b++) s -= at(R, a * r + b) * at(beta, b);
      s /= at(R, a * r + a);
      put(beta, a, s);
      quad -= s * s;
    }
    for (let a = r - 1; a >= 0; a--) {
      let s = at(beta, a);
      for (let b = a + 1; b < r; b++) s -= at(R, b * r + a) * at(beta, b);
      put(beta, a, s / at(R, a * r + a));
    }
    put(out, i, -0.5 * (quad + logDet + <f64>d * LOG_2PI));
  }
}

/** The backward of lowRankNormalLogProbForward (formulas above); scratch: d + 2 r values */
export function lowRankNormalLogProbBackward(
  x: usize, mean: usize, W: usize, logD: usize, Rs: usize, betas: usize, gOut: usize,
  dx: usize, dMean: usize, dW: usize, dLogD: usize, scratch: usize, rows: i32, d: i32, r: i32,
): void {
  const alpha = scratch, s = scratch + (<usize>d << 3), v = s + (<usize>r << 3);
  for (let i = 0; i < rows; i++) {
    const xi = row(x, i, d), mi = row(mean, i, d), w = row(W, i, d * r), ld = row(logD, i, d);
    const R = row(Rs, i, r * r), beta = row(betas, i, r);
    const g = at(gOut, i);
    for (let a = 0; a < r; a++) put(s, a, 0.0);
    for (let j = 0; j < d; j++) {
      let wb = 0.0;
      for (let a = 0; a < r; a++) wb += at(w, j * r + a) * at(beta, a);
      const aj = Math.exp(-2.0 * at(ld, j)) * (at(xi, j) - at(mi, j) - wb);
      put(alpha, j, aj);
      for (let a = 0; a < r; a++) addAt(s, a, aj * at(w, j * r + a));
      if (dx) addAt(row(dx, i, d), j, -g * aj);
      if (dMean) addAt(row(dMean, i, d), j, g * aj);
    }
    if (!dW && !dLogD) continue;
    for (let j = 0; j < d; j++) {
      const dinv = Math.exp(-2.0 * at(ld, j));
      const aj = at(alpha, j);
      for (let a = 0; a < r; a++) put(v, a, at(w, j * r + a));
      cholSolveInPlace(R, v, r);
      let q = 0.0;
      for (let a = 0; a < r; a++) q += at(w, j * r + a) * at(v, a);
      if (dW) {
        const dw = row(dW, i, d * r);
        for (let a = 0; a < r; a++) addAt(dw, j * r + a, g * (aj * at(s, a) - dinv * at(v, a)));
      }
      if (dLogD) addAt(row(dLogD, i, d), j, g * ((aj * aj) / dinv - 1.0 + dinv * q));
    }
  }
}
