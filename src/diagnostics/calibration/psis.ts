// Pareto smoothed importance sampling (Vehtari, Simpson, Gelman, Yao & Gabry
// 2024, "Pareto smoothed importance sampling", JMLR 25(72)). The largest
// M = ceil(min(0.2 S, 3 sqrt(S))) of S importance ratios w = p / q are fitted
// by a generalized Pareto distribution; its shape k-hat estimates how many
// moments the ratios have (1 / k) and so whether the IS estimate is reliable:
//   k-hat < min(1 - 1 / log10(S), 0.7): reliable, error falls like S^(-1/2)
//     at the rate of the ESS (their sample-size dependent threshold);
//   k-hat in [that threshold, 0.7): S too small, about 10^(1 / (1 - k)) draws needed;
//   k-hat >= 0.7: unreliable at any practical S (pre-asymptotic rate too slow);
//   k-hat >= 1: the mean of the ratios does not exist.
// The tail ratios are replaced by the fitted quantiles and every ratio is
// truncated at the largest raw one (the loo package's psis).
import { DomainError, ShapeError } from "../../core/errors.js";
import { gpdFit, gpdQuantile } from "./generalized-pareto.js";

/** ESS below this is too few for a reliable estimate (the rule of thumb of Vehtari et al. 2021 for MCMC ESS, also used by importance.ts). */
export const ESS_THRESHOLD = 100;
/** Spread of the tail's log ratios below which the top ratios count as equal. */
const FLAT_TAIL = Math.sqrt(Number.EPSILON);

export interface PsisDiagnostic {
  /** Number of draws S. */
  draws: number;
  /** M, the number of largest ratios fitted. */
  tailLength: number;
  /** Shape of the fitted GPD; +Infinity when the tail could not be fitted (M < 5), -Infinity when the top M ratios agree within sqrt(eps) in log (bounded, e.g. q = p). */
  khat: number;
  /** min(1 - 1 / log10(S), 0.7). */
  khatThreshold: number;
  /** khat < khatThreshold. */
  reliable: boolean;
  /** Draws for a reliable estimate at this k: 10^(1 / (1 - k)) for 0 <= k < 1 (Infinity for k >= 1; 10 for k < 0). */
  minDraws: number;
  /** Pareto-smoothed log weights (unnormalized, on the scale of the input: the smallest ones are unchanged). */
  smoothedLogWeights: Float64Array;
  /** Normalized smoothed weights w~ (sum 1). */
  weights: Float64Array;
  /** 1 / sum w~^2 of the smoothed weights (Kong 1992); reliable only when khat is. */
  ess: number;
  /** 1 / sum w~^2 of the raw weights. */
  essRaw: number;
  /** ESS_THRESHOLD. */
  essThreshold: number;
  verdict: "reliable" | "more draws needed" | "unreliable";
}

function essOf(logW: Float64Array): { weights: Float64Array; ess: number } {
  let m = -Infinity;
  for (const v of logW) m = Math.max(m, v);
  const weights = logW.map((v) => Math.exp(v - m));
  const total = weights.reduce((s, v) => s + v, 0);
  let sq = 0;
  for (let i = 0; i < weights.length; i++) {
    weights[i] /= total;
    sq += weights[i] * weights[i];
  }
  return { weights, ess: 1 / sq };
}

/** PSIS of log importance ratios log w_s = log p(z_s) - log q(z_s), z_s ~ q: k-hat, its threshold, smoothed weights and ESS (Vehtari et al. 2024). */
export function psisDiagnostic(logWeights: ArrayLike<number>, options: { tailLength?: number } = {}): PsisDiagnostic {
  const S = logWeights?.length;
  if (typeof S !== "number" || S < 2) throw new ShapeError("logWeights", "at least 2 log weights", String(S));
  const raw = Float64Array.from(logWeights);
  let top = -Infinity;
  for (let i = 0; i < S; i++) {
    const v = raw[i];
    if (Number.isNaN(v) || v === Infinity) throw new DomainError("logWeights", "numbers below +Infinity (log p - log q)", `${v} at index ${i}`);
    top = Math.max(top, v);
  }
  if (top === -Infinity) throw new DomainError("logWeights", "at least one weight > 0", "all log weights -Infinity");
  const M = options.tailLength ?? Math.ceil(Math.min(0.2 * S, 3 * Math.sqrt(S)));
  if (!Number.isInteger(M) || M < 1 || M >= S) throw new DomainError("tailLength", `an integer in [1, ${S - 1}]`, String(M));
  const lw = raw.map((v) => v - top);
  const order = Int32Array.from({ length: S }, (_, i) => i).sort((a, b) => lw[a] - lw[b]);
  let khat = Infinity;
  if (M >= 5) {
    const tail = Float64Array.from({ length: M }, (_, j) => lw[order[S - M + j]]);
    // flat within sqrt(eps) (an exact proposal leaves only rounding noise; loo's test too): a bounded ratio
    if (tail[M - 1] - tail[0] < FLAT_TAIL) {
      khat = -Infinity;
    } else {
      const cutoff = Math.exp(lw[order[S - M - 1]]);
      const fit = gpdFit(tail.map((v) => Math.exp(v) - cutoff));
      khat = fit.k;
      if (Number.isFinite(khat)) {
        for (let j = 0; j < M; j++) lw[order[S - M + j]] = Math.log(gpdQuantile((j + 0.5) / M, fit.k, fit.sigma) + cutoff);
      }
    }
  }
  for (let i = 0; i < S; i++) if (lw[i] > 0) lw[i] = 0;
  const smoothedLogWeights = lw.map((v) => v + top);
  const { weights, ess } = essOf(smoothedLogWeights);
  const khatThreshold = Math.min(1 - 1 / Math.log10(S), 0.7);
  const reliable = khat < khatThreshold;
  return {
    draws: S,
    tailLength: M,
    khat,
    khatThreshold,
    reliable,
    minDraws: khat >= 1 ? Infinity : 10 ** (1 / (1 - Math.max(0, khat))),
    smoothedLogWeights,
    weights,
    ess,
    essRaw: essOf(raw).ess,
    essThreshold: ESS_THRESHOLD,
    verdict: reliable ? "reliable" : khat < 0.7 ? "more draws needed" : "unreliable",
  };
}
