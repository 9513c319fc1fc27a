// The generalized Pareto distribution GPD(k, sigma) of exceedances over a
// threshold, P(X > x) = (1 + k x / sigma)^(-1/k), and its fit by Zhang &
// Stephens (2009), "A new and efficient estimation method for the generalized
// Pareto distribution", Technometrics 51(3), with the weakly informative prior
// on k of Vehtari et al. (2024, Appendix C; the loo package's gpdfit).
import { DomainError, ShapeError } from "../../core/errors.js";

/** A fitted GPD: shape k (tail index; the k of PSIS) and scale sigma. */
export interface GpdFit {
  k: number;
  sigma: number;
}

/**
 * Zhang & Stephens (2009) estimate for exceedances x >= 0: a posterior mean of
 * theta = -k / sigma over the grid theta_j = 1 / x_(n) + (1 - sqrt(m / (j - 1/2))) / (3 x*),
 * j = 1..m, m = 30 + floor(sqrt n), x* the first quartile, weighted by the
 * profile likelihood n (log(-theta / k(theta)) - k(theta) - 1), k(theta) = mean log(1 - theta x);
 * then k = mean log(1 - theta_hat x), sigma = -k / theta_hat, and the
 * weakly informative prior shrinks k toward 0.5 with weight 10 / (n + 10).
 */
export function gpdFit(exceedances: ArrayLike<number>, { weaklyInformativePrior = true } = {}): GpdFit {
  const n = exceedances.length;
  if (n < 2) throw new ShapeError("exceedances", "at least 2 values", `${n}`);
  const x = Float64Array.from(exceedances).sort();
  if (!(x[0] >= 0) || !Number.isFinite(x[n - 1])) throw new DomainError("exceedances", "finite values >= 0", `range [${x[0]}, ${x[n - 1]}]`);
  if (!(x[n - 1] > 0)) throw new DomainError("exceedances", "some value > 0", "all zero");
  const prior = 3;
  const m = 30 + Math.floor(Math.sqrt(n));
  const xStar = x[Math.max(0, Math.floor(n / 4 + 0.5) - 1)];
  const quartile = xStar > 0 ? xStar : x[n - 1];
  const theta = Float64Array.from({ length: m }, (_, j) => 1 / x[n - 1] + (1 - Math.sqrt(m / (j + 0.5))) / (prior * quartile));
  const meanLog1p = (a: number) => {
    let s = 0;
    for (let i = 0; i < n; i++) s += Math.log1p(a * x[i]);
    return s / n;
  };
  const logLik = theta.map((t) => {
    const a = -t;
    const k = meanLog1p(a);
    return n * (Math.log(a / k) - k - 1);
  });
  let top = -Infinity;
  for (const l of logLik) if (l > top) top = l;
  let wSum = 0;
  let thetaHat = 0;
  logLik.forEach((l, j) => {
    const w = Number.isFinite(l) ? Math.exp(l - top) : 0;
    wSum += w;
    thetaHat += w * theta[j];
  });
  thetaHat /= wSum;
  let k = meanLog1p(-thetaHat);
  const sigma = -k / thetaHat;
  if (weaklyInformativePrior) k = (k * n) / (n + 10) + (10 * 0.5) / (n + 10);
  return Number.isFinite(k) ? { k, sigma } : { k: Infinity, sigma: NaN };
}

/** GPD quantile sigma ((1 - p)^(-k) - 1) / k (-sigma log(1 - p) at k = 0). */
export function gpdQuantile(p: number, k: number, sigma: number): number {
  return k === 0 ? -sigma * Math.log1p(-p) : (sigma * Math.expm1(-k * Math.log1p(-p))) / k;
}
