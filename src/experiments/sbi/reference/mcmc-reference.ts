// The reference posterior of a task without a closed form: adaptive
// Metropolis (./mcmc.ts) on log p(theta) + log p(x_o | theta), in theta or
// in log theta, started from the observation's true parameters, cached in a
// ReferenceStore with the seed and settings that made it.
import { Rng } from "../../../core/rng.js";
import { RandomStream, normals, uniforms } from "../random.js";
import { matrix, type Matrix, type Observation, type ReferenceOptions, type Task } from "../task.js";
import { adaptiveMetropolis, mcmcSettings, type McmcTarget } from "./mcmc.js";
import { fileReferenceStore, type ReferenceFile } from "./store.js";

/** A finite group of maps leaving the posterior unchanged (sign flips, reflections), in the sampler's space. */
export interface Symmetry {
  /** Each row to its orbit's representative, in place. */
  fold(u: Float64Array, n: number): void;
  /** Each (folded) row to a uniformly drawn member of its orbit, in place. */
  unfold(u: Float64Array, n: number, stream: RandomStream): void;
}

export interface McmcReferenceConfig {
  /** Sample theta itself, or log theta (positive parameters; the Jacobian sum log theta is added). */
  space: "identity" | "log";
  symmetry?: Symmetry;
}

/** The stream forked from the observation's seed for its reference sampler (recorded in the file). */
export const MCMC_STREAM = 7;
/** Chain draws per returned sample, at least: 0.77^20 < 1% chance that a returned draw equals the one before it in its chain. */
const DRAWS_PER_SAMPLE = 20;
const CANDIDATES = 1000;
const PER_SCALE = 300;
const JITTER_SCALES = [0.1, 0.01, 0.001];

/** The unnormalized log posterior of observation x as an McmcTarget in the configured space. */
export function posteriorTarget(task: Task, x: ArrayLike<number>, config: McmcReferenceConfig): McmcTarget {
  const dim = task.dimTheta;
  const log = config.space === "log";
  return {
    dim,
    logDensity(u, n) {
      const theta = matrix(n, dim, log ? u.map(Math.exp) : u.slice());
      const lp = task.prior.logProb(theta);
      const inside = Array.from({ length: n }, (_, i) => i).filter((i) => lp[i] > -Infinity);
      if (inside.length > 0) {
        const rows = new Float64Array(inside.length * dim);
        inside.forEach((r, k) => rows.set(theta.data.subarray(r * dim, (r + 1) * dim), k * dim));
        const ll = task.logLikelihood(matrix(inside.length, dim, rows), x);
        inside.forEach((r, k) => (lp[r] = Number.isNaN(ll[k]) ? -Infinity : lp[r] + ll[k]));
      }
      if (log) for (let i = 0; i < n; i++) for (let j = 0; j < dim; j++) lp[i] += u[i * dim + j];
      return lp;
    },
    fold: config.symmetry ? (u, n) => config.symmetry!.fold(u, n) : undefined,
  };
}

/**
 * The reference function of an MCMC task: a cached file with at least n
 * samples for this observation is subsampled with `rng`; otherwise the
 * chains run (seed: the observation's, stream MCMC_STREAM) until split
 * R-hat < 1.01, bulk ESS >= max(minEss, n) and at least 20 n draws, n
 * draws are taken evenly spaced along the chains (at least one per
 * autocorrelation time, and rarely a repeat of the previous one taken),
 * unfolded by a random symmetry, written to the store, and returned.
 */
export function mcmcReference(config: McmcReferenceConfig) {
  return (task: Task, obs: Observation, n: number, rng: Rng, options: ReferenceOptions): Matrix => {
    const store = options.store ?? fileReferenceStore();
    const settings = mcmcSettings(options.mcmc);
    const cached = store.read(task.name, obs.index);
    if (cached && sameValues(cached.x, obs.x) && cached.samples.length >= n) return subsample(cached.samples, task.dimTheta, n, rng);

    const mrng = new Rng(obs.seed).fork(MCMC_STREAM);
    const target = posteriorTarget(task, obs.x, config);
    const starts = chooseStarts(task, obs, target, config, settings.chains, mrng);
    // ESS >= n: n draws evenly spaced along the chains are then close to independent (sbibm's references are i.i.d.);
    // >= DRAWS_PER_SAMPLE draws per returned one: at acceptance ~0.23, < 1% of them repeat the previous one taken
    const run = adaptiveMetropolis(target, starts, mrng, { ...settings, minEss: Math.max(settings.minEss, n) }, DRAWS_PER_SAMPLE * n);
    const dim = task.dimTheta;
    const out = new Float64Array(n * dim);
    const C = settings.chains;
    for (let c = 0, k = 0; c < C; c++) {
      // chain c gives its share of the n draws, evenly spaced along it
      const count = Math.floor(n / C) + (c < n % C ? 1 : 0);
      for (let j = 0; j < count; j++, k++) {
        const draw = Math.floor(((j + 0.5) * run.drawsPerChain) / count);
        out.set(run.draws[c].subarray(draw * dim, (draw + 1) * dim), k * dim);
      }
    }
    config.symmetry?.unfold(out, n, new RandomStream(mrng));
    if (config.space === "log") for (let i = 0; i < out.length; i++) out[i] = Math.exp(out[i]);
    const file: ReferenceFile = {
      task: task.name,
      observation: obs.index,
      x: Array.from(obs.x),
      method: `adaptive Metropolis in ${config.space === "log" ? "log theta" : "theta"}${config.symmetry ? ", folded by the posterior's symmetry" : ""}`,
      seed: obs.seed,
      stream: MCMC_STREAM,
      settings: { ...settings, minEss: Math.max(settings.minEss, n) },
      diagnostics: { rhat: run.rhat, essBulk: run.essBulk, acceptance: run.acceptance, evaluations: run.evaluations, drawsPerChain: run.drawsPerChain, seconds: run.seconds },
      samples: Array.from({ length: n }, (_, i) => Array.from(out.subarray(i * dim, (i + 1) * dim))),
    };
    store.write(file);
    return subsample(file.samples, dim, n, rng);
  };
}

/**
 * Chain starts: the observation's true parameters are an exact posterior draw
 * ((theta*, x_o) ~ p(theta, x)), so candidates are theta* jittered at 0.1,
 * 0.01 and 0.001 of the prior's spread, plus prior draws; the starts are
 * drawn from the candidates without replacement with weights proportional
 * to their posterior density (sampling-importance-resampling).
 */
function chooseStarts(task: Task, obs: Observation, target: McmcTarget, config: McmcReferenceConfig, chains: number, rng: Rng): Float64Array {
  const dim = task.dimTheta;
  const toU = (v: number) => (config.space === "log" ? Math.log(v) : v);
  const prior = task.prior.sample(CANDIDATES, rng).data.map(toU);
  const sd = new Float64Array(dim);
  for (let j = 0; j < dim; j++) {
    let m = 0;
    let v = 0;
    for (let i = 0; i < CANDIDATES; i++) m += prior[i * dim + j] / CANDIDATES;
    for (let i = 0; i < CANDIDATES; i++) v += (prior[i * dim + j] - m) ** 2 / (CANDIDATES - 1);
    sd[j] = Math.sqrt(v);
  }
  const perScale = PER_SCALE;
  const jitter = normals(rng, JITTER_SCALES.length * perScale * dim);
  const cand = new Float64Array((CANDIDATES + JITTER_SCALES.length * perScale) * dim);
  cand.set(prior);
  let r = CANDIDATES;
  JITTER_SCALES.forEach((scale) => {
    for (let k = 0; k < perScale; k++, r++) {
      for (let j = 0; j < dim; j++) cand[r * dim + j] = toU(obs.theta[j]) + scale * sd[j] * jitter[(r - CANDIDATES) * dim + j];
    }
  });
  const count = r;
  const lp = target.logDensity(cand, count);
  const best = Math.max(...lp);
  const weights = Array.from(lp, (v) => (v > -Infinity ? Math.exp(v - best) : 0));
  const starts = new Float64Array(chains * dim);
  const keys = uniforms(rng, count);
  // weighted sampling without replacement (Efraimidis & Spirakis 2006): the largest u^(1/w)
  const order = Array.from({ length: count }, (_, i) => i)
    .filter((i) => weights[i] > 0)
    .sort((a, b) => Math.log(keys[b]) / weights[b] - Math.log(keys[a]) / weights[a]);
  for (let c = 0; c < chains; c++) {
    const i = order[c % order.length];
    starts.set(cand.subarray(i * dim, (i + 1) * dim), c * dim);
  }
  return starts;
}

/** n rows of `samples` drawn without replacement (partial Fisher-Yates with rng) -> [n, dim]. */
function subsample(samples: number[][], dim: number, n: number, rng: Rng): Matrix {
  const idx = Array.from({ length: samples.length }, (_, i) => i);
  const u = uniforms(rng, n);
  const out = new Float64Array(n * dim);
  for (let k = 0; k < n; k++) {
    const j = k + Math.floor(u[k] * (idx.length - k));
    [idx[k], idx[j]] = [idx[j], idx[k]];
    out.set(samples[idx[k]], k * dim);
  }
  return matrix(n, dim, out);
}

function sameValues(a: readonly number[], b: ArrayLike<number>): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}
