// The models a training job can name (note-1, note-2, avi-saw) and the user
// model given as source text: each with how its observations are simulated
// and, where one exists, the exact posterior of the site a view plots.
import { DomainError, UnknownNameError } from "../core/errors.js";
import type { Rng } from "../core/rng.js";
import { runtime } from "../core/runtime.js";
import { isDiscrete } from "../distributions/support.js";
import { Dataset } from "../infer/families/dataset.js";
import { asEngineModel } from "../model/engine-model.js";
import type { ProbModel } from "../model/model.js";
import type { LatentSite, Model } from "../models/model.js";
import { sawDataset, sawEngineModel, sawModel, simulateSaw } from "../experiments/avi/models/saw.js";
import { gaussianGaussianModel, gaussianGaussianPosterior } from "../experiments/notes/models/gaussian-gaussian.js";
import { mixturePriorModel, MixturePrior } from "../experiments/notes/models/mixture-prior.js";
import type { NormalMixture1D } from "../experiments/notes/models/normal-mixture-1d.js";
import { compileModelSource } from "./user-model.js";

/** The built-in models a job names. */
export const BUILTIN_MODELS = ["note-1", "note-2", "avi-saw"] as const;
export type BuiltinModelName = (typeof BUILTIN_MODELS)[number];

/**
 * The model of a job: a built-in one by name with its settings (note-1: mu0,
 * s0, s; note-2: pi, mu, sK, s; avi-saw: a, theta), or a user model as the
 * source text of a defineModel function body (see compileModelSource).
 */
export type ModelSpec =
  | { name: BuiltinModelName; settings?: Record<string, number | readonly number[]> }
  | { name: "user"; source: string };

/** A job's model, ready to train. */
export interface JobModel {
  readonly name: string;
  readonly model: ProbModel;
  /** The engine's view that autoGuide sees (avi-saw's maps x_{n-1} onto batch.context). */
  readonly engine: Model;
  /** What fit trains: the ProbModel itself (its m.param / m.module stores are trained too) or, for avi-saw, the engine view. */
  readonly fitModel: ProbModel | Model;
  /** N observations simulated from the model (the data F-VI fits and views plot). */
  simulate(N: number, rng: Rng): Dataset;
  /** autoGuide's init: "prior" (moments of joint draws) or "zero" (a model whose forward run needs covariates: avi-saw). */
  readonly init: "prior" | "zero";
  /** The continuous local site a view plots (its first coordinate). */
  readonly plotSite: LatentSite;
  /** p(plotSite | observation row) in closed form, or null (no closed form). */
  readonly exactPosterior: ((row: readonly number[]) => NormalMixture1D) | null;
}

/** Builds a job's model (typed errors for unknown names and bad settings). */
export function jobModel(spec: ModelSpec): JobModel {
  if (!spec || typeof spec !== "object") throw new DomainError("job.model", '{ name: "note-1" | "note-2" | "avi-saw", settings? } or { name: "user", source }', String(spec));
  switch (spec.name) {
    case "note-1": {
      const settings = numbers(spec.settings, ["mu0", "s0", "s"]);
      const model = gaussianGaussianModel(settings);
      return fromProbModel(model, (row) => gaussianGaussianPosterior(settings, row[0]));
    }
    case "note-2": {
      const { s, ...lists } = spec.settings ?? {};
      if (s !== undefined && typeof s !== "number") throw new DomainError("job.model.settings.s", "a number", JSON.stringify(s));
      const prior = new MixturePrior({ s, ...arrays(lists, ["pi", "mu", "sK"]) });
      return fromProbModel(mixturePriorModel(prior), (row) => prior.posterior(row[0]));
    }
    case "avi-saw": {
      const model = sawModel(numbers(spec.settings, ["a", "theta"]));
      const engine = sawEngineModel(model);
      return {
        name: model.name,
        model,
        engine,
        fitModel: engine,
        // its forward run needs the covariate x_{n-1}: autoGuide cannot draw the prior's moments
        init: "zero",
        simulate: (N, rng) => sawDataset(simulateSaw(model, N, rng).x),
        plotSite: firstPlottable(engine),
        exactPosterior: null,
      };
    }
    case "user":
      return fromProbModel(compileModelSource((spec as { source: string }).source), null);
    default:
      throw new UnknownNameError("job.model.name", `one of ${[...BUILTIN_MODELS, "user"].map((n) => `"${n}"`).join(", ")}`, JSON.stringify((spec as { name: unknown }).name));
  }
}

/** A model whose observations are drawn from its joint (forward runs). */
function fromProbModel(model: ProbModel, exactPosterior: JobModel["exactPosterior"]): JobModel {
  const engine = asEngineModel(model);
  return {
    name: model.name,
    model,
    engine,
    fitModel: model,
    init: "prior",
    simulate(N, rng) {
      const arena = runtime().arena;
      const mark = arena.mark();
      try {
        const observed = Object.entries(model.sampleJoint(N, rng).data);
        if (observed.length !== 1) throw new DomainError(`model "${model.name}"`, "exactly one observed site to simulate observations of", `${observed.length} (${observed.map(([n]) => n).join(", ")})`);
        const t = observed[0][1];
        return new Dataset(t.toFloat64Array(), { dim: t.rank === 2 ? t.cols : 1 });
      } finally {
        arena.restore(mark);
      }
    },
    plotSite: firstPlottable(engine),
    exactPosterior,
  };
}

function firstPlottable(engine: Model): LatentSite {
  const site = engine.latents.find((s) => s.scope === "local" && !isDiscrete(s.support)) ?? engine.latents.find((s) => !isDiscrete(s.support));
  if (!site) throw new DomainError(`model "${engine.name}"`, "a continuous latent site to plot", `sites ${engine.latents.map((s) => s.name).join(", ")}`);
  return site;
}

/** The numeric settings a model takes, unknown names rejected. */
function numbers(settings: Record<string, unknown> | undefined, names: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(settings ?? {})) {
    if (!names.includes(k)) throw new UnknownNameError(`job.model.settings.${k}`, `one of ${names.join(", ")}`, k);
    if (typeof v !== "number") throw new DomainError(`job.model.settings.${k}`, "a number", JSON.stringify(v));
    out[k] = v;
  }
  return out;
}

/** The list settings a model takes (arrays of numbers), unknown names rejected. */
function arrays(settings: Record<string, unknown>, names: readonly string[]): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  for (const [k, v] of Object.entries(settings)) {
    if (!names.includes(k)) throw new UnknownNameError(`job.model.settings.${k}`, `one of s, ${names.join(", ")}`, k);
    if (!Array.isArray(v) || !v.every((x) => typeof x === "number")) throw new DomainError(`job.model.settings.${k}`, "an array of numbers", JSON.stringify(v));
    out[k] = v.slice();
  }
  return out;
}
