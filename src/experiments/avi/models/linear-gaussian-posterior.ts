// Exact posteriors of the linear-Gaussian local-latent models (avi-hmm, avi-gp):
// z ~ N(0, Sigma), x_n ~ N(z_n, s^2). Dense N x N algebra in JS: N <= a few hundred,
// evaluation only (never on a training step).
import { DomainError, NonFiniteError, ShapeError } from "../../../core/errors.js";
import { cholesky, inverseFromCholesky, invertLower, solveLower, solveUpperT } from "../../../core/dense-matrix.js";
import type { ProbModel } from "../../../model/model.js";

export { cholesky, inverseFromCholesky, invertLower, solveLower, solveUpperT };

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

/** A model of coupled locals (avi-hmm, avi-gp) with its exact posterior: the model, its series length N and noise std, p(z | x) in closed form. */
export interface ExactSeries {
  readonly model: ProbModel;
  readonly N: number;
  readonly noiseStd: number;
  posterior(x: ArrayLike<number>): GaussianPosterior;
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
