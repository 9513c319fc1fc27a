// Exact posteriors of the linear-Gaussian local-latent models (avi-hmm, avi-gp):
// z ~ N(0, Sigma), x_n ~ N(z_n, s^2). Dense N x N algebra in JS: N <= a few hundred,
// evaluation only (never on a training step).
import { DomainError, NonFiniteError, ShapeError } from "../../core/errors.js";

/** The exact posterior N(mean, cov) and its precision, plus the mean-field (F-VI) optimum. */
export interface GaussianPosterior {
  /** Posterior mean E[z | x] [N] (= the F-VI optimal means). */
  mean: Float64Array;
  /** Posterior precision P = Sigma^{-1} + I / s^2, dense row-major [N * N]. */
  precision: Float64Array;
  /** Posterior covariance P^{-1}, dense row-major [N * N]. */
  cov: Float64Array;
  /** Mean-field reverse-KL optimum's standard deviations 1 / sqrt(P_nn) (the F-VI optimum). */
  meanFieldStd: Float64Array;
  /** log p(x) (the -ELBO of the exact posterior is -logEvidence). */
  logEvidence: number;
}

/** Lower Cholesky factor L (A = L L^T) of a symmetric positive definite row-major [n * n] matrix. */
export function cholesky(a: ArrayLike<number>, n: number): Float64Array {
  if (a.length !== n * n) throw new ShapeError("a", `${n * n} values (an ${n} x ${n} matrix)`, `${a.length} values`);
  const L = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i * n + j];
      for (let k = 0; k < j; k++) s -= L[i * n + k] * L[j * n + k];
      if (i === j) {
        if (!(s > 0)) throw new DomainError("a", "a positive definite matrix", `pivot ${s} at row ${i}`);
        L[i * n + i] = Math.sqrt(s);
      } else {
        L[i * n + j] = s / L[j * n + j];
      }
    }
  }
  return L;
}

/** Solves L y = b (forward substitution) for lower-triangular L [n * n]. */
export function solveLower(L: ArrayLike<number>, b: ArrayLike<number>, n: number): Float64Array {
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = b[i];
    for (let k = 0; k < i; k++) s -= L[i * n + k] * y[k];
    y[i] = s / L[i * n + i];
  }
  return y;
}

/** Solves L^T y = b (back substitution) for lower-triangular L [n * n]. */
export function solveUpperT(L: ArrayLike<number>, b: ArrayLike<number>, n: number): Float64Array {
  const y = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) {
    let s = b[i];
    for (let k = i + 1; k < n; k++) s -= L[k * n + i] * y[k];
    y[i] = s / L[i * n + i];
  }
  return y;
}

/** A^{-1} from A's Cholesky factor L: column j solves L L^T c = e_j. */
export function inverseFromCholesky(L: ArrayLike<number>, n: number): Float64Array {
  const inv = new Float64Array(n * n);
  const e = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    e.fill(0);
    e[j] = 1;
    const c = solveUpperT(L, solveLower(L, e, n), n);
    for (let i = 0; i < n; i++) inv[i * n + j] = c[i];
  }
  return inv;
}

/** Inverse of L (lower triangular) itself, row-major [n * n]. */
export function invertLower(L: ArrayLike<number>, n: number): Float64Array {
  const inv = new Float64Array(n * n);
  const e = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    e.fill(0);
    e[j] = 1;
    const c = solveLower(L, e, n);
    for (let i = 0; i < n; i++) inv[i * n + j] = c[i];
  }
  return inv;
}

/** Checks that x is a finite series of length n (typed errors naming `argument`). */
export function checkSeries(argument: string, x: ArrayLike<number>, n: number): void {
  if (x.length !== n) throw new ShapeError(argument, `a series of length ${n} (the model's N)`, `length ${x.length}`);
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(x[i])) throw new NonFiniteError(argument, "finite numbers", `${x[i]} at index ${i}`);
  }
}

/**
 * Exact posterior of z ~ N(0, Sigma), x ~ N(z, s^2 I) given the prior precision
 * Sigma^{-1} [n * n] and log|Sigma|: P = Sigma^{-1} + I/s^2, mean = P^{-1} x / s^2,
 * log p(x) = log N(x; 0, Sigma + s^2 I) via the identity
 * log p(x) = log p(x | m) + log p(m) - log N(m; m, P^{-1}) at the mean m.
 */
export function linearGaussianPosterior(
  priorPrecision: ArrayLike<number>,
  logDetPriorCov: number,
  noiseStd: number,
  x: ArrayLike<number>,
): GaussianPosterior {
  const n = x.length;
  const s2 = noiseStd * noiseStd;
  const precision = Float64Array.from(priorPrecision);
  for (let i = 0; i < n; i++) precision[i * n + i] += 1 / s2;
  const L = cholesky(precision, n);
  const b = Float64Array.from(x, (v) => v / s2);
  const mean = solveUpperT(L, solveLower(L, b, n), n);
  const cov = inverseFromCholesky(L, n);
  const meanFieldStd = new Float64Array(n);
  for (let i = 0; i < n; i++) meanFieldStd[i] = 1 / Math.sqrt(precision[i * n + i]);
  // log p(x) = log p(x|m) + log p(m) - log q(m) with q = N(m, P^{-1}) the posterior
  const LOG2PI = Math.log(2 * Math.PI);
  let quadLik = 0;
  let quadPrior = 0;
  for (let i = 0; i < n; i++) {
    quadLik += (x[i] - mean[i]) ** 2;
    let row = 0;
    for (let j = 0; j < n; j++) row += priorPrecision[i * n + j] * mean[j];
    quadPrior += mean[i] * row;
  }
  let logDetL = 0;
  for (let i = 0; i < n; i++) logDetL += Math.log(L[i * n + i]);
  const logLik = -0.5 * quadLik / s2 - 0.5 * n * (LOG2PI + Math.log(s2));
  const logPrior = -0.5 * quadPrior - 0.5 * n * LOG2PI - 0.5 * logDetPriorCov;
  const logPost = -0.5 * n * LOG2PI + logDetL; // log N(m; m, P^{-1}) = -n/2 log 2pi + 1/2 log|P|
  return { mean, precision, cov, meanFieldStd, logEvidence: logLik + logPrior - logPost };
}
