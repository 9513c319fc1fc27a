// Posterior reference for one observation by importance sampling with the
// prior as proposal (the note's "true posterior" panels): weights, log p(y),
// effective sample size, seeded resampling, a Gaussian KDE for continuous
// marginals and weighted frequencies for discrete ones. Evaluation code: plain
// JS over the draws, run outside training.
import { AmortviError, DomainError, assertFiniteArray, assertInteger } from "../core/errors.js";
import type { Rng } from "../core/rng.js";
import { Tensor } from "../core/tensor.js";
import { repeatRows } from "../autodiff/ops/shape.js";
import { noGrad } from "../autodiff/tape.js";
import type { Batch, LatentValues, Model } from "../models/model.js";
import { asEngineModel } from "../model/engine-model.js";
import { ProbModel } from "../model/model.js";

/** log p(x | z) of a model, Tensor [B]: the log weight of importance sampling from the prior. */
export type LogLikelihood = (values: LatentValues, batch: Batch) => Tensor;

export interface ImportanceOptions {
  /** Number of prior draws N. Default 10,000. */
  samples?: number;
  /** log p(y | z); default: the observed sites of a model written in the language, or an engine model's own `logLikelihood` method. */
  logLikelihood?: LogLikelihood;
}

/** Importance sample of p(z | y) with the prior as proposal. */
export interface ImportanceReference {
  samples: number;
  /** Prior draws per latent site: continuous sites flat [N * dim], categorical sites Int32Array [N]. */
  draws: Record<string, Float64Array | Int32Array>;
  /** log w_i = log p(y | z_i). */
  logWeights: Float64Array;
  /** Self-normalized weights w~_i = w_i / sum_j w_j. */
  weights: Float64Array;
  /** log p(y) estimate = log (1/N) sum_i w_i (unbiased for p(y), not for its log). */
  logMarginal: number;
  /** Effective sample size 1 / sum_i w~_i^2 (Kong 1992), in [1, N]; below ~100 the reference is unreliable. */
  ess: number;
}

/**
 * log p(x | z) of a model written in the language, as a LogLikelihood: the
 * model replayed at the given latent values with batch.obs as its observed
 * site, summing the observed sites' log-densities per row -> [B].
 */
export function observedLogLikelihood(model: ProbModel): LogLikelihood {
  const observed = model.sites().filter((s) => s.observed);
  if (observed.length !== 1) {
    throw new DomainError(`model "${model.name}"`, "one observed site (batch.obs holds it)", `${observed.length} observed sites`);
  }
  const name = observed[0].name;
  return (values, batch) =>
    model.run({ values, data: { [name]: batch.obs }, requireValues: true }).localLogProb((s) => s.observed) ?? Tensor.zeros([batch.obs.rows]);
}

/**
 * p(z | y) ~ sum_i w~_i delta(z_i), z_i ~ p(z) (via the model's joint), w_i = p(y | z_i):
 * importance sampling from the prior for ONE observation y (length obsDim).
 */
export function importanceFromPrior(probOrEngine: Model | ProbModel, y: readonly number[], rng: Rng, options: ImportanceOptions = {}): ImportanceReference {
  const N = options.samples ?? 10_000;
  assertInteger("samples", N, 1);
  const model = asEngineModel(probOrEngine);
  if (y.length !== model.obsDim) throw new AmortviError("y", `${model.obsDim} numbers (the model's obsDim)`, `${y.length} numbers`);
  assertFiniteArray("y", y);
  const own = (model as Model & { logLikelihood?: LogLikelihood }).logLikelihood;
  const logLikelihood =
    options.logLikelihood ?? (probOrEngine instanceof ProbModel ? observedLogLikelihood(probOrEngine) : own ? own.bind(model) : undefined);
  if (!model.sampleJoint || !logLikelihood) {
    throw new DomainError("model", "a model with sampleJoint and logLikelihood (or options.logLikelihood)", `model "${model.name}" without them`);
  }
  const sampleJoint = model.sampleJoint.bind(model);
  const arena = rng.rt.arena;
  const mark = arena.mark();
  try {
    return noGrad(() => {
      const { values } = sampleJoint(N, rng);
      const obs = repeatRows(Tensor.from(y, [1, y.length]), N);
      const logWeights = logLikelihood(values, { obs }).toFloat64Array();
      const draws: Record<string, Float64Array | Int32Array> = {};
      for (const [name, v] of Object.entries(values)) draws[name] = v instanceof Tensor ? v.toFloat64Array() : Int32Array.from(v);
      return { samples: N, draws, logWeights, ...normalizeLogWeights(logWeights) };
    });
  } finally {
    arena.restore(mark);
  }
}

/** w~ = softmax(logWeights), log (1/N) sum exp(logWeights), ESS = 1 / sum w~^2. */
export function normalizeLogWeights(logWeights: Float64Array): { weights: Float64Array; logMarginal: number; ess: number } {
  const N = logWeights.length;
  if (N === 0) throw new DomainError("logWeights", "at least one weight", "none");
  let m = -Infinity;
  for (const v of logWeights) {
    if (Number.isNaN(v) || v === Infinity) throw new DomainError("logWeights", "numbers below +Infinity", String(v));
    m = Math.max(m, v);
  }
  if (m === -Infinity) throw new DomainError("logWeights", "at least one weight > 0", "all weights 0 (log -Infinity)");
  const weights = new Float64Array(N);
  let total = 0;
  for (let i = 0; i < N; i++) total += weights[i] = Math.exp(logWeights[i] - m);
  let sumSq = 0;
  for (let i = 0; i < N; i++) {
    weights[i] /= total;
    sumSq += weights[i] * weights[i];
  }
  return { weights, logMarginal: m + Math.log(total / N), ess: 1 / sumSq };
}

function checkWeights(weights: ArrayLike<number>, n: number): void {
  if (weights.length === 0) throw new DomainError("weights", "at least one weight", "none");
  assertInteger("n", n, 1);
  assertFiniteArray("weights", weights);
}

/** Index i of the first cumulative weight >= u (weights need not be normalized: u is scaled by the total). */
function inverseCdf(cumulative: Float64Array, u: number): number {
  let lo = 0;
  let hi = cumulative.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cumulative[mid] < u) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function cumulativeOf(weights: ArrayLike<number>): Float64Array {
  const c = new Float64Array(weights.length);
  let s = 0;
  for (let i = 0; i < weights.length; i++) {
    if (weights[i] < 0) throw new DomainError("weights", "non-negative weights", `${weights[i]} at index ${i}`);
    c[i] = s += weights[i];
  }
  if (!(s > 0)) throw new DomainError("weights", "a positive total", String(s));
  return c;
}

/** Systematic resampling (Kitagawa 1996): n indices at positions (u + j) / n of the weights' CDF, one uniform u. */
export function systematicResample(weights: ArrayLike<number>, n: number, rng: Rng): Int32Array {
  checkWeights(weights, n);
  const c = cumulativeOf(weights);
  const total = c[c.length - 1];
  const u = rng.nextUniform();
  return Int32Array.from({ length: n }, (_, j) => inverseCdf(c, ((u + j) / n) * total));
}

/** Multinomial resampling: n independent draws i ~ Cat(w~). */
export function multinomialResample(weights: ArrayLike<number>, n: number, rng: Rng): Int32Array {
  checkWeights(weights, n);
  const c = cumulativeOf(weights);
  const total = c[c.length - 1];
  const arena = rng.rt.arena;
  const mark = arena.mark();
  const u = rng.uniform([n]).toFloat64Array();
  arena.restore(mark);
  return Int32Array.from(u, (v) => inverseCdf(c, v * total));
}

/** values[indices[i]] for continuous (Float64Array) or categorical (Int32Array) draws of one-dimensional sites. */
export function gather<T extends Float64Array | Int32Array>(values: T, indices: Int32Array): T {
  const out = new (values.constructor as { new (n: number): T })(indices.length);
  for (let i = 0; i < indices.length; i++) out[i] = values[indices[i]];
  return out;
}

/** Weighted mean and standard deviation of scalar draws: sum w~_i v_i, sqrt(sum w~_i (v_i - mean)^2). */
export function weightedMoments(values: ArrayLike<number>, weights: ArrayLike<number>): { mean: number; std: number } {
  if (values.length !== weights.length) throw new AmortviError("weights", `${values.length} weights (one per value)`, `${weights.length}`);
  let total = 0;
  let m = 0;
  for (let i = 0; i < values.length; i++) {
    total += weights[i];
    m += weights[i] * values[i];
  }
  m /= total;
  let v = 0;
  for (let i = 0; i < values.length; i++) v += weights[i] * (values[i] - m) ** 2;
  return { mean: m, std: Math.sqrt(v / total) };
}

/**
 * p(c) ~ sum_i w~_i [values_i = c] / sum_i w~_i over the draws kept by `include`
 * (e.g. only draws where another site takes some value: a conditional marginal).
 */
export function categoricalMarginal(values: Int32Array, weights: ArrayLike<number>, K: number, include?: (i: number) => boolean): Float64Array {
  assertInteger("K", K, 1);
  if (values.length !== weights.length) throw new AmortviError("weights", `${values.length} weights (one per value)`, `${weights.length}`);
  const p = new Float64Array(K);
  let total = 0;
  for (let i = 0; i < values.length; i++) {
    if (include && !include(i)) continue;
    const c = values[i];
    if (!(c >= 0 && c < K)) throw new DomainError("values", `categories in [0, ${K})`, `${c} at index ${i}`);
    p[c] += weights[i];
    total += weights[i];
  }
  if (!(total > 0)) throw new DomainError("include", "a selection with positive total weight", "none");
  return p.map((v) => v / total);
}

/** Gaussian kernel density estimate of scalar draws. */
export interface Kde {
  bandwidth: number;
  /** (1 / (n h)) sum_i phi((x - v_i) / h) at each x. */
  density(xs: ArrayLike<number>): Float64Array;
}

/** Silverman's rule of thumb (1986, eq. 3.31): h = 0.9 min(sd, IQR / 1.34) n^(-1/5). */
export function silvermanBandwidth(values: ArrayLike<number>): number {
  const n = values.length;
  if (n < 2) throw new DomainError("values", "at least two draws", String(n));
  const sorted = Float64Array.from(values).sort();
  const quantile = (q: number) => {
    const pos = q * (n - 1);
    const lo = Math.floor(pos);
    return sorted[lo] + (pos - lo) * ((sorted[Math.min(lo + 1, n - 1)] ?? sorted[lo]) - sorted[lo]);
  };
  const { std } = weightedMoments(values, new Float64Array(n).fill(1));
  const iqr = (quantile(0.75) - quantile(0.25)) / 1.34;
  const spread = iqr > 0 ? Math.min(std, iqr) : std;
  if (!(spread > 0)) throw new DomainError("values", "draws with a positive spread", "all draws equal");
  return 0.9 * spread * Math.pow(n, -0.2);
}

/** Gaussian KDE of equally weighted draws (e.g. resampled importance samples), bandwidth by Silverman's rule unless given. */
export function gaussianKde(values: ArrayLike<number>, bandwidth = silvermanBandwidth(values)): Kde {
  assertFiniteArray("values", values);
  if (!(bandwidth > 0) || !Number.isFinite(bandwidth)) throw new DomainError("bandwidth", "a positive number", String(bandwidth));
  const draws = Float64Array.from(values);
  const norm = 1 / (draws.length * bandwidth * Math.sqrt(2 * Math.PI));
  return {
    bandwidth,
    density(xs) {
      return Float64Array.from(xs, (x) => {
        let s = 0;
        for (const v of draws) {
          const u = (x - v) / bandwidth;
          s += Math.exp(-0.5 * u * u);
        }
        return s * norm;
      });
    },
  };
}
