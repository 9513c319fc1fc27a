/**
 * Shared pieces of the MAPA experiments (issue 6): the pipelines (joint VAE,
 * IWAE K = 5 / 50, aggressive, MAPA) trained on one synthetic data set under
 * one budget of network passes, with test log-likelihood by quadrature under
 * the learned decoder recorded against passes and against wall time.
 */
import { noGrad } from "../../autodiff/tape.js";
import { Rng } from "../../core/rng.js";
import { runtime } from "../../core/runtime.js";
import { Tensor } from "../../core/tensor.js";
import { gridPosterior, latentGrid, type LatentGrid, type SyntheticDataset } from "./datasets.js";
import { activeUnits, importanceLogLikelihood, mutualInformation } from "../../diagnostics/vae.js";
import { Dataset } from "../../infer/families/dataset.js";
import { MapaPosterior, precomputePasses } from "../../infer/mapa/posterior.js";
import { elbo } from "../../infer/objectives/elbo.js";
import { iwaeBound } from "../../infer/objectives/importance-weighted.js";
import type { Objective } from "../../infer/objectives/objective.js";
import { vae as makeVae, type VAE } from "../../infer/vae.js";
import type { Guide } from "../../models/guide.js";
import { PassCounter } from "../../train/counting.js";
import { fit, type FitCallback } from "../../train/fit.js";
import { aggressive } from "../../train/schedules/aggressive.js";
import { joint, modelOnly } from "../../train/schedules/joint.js";
import type { FitSchedule } from "../../train/schedules/types.js";

export const PIPELINES = ["joint", "iwae-5", "iwae-50", "aggressive", "mapa"] as const;
export type PipelineName = (typeof PIPELINES)[number];

export interface PipelineSettings {
  /** Budget in network passes per training datapoint (precomputation included); training stops past it. */
  budgetPasses: number;
  /** Hard cap on epochs. */
  maxEpochs: number;
  batchSize: number;
  hidden: number;
  lr: number;
  /** Importance samples of MAPA's decoder-only bound. */
  mapaK: number;
  /** Mixture components M per latent dimension kept by MAPA (nearest training points). */
  mapaComponents: number;
  /** Evaluate test log-likelihood about this many times along training. */
  evaluations: number;
  /** Test rows used for the curve (all of them for the final value). */
  evalRows: number;
  /** Latent grid points per axis for quadrature under the learned decoder, for 1-D and 2-D latents. */
  gridPerDim: readonly [number, number];
}

/** log p_theta(x) = log sum_g w_g N(x; f_theta(z_g), diag(sigma^2)) by quadrature on a latent grid, per row of x. */
export function decoderLogLikelihood(vae: VAE, grid: LatentGrid, x: Float64Array): Float64Array {
  const a = runtime().arena;
  const m = a.mark();
  try {
    const { f, sigma } = noGrad(() => ({
      f: vae.decode(Tensor.from(grid.points, [grid.size, grid.latentDim])).toFloat64Array(),
      sigma: vae.decoderParams.get("logSigma").toFloat64Array().map(Math.exp),
    }));
    return gridPosterior(grid, f, sigma, x, vae.obsDim).logLikelihood;
  } finally {
    a.restore(m);
  }
}

/** Test log-likelihood of the prior-only (collapsed) baseline: x ~ N(mean, diag(var)) fitted to the training rows. */
export function priorOnlyLogLikelihood(ds: SyntheticDataset): number {
  const D = ds.obsDim;
  const mean = new Float64Array(D);
  const v = new Float64Array(D);
  for (let i = 0; i < ds.nTrain; i++) for (let d = 0; d < D; d++) mean[d] += ds.train[i * D + d] / ds.nTrain;
  for (let i = 0; i < ds.nTrain; i++) for (let d = 0; d < D; d++) v[d] += (ds.train[i * D + d] - mean[d]) ** 2 / ds.nTrain;
  let s = 0;
  for (let i = 0; i < ds.nTest; i++) {
    for (let d = 0; d < D; d++) s += -0.5 * Math.log(2 * Math.PI * v[d]) - (ds.test[i * D + d] - mean[d]) ** 2 / (2 * v[d]);
  }
  return s / ds.nTest;
}

function meanOf(v: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i];
  return s / v.length;
}

/** One curve point: cost so far and the test log-likelihood (nats per datapoint). */
export interface CurvePoint {
  passes: number;
  seconds: number;
  testLL: number;
}

export interface PipelineRun {
  pipeline: PipelineName;
  dataset: string;
  seed: number;
  curve: CurvePoint[];
  /** Test log-likelihood on all test rows at the end of training (quadrature). */
  finalTestLL: number;
  /** IWAE estimate (K = 500) of the test log-likelihood on the first 200 test rows, with the pipeline's own proposal (encoder, or MAPA). */
  iwae500TestLL: number;
  /** Quadrature test log-likelihood on the same 200 rows (to compare with the IWAE estimate). */
  quadratureTestLL200: number;
  /** Encoder pipelines: active units and I_q(x; z) on 500 test rows (null for MAPA, which has no encoder). */
  activeUnits: number | null;
  mutualInformation: number | null;
  passes: number;
  /** Training wall time plus precomputation, evaluation excluded. */
  seconds: number;
  precompute: { passes: number; seconds: number } | null;
  steps: number;
  /** Aggressive schedule: outer step at which it switched to joint training (null: never). */
  switchedOffStep: number | null;
  diverged: boolean;
}

/** How a pipeline trains: its guide (the VAE's encoder, or MAPA fixed), objective and schedule. */
interface Pipeline {
  guide: Guide;
  objective: Objective;
  schedule: FitSchedule;
  pre: PipelineRun["precompute"];
  /** Datapoint-passes spent before training (MAPA's construction), counted as training cost. */
  precomputePasses: number;
  post: MapaPosterior | null;
}

function pipelineFor(name: PipelineName, vae: VAE, ds: SyntheticDataset, seed: number, s: PipelineSettings): Pipeline {
  const encoder = { guide: vae.guide, pre: null, precomputePasses: 0, post: null };
  switch (name) {
    case "joint":
      return { ...encoder, objective: elbo({ scale: "datapoint" }), schedule: joint() };
    case "iwae-5":
      return { ...encoder, objective: iwaeBound({ particles: 5 }), schedule: joint() };
    case "iwae-50":
      return { ...encoder, objective: iwaeBound({ particles: 50 }), schedule: joint() };
    case "aggressive":
      return { ...encoder, objective: elbo({ scale: "datapoint" }), schedule: aggressive() };
    case "mapa": {
      const post = MapaPosterior.fit(ds.train, ds.obsDim, ds.latentDim, new Rng(seed).fork(7), { components: s.mapaComponents * ds.latentDim });
      const passes = precomputePasses(post, vae.decoderNet);
      // decoder only, MAPA held fixed: theta maximizes log (1/K) sum_k p_theta(x, z_k) / MAPA(z_k | x)
      return { guide: post, objective: iwaeBound({ particles: s.mapaK }), schedule: modelOnly("mapa"), pre: { passes: passes / ds.nTrain, seconds: post.precompute.seconds }, precomputePasses: passes, post };
    }
  }
}

/**
 * Trains one pipeline on ds until its passes per datapoint reach the budget
 * (or maxEpochs), recording test log-likelihood against passes and against
 * wall time (evaluation time excluded, precomputation included).
 */
export function runPipeline(ds: SyntheticDataset, name: PipelineName, seed: number, s: PipelineSettings, onProgress?: (fraction: number) => void): PipelineRun {
  const vae = makeVae({ obsDim: ds.obsDim, latentDim: ds.latentDim, hidden: s.hidden, rng: new Rng(seed).fork(1) });
  const { guide, objective, schedule, pre, precomputePasses: prePasses, post } = pipelineFor(name, vae, ds, seed, s);
  const grid = latentGrid(ds.latentDim, s.gridPerDim[ds.latentDim - 1]);
  const evalX = ds.test.subarray(0, Math.min(s.evalRows, ds.nTest) * ds.obsDim);
  const curve: CurvePoint[] = [];
  const preSeconds = pre?.seconds ?? 0;
  let evalMs = 0;
  let t0 = 0;
  let lastFraction = 0;
  const every = Math.max(1, s.budgetPasses / s.evaluations);
  let nextEval = 0;
  const counter = new PassCounter();
  const passesSoFar = () => counter.perDatapoint(ds.nTrain).total;
  const evaluate = (passes: number) => {
    const e0 = performance.now();
    curve.push({ passes, seconds: preSeconds + (e0 - t0 - evalMs) / 1000, testLL: meanOf(decoderLogLikelihood(vae, grid, evalX)) });
    evalMs += performance.now() - e0;
  };
  const budget: FitCallback = {
    onStart() {
      t0 = performance.now();
      evaluate(passesSoFar());
      nextEval = every;
    },
    onStep() {
      const passes = passesSoFar();
      if (passes >= nextEval) {
        evaluate(passes);
        while (nextEval <= passes) nextEval += every;
      }
      const f = Math.min(1, passes / s.budgetPasses);
      if (onProgress && f - lastFraction >= 0.02) {
        onProgress(f);
        lastFraction = f;
      }
      if (passes >= s.budgetPasses) return "budget reached";
    },
  };
  const data = new Dataset(ds.train, { dim: ds.obsDim });
  const heldOut = new Dataset(ds.test.subarray(0, Math.min(500, ds.nTest) * ds.obsDim), { dim: ds.obsDim });
  // the loop's two streams as before: minibatch order from fork 1, Monte Carlo draws from fork 2
  const rng = new Rng(seed).fork(2);
  counter.addPrecompute(prePasses);
  counter.attach(vae);
  const result = fit({
    model: vae.model,
    guide,
    objective,
    schedule,
    data,
    heldOut,
    batchSize: s.batchSize,
    epochs: s.maxEpochs,
    lr: s.lr,
    rng: rng.fork(2),
    batchRng: rng.fork(1),
    counter,
    callbacks: [budget],
    // a diverged pipeline is part of the result (counted in the summary), not a failure of the study
    onDivergence: "stop",
  });
  counter.detach(vae);
  data.dispose();
  heldOut.dispose();
  const passes = result.passesPerDatapoint!.total;
  if (curve[curve.length - 1].passes < passes) evaluate(passes);
  const seconds = preSeconds + (performance.now() - t0 - evalMs) / 1000;
  const perPoint = decoderLogLikelihood(vae, grid, ds.test);
  const finalTestLL = meanOf(perPoint);
  const n200 = Math.min(200, ds.nTest);
  const x200 = Tensor.from(ds.test.subarray(0, n200 * ds.obsDim), [n200, ds.obsDim], "persistent");
  const x500 = Tensor.from(ds.test.subarray(0, Math.min(500, ds.nTest) * ds.obsDim), [Math.min(500, ds.nTest), ds.obsDim], "persistent");
  const evalRng = new Rng(seed).fork(9);
  const iwae500TestLL = importanceLogLikelihood(vae.model, post ?? vae.guide, x200, evalRng, { K: 500 }).mean;
  const au = post ? null : activeUnits(vae, x500).count;
  const mi = post ? null : mutualInformation(vae, x500, evalRng);
  x200.dispose();
  x500.dispose();
  vae.dispose();
  post?.dispose();
  onProgress?.(1);
  runtime().arena.reset();
  return {
    pipeline: name,
    dataset: ds.name,
    seed,
    curve,
    finalTestLL,
    iwae500TestLL,
    quadratureTestLL200: meanOf(perPoint.subarray(0, n200)),
    activeUnits: au,
    mutualInformation: mi,
    passes,
    seconds,
    precompute: pre,
    steps: result.steps,
    switchedOffStep: result.schedule.switchedOff?.step ?? null,
    diverged: result.diverged !== null,
  };
}

/** Mean, min and max over seeds of the curves of one pipeline, point by point (curves share evaluation points up to rounding). */
export interface CurveSummary {
  passes: number[];
  seconds: number[];
  mean: number[];
  lower: number[];
  upper: number[];
}

export function summarizeCurves(runs: readonly PipelineRun[]): CurveSummary {
  const len = Math.min(...runs.map((r) => r.curve.length));
  const at = (i: number, f: (c: CurvePoint) => number) => runs.map((r) => f(r.curve[i]));
  const out: CurveSummary = { passes: [], seconds: [], mean: [], lower: [], upper: [] };
  for (let i = 0; i < len; i++) {
    const ll = at(i, (c) => c.testLL);
    out.passes.push(meanOf(at(i, (c) => c.passes)));
    out.seconds.push(meanOf(at(i, (c) => c.seconds)));
    out.mean.push(meanOf(ll));
    out.lower.push(Math.min(...ll));
    out.upper.push(Math.max(...ll));
  }
  return out;
}

/** Mean and sample standard deviation. */
export function meanSd(values: readonly number[]): { mean: number; sd: number } {
  const m = meanOf(values);
  const sd = values.length > 1 ? Math.sqrt(values.reduce((s, v) => s + (v - m) ** 2, 0) / (values.length - 1)) : 0;
  return { mean: m, sd };
}

/** The value of a curve at cost x (linear interpolation; NaN outside the curve's range). */
export function valueAt(xs: readonly number[], ys: readonly number[], x: number): number {
  for (let i = 1; i < xs.length; i++) {
    if (xs[i] >= x && xs[i - 1] <= x) return xs[i] === xs[i - 1] ? ys[i] : ys[i - 1] + ((ys[i] - ys[i - 1]) * (x - xs[i - 1])) / (xs[i] - xs[i - 1]);
  }
  return NaN;
}

/** Pearson correlation. */
export function correlation(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const ma = meanOf(a);
  const mb = meanOf(b);
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < a.length; i++) {
    sab += (a[i] - ma) * (b[i] - mb);
    saa += (a[i] - ma) ** 2;
    sbb += (b[i] - mb) ** 2;
  }
  return sab / Math.sqrt(saa * sbb);
}
