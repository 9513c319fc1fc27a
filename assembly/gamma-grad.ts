// Implicit reparameterization of Gamma draws (Figurnov, Mohamed & Mnih 2018,
// "Implicit reparameterization gradients", NeurIPS): for z ~ Gamma(a, 1),
// dz/da = -(dP/da)(z; a) / p(z; a), P the regularized lower incomplete gamma
// and p the density. Three regimes, the scheme of PyTorch's
// `standard_gamma_grad_one` (aten/src/ATen/native/Distributions.h, BSD-3):
// the series of P for z < 0.8, Rice's saddle-point expansion for a > 8, and a
// fitted bivariate rational approximation in (log(z/a), log a) elsewhere.
// Measured against a finite difference of the inverse CDF (test/distributions/
// gamma.test.ts): relative error < 1e-3 over a in [0.3, 50].
import { at, addAt } from "./access";
import { digammaScalar } from "./special-math";

/** Rational approximation exp(p/q): coefficient rows of 1, u, u^2 (p: 4 in v, q: 4 in v). */
const R0: StaticArray<f64> = [0.16009398, -0.094634809, 0.025146376, -0.0030648343, 1.0, 0.32668115, 0.10406089, 0.0014179084];
const R1: StaticArray<f64> = [0.53487893, 0.1298071, 0.065735949, -0.0015649758, 0.16639465, 0.020070113, -0.0035938915, -0.00058392623];
const R2: StaticArray<f64> = [0.040121004, -0.0065914022, -0.0026286047, -0.0013441777, 0.017050642, -0.0021309326, 0.00085092367, -1.5247877e-7];

/**
 * Small z: P(a, z) = z^a / Gamma(a) S1, S1 = sum_n (-z)^n / (n! (a + n)), so
 * dP/da = z^a / Gamma(a) ((log z - psi(a)) S1 - S2), S2 = sum_n (-z)^n / (n! (a + n)^2),
 * and dz/da = -z e^z ((log z - psi(a)) S1 - S2) (z^a / Gamma(a) cancels
 * against the density: no overflow at z near 0). Summed to convergence.
 */
function seriesGrad(a: f64, z: f64): f64 {
  let term = 1.0;
  let s1 = 1.0 / a;
  let s2 = 1.0 / (a * a);
  for (let n = 1; n < 40; n++) {
    term *= -z / <f64>n;
    const d = a + <f64>n;
    const t1 = term / d;
    s1 += t1;
    s2 += t1 / d;
    if (Math.abs(t1) < 1e-17 * Math.abs(s1)) break;
  }
  return -z * Math.exp(z) * ((Math.log(z) - digammaScalar(a)) * s1 - s2);
}

/** a > 8: Rice's saddle-point expansion of P (its central form for 0.9 a <= z <= 1.1 a). */
function saddlePointGrad(a: f64, z: f64): f64 {
  if (0.9 * a <= z && z <= 1.1 * a) {
    const n1 = 1.0 + 24.0 * a * (1.0 + 12.0 * a);
    const n2 = 1440.0 * a * a + 6.0 * z * (53.0 - 120.0 * z) - (65.0 * z * z) / a + a * (107.0 + 3600.0 * z);
    return (n1 * n2) / (1244160.0 * a * a * a * a);
  }
  const r = Math.sqrt(8.0 * a);
  const lr = Math.log(z / a);
  const t2 = r / (a - z);
  const t3 = Math.pow(z - a - a * lr, -1.5);
  const t23 = z < a ? t2 - t3 : t2 + t3;
  const t1 = lr * t23 - (Math.sqrt(2.0 / a) * (a + z)) / ((a - z) * (a - z));
  const stirling = 1.0 + (1.0 / (12.0 * a)) * (1.0 + 1.0 / (24.0 * a));
  return (-stirling * z * t1) / r;
}

/** Elsewhere: exp(p(u, v) / q(u, v)), u = log(z / a), v = log a. */
function rationalGrad(a: f64, z: f64): f64 {
  const u = Math.log(z / a);
  const v = Math.log(a);
  let p = 0.0, q = 0.0;
  for (let k = 3; k >= 0; k--) {
    p = p * v + (R0[k] + u * (R1[k] + u * R2[k]));
    q = q * v + (R0[k + 4] + u * (R1[k + 4] + u * R2[k + 4]));
  }
  return Math.exp(p / q);
}

/** dz/da for z ~ Gamma(a, 1): -(dP/da)(z; a) / p(z; a); 0 where the formula gives NaN (z at 0). */
export function standardGammaGradScalar(a: f64, z: f64): f64 {
  const g = z < 0.8 ? seriesGrad(a, z) : a > 8.0 ? saddlePointGrad(a, z) : rationalGrad(a, z);
  return isNaN(g) ? 0.0 : g;
}

/** g[i] = dz/da at (a[i % na], z[i]) for z ~ Gamma(a, 1) (the per-element gradient, for tests). */
export function standardGammaGrad(a: usize, na: i32, z: usize, g: usize, n: i32): void {
  for (let i = 0; i < n; i++) store<f64>(g + (<usize>i << 3), standardGammaGradScalar(at(a, i % na), at(z, i)));
}

/**
 * Backward of x ~ Gamma(a, rate) = z / rate, z ~ Gamma(a, 1), given x:
 * da[i % na] += dx[i] dz/da(a, x rate) / rate, dr[i % nr] += -dx[i] x / rate.
 * rate = 0: rate 1; da or dr = 0: that gradient is not wanted.
 */
export function gammaPathwiseBackward(a: usize, na: i32, rate: usize, nr: i32, x: usize, dx: usize, da: usize, dr: usize, n: i32): void {
  for (let i = 0; i < n; i++) {
    const r = rate ? at(rate, i % nr) : 1.0;
    const xi = at(x, i);
    const g = at(dx, i);
    if (da) addAt(da, i % na, (g * standardGammaGradScalar(at(a, i % na), xi * r)) / r);
    if (dr) addAt(dr, i % nr, (-g * xi) / r);
  }
}

/**
 * Backward of Beta draws out = X / (X + Y), X ~ Gamma(a, 1), Y ~ Gamma(b, 1):
 * d out / dX = Y / s^2, d out / dY = -X / s^2 (s = X + Y), each times the
 * implicit dX/da, dY/db. da or db = 0: that gradient is not wanted.
 */
export function betaPathwiseBackward(a: usize, na: i32, b: usize, nb: i32, x: usize, y: usize, dout: usize, da: usize, db: usize, n: i32): void {
  for (let i = 0; i < n; i++) {
    const xi = at(x, i), yi = at(y, i);
    const s = xi + yi;
    const g = at(dout, i) / s / s;
    if (da) addAt(da, i % na, g * yi * standardGammaGradScalar(at(a, i % na), xi));
    if (db) addAt(db, i % nb, -g * xi * standardGammaGradScalar(at(b, i % nb), yi));
  }
}

/**
 * Backward of Dirichlet rows out[r, k] = G[r, k] / s_r, G[r, k] ~ Gamma(c_k, 1):
 * dL/dG_k = (dout_k - sum_j dout_j out_j) / s_r, times the implicit dG_k/dc_k,
 * accumulated into dc[(r K + k) % nc].
 */
export function dirichletPathwiseBackward(c: usize, nc: i32, gam: usize, out: usize, dout: usize, dc: usize, rows: i32, K: i32): void {
  for (let r = 0; r < rows; r++) {
    const base = r * K;
    let s = 0.0, dot = 0.0;
    for (let k = 0; k < K; k++) {
      s += at(gam, base + k);
      dot += at(dout, base + k) * at(out, base + k);
    }
    for (let k = 0; k < K; k++) {
      const i = base + k;
      addAt(dc, i % nc, ((at(dout, i) - dot) / s) * standardGammaGradScalar(at(c, i % nc), at(gam, i)));
    }
  }
}
