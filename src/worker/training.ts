// A job turned into the objects of a run (model, observations, autoGuide,
// objective, fit options), on whichever thread trains: the worker and an
// in-thread fit build the very same run from the same job.
import { Rng } from "../core/rng.js";
import type { Dataset } from "../infer/families/dataset.js";
import { AutoGuide, autoGuide } from "../infer/families/auto-guide.js";
import { diagonalGaussian, type DensityFamily } from "../infer/families/density.js";
import { windowFeatures } from "../infer/families/features.js";
import { realNVP, neuralSplineFlow } from "../infer/families/flows.js";
import { gaussianMixture } from "../infer/families/mixture.js";
import { elbo } from "../infer/objectives/elbo.js";
import { forwardKL } from "../infer/objectives/forward-kl.js";
import { iwaeBound } from "../infer/objectives/importance-weighted.js";
import type { Objective } from "../infer/objectives/objective.js";
import { reweightedWakeSleep } from "../infer/objectives/wake-sleep.js";
import type { ParamStore } from "../nn/param-store.js";
import type { Schedule } from "../optim/schedule.js";
import { cos } from "../autodiff/ops/trig.js";
import { noGrad } from "../autodiff/tape.js";
import { tidy } from "../core/scope.js";
import { Tensor } from "../core/tensor.js";
import { fit, type FitOptions, type FitResult } from "../train/fit.js";
import { resolveJob, type ResolvedJob, type TrainingJob } from "./job.js";
import { jobModel, type JobModel } from "./models.js";
import { copyParams, type StoreValues } from "./params.js";
import { posteriorView, type PosteriorView, type ViewOptions } from "./view.js";

/** Streams of the job's seed: what each generator draws (fixed, so that a run is its seed). */
const STREAMS = { observations: 1, init: 2, training: 3, view: 4 } as const;

/** What a run is, for a display: names and sizes. */
export interface TrainingInfo {
  readonly model: string;
  readonly family: string;
  readonly objective: string;
  readonly latents: readonly { name: string; scope: "local" | "global"; dim: number }[];
  readonly observations: number;
  readonly parameterCount: number;
  readonly plotSite: string;
  readonly hasExactPosterior: boolean;
}

/** The objects of one run, built from a job. */
export interface Training {
  readonly job: ResolvedJob;
  readonly model: JobModel;
  readonly data: Dataset;
  readonly guide: AutoGuide;
  readonly objective: Objective;
  readonly info: TrainingInfo;
  /** fit's options for this run (callbacks and progress added by the caller). */
  fitOptions(extra?: Pick<FitOptions, "callbacks" | "progress" | "label">): FitOptions;
  /** The guide's and the model's stores (what is trained). */
  stores(): { guide: ParamStore[]; model: ParamStore[] };
  /** A copy of the trained values. */
  params(): StoreValues[];
  /** q against the exact posterior at datapoints `rows`; the draws come from a generator fixed by the seed and `step`. */
  view(rows: readonly number[], step: number, options?: ViewOptions): PosteriorView;
  dispose(): void;
}

function density(job: ResolvedJob): DensityFamily {
  const f = job.family;
  switch (f.density) {
    case "gaussian":
      return diagonalGaussian();
    case "mixture":
      return gaussianMixture({ components: f.components });
    case "realnvp":
      return realNVP({ layers: f.layers, hidden: [32, 32] });
    case "spline":
      return neuralSplineFlow({ layers: f.layers, hidden: [32, 32] });
  }
}

function objectiveOf(job: ResolvedJob, hasGlobals: boolean): Objective {
  const { name, particles } = job.objective;
  switch (name) {
    case "qp":
      // per datapoint like the other objectives, unless global latents need the data set's ELBO
      return elbo({ scale: hasGlobals ? "dataset" : "datapoint" });
    case "pq":
      return forwardKL();
    case "iwae":
      return iwaeBound({ particles });
    case "rws":
      return reweightedWakeSleep({ particles });
  }
}

/**
 * cosineDecay(T, m) (Loshchilov & Hutter 2017: s(t) = m + (1 - m) (1 + cos(pi min(t, T) / T)) / 2)
 * with the cosines from the Wasm kernel, computed once: JS engines' Math.cos
 * differ in the last bit (Node 20's V8 and Chromium 156's disagree on 27 of
 * the 601 cosines of T = 600), and a job must give the same bits in every engine.
 */
export function wasmCosineDecay(T: number, m: number): Schedule {
  const c = noGrad(() => tidy(() => cos(Tensor.from(Array.from({ length: T + 1 }, (_, t) => (Math.PI * t) / T), [T + 1])).toFloat64Array()));
  return (t) => m + ((1 - m) * (1 + c[Math.min(Math.max(t, 0), T)])) / 2;
}

/** Builds the run a job describes: observations from the seed, the autoGuide, the objective. */
export function buildTraining(input: TrainingJob): Training {
  const job = resolveJob(input);
  const jm = jobModel(job.model);
  const root = new Rng(job.seed);
  const data = jm.simulate(job.observations, root.fork(STREAMS.observations));
  try {
    const f = job.family;
    const amortized = f.amortization === "fvi"
      ? false as const
      : {
          width: f.width,
          depth: f.depth,
          activation: "tanh" as const,
          ...(f.amortization === "windowed-avi" ? { features: windowFeatures({ before: f.window, pad: 0 }), standardize: true } : {}),
        };
    const guide = autoGuide(jm.engine, { data, amortized, family: density(job), init: jm.init, rng: root.fork(STREAMS.init) });
    const hasGlobals = jm.engine.latents.some((s) => s.scope === "global");
    const objective = objectiveOf(job, hasGlobals);
    const stores = () => ({ guide: [...guide.params], model: jm.fitModel === jm.model ? jm.model.params() : [] });
    const info: TrainingInfo = {
      model: jm.name,
      family: `${{ fvi: "F-VI", avi: "A-VI", "windowed-avi": "windowed A-VI" }[f.amortization]}, ${guide.family.name}`,
      objective: objective.name,
      latents: jm.engine.latents.map((s) => ({ name: s.name, scope: s.scope, dim: s.dim })),
      observations: data.N,
      parameterCount: guide.parameterCount,
      plotSite: jm.plotSite.name,
      hasExactPosterior: jm.exactPosterior !== null,
    };
    return {
      job, model: jm, data, guide, objective, info,
      fitOptions: (extra = {}) => ({
        model: jm.fitModel,
        guide,
        objective,
        ...(job.train === "data" ? { data, batchSize: Math.min(job.batchSize, data.N) } : { batchSize: job.batchSize }),
        iterations: job.iterations,
        lr: job.lr,
        ...(job.schedule === "cosine" ? { lrSchedule: wasmCosineDecay(job.iterations, 0.01) } : {}),
        rng: root.fork(STREAMS.training),
        onDivergence: "stop",
        ...extra,
      }),
      stores,
      params: () => copyParams(stores()),
      view: (rows, step, options) => posteriorView(guide, jm, data, rows, root.fork(STREAMS.view).fork(step), options),
      dispose() {
        guide.dispose();
        data.dispose();
      },
    };
  } catch (err) {
    data.dispose();
    throw err;
  }
}

/** The result of a run: fit's record and the trained values. */
export interface TrainingOutcome {
  readonly steps: number;
  readonly losses: Float64Array;
  readonly stoppedBy: string | null;
  readonly diverged: FitResult["diverged"];
  readonly wallMs: number;
  readonly params: StoreValues[];
}

/** The outcome of fit's result and the run's stores. */
export function outcomeOf(result: FitResult, training: Training): TrainingOutcome {
  return { steps: result.steps, losses: result.losses, stoppedBy: result.stoppedBy, diverged: result.diverged, wallMs: result.wallMs, params: training.params() };
}

/** The job trained on this thread with fit (the reference a worker's run equals bit for bit). */
export function runJob(job: TrainingJob): TrainingOutcome & { training: Training } {
  const training = buildTraining(job);
  return { ...outcomeOf(fit(training.fitOptions()), training), training };
}
