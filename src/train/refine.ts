import { DomainError, assertInteger, assertKnownOptions } from "../core/errors.js";
import { Rng } from "../core/rng.js";
import { elboStats } from "../diagnostics/gaps.js";
import type { ProbModel } from "../model/model.js";
import type { Model } from "../models/model.js";
import { cosineDecay } from "../optim/schedule.js";
import { fit } from "./fit.js";
import { guideOnly } from "./schedules/joint.js";
import { AutoGuide } from "../infer/families/auto-guide.js";
import type { Dataset } from "../infer/families/dataset.js";
import { elbo } from "../infer/objectives/elbo.js";

export interface RefineOptions {
  model: Model | ProbModel;
  /** The amortized guide whose outputs start the refinement. */
  guide: AutoGuide;
  /** The datapoints to refine (one free conditioning row each). */
  data: Dataset;
  /** Optimisation steps K. Default: 100. */
  steps?: number;
  /** Adam rate (cosine-decayed to 5% over the steps). Default: 0.01. */
  lr?: number;
  /** Draws per step of the ELBO. Default: 4. */
  samples?: number;
  /** Steps at which the ELBO is evaluated for the curve. Default: 0, 1, 2, 5, 10, 20, 50, ... up to steps; floor(steps / 2) is always added (the convergence check). */
  evaluateAt?: readonly number[];
  /** Draws per datapoint of each evaluation. Default: 50. */
  evalSamples?: number;
  /** Convergence tolerance: the last half of the steps may gain at most this many nats per datapoint (the curve's points share their draws, so differences are not Monte Carlo noise). Default: 0.01. */
  tolerance?: number;
  /** Minibatch of the refinement (all datapoints by default). */
  batchSize?: number;
  rng?: Rng | number;
}

export interface RefineResult {
  /** The refined guide: free rows per datapoint (F-VI), started at the network's output. */
  guide: AutoGuide;
  /** ELBO per datapoint (mean over the datapoints) after k refinement steps, with its standard error. */
  curve: { steps: number[]; elbo: number[]; se: number[] };
  /** Improvement of the ELBO over the last half of the steps (nats per datapoint). */
  lastImprovement: number;
  /** The last half improved the ELBO by less than the tolerance. */
  converged: boolean;
}

/** 0, 1, 2, 5, 10, 20, 50, ... up to K. */
export function refineCheckpoints(K: number): number[] {
  const out = [0];
  for (let d = 1; d <= K; d *= 10) for (const m of [1, 2, 5]) if (m * d <= K) out.push(m * d);
  if (out[out.length - 1] !== K) out.push(K);
  return out;
}

/**
 * Semi-amortized inference (Kim et al. 2018, "Semi-amortized variational
 * autoencoders"; Krishnan et al. 2018, "On the challenges of learning with
 * inference networks on sparse, high-dimensional data"): start each
 * datapoint's variational parameters at the inference network's output,
 * lambda_n^0 = f_phi(x_n), and take K optimisation steps of that datapoint's
 * ELBO with the model fixed:
 *   lambda_n^{k+1} = Adam step of -ELBO(x_n; lambda_n^k).
 * K = 0 is the amortized guide, K -> infinity the best member of the family
 * (F-VI at its optimum). Returns the refined guide and the ELBO-vs-K curve.
 */
export function refine(options: RefineOptions): RefineResult {
  assertKnownOptions("options", options, ["model", "guide", "data", "steps", "lr", "samples", "evaluateAt", "evalSamples", "tolerance", "batchSize", "rng"]);
  const { model, guide, data, steps = 100, lr = 0.01, samples = 4, evalSamples = 50, tolerance = 0.01 } = options;
  if (!(guide instanceof AutoGuide)) throw new DomainError("guide", "an AutoGuide (autoGuide(model, ...))", String(guide));
  assertInteger("steps", steps, 1);
  const given = [...(options.evaluateAt ?? refineCheckpoints(steps))];
  given.forEach((k, i) => assertInteger(`evaluateAt[${i}]`, k, 0));
  // the convergence check compares the ELBO at steps / 2 with the last one: that point is always on the curve
  const halfStep = Math.floor(steps / 2);
  const at = [...new Set([...given, halfStep])].sort((a, b) => a - b);
  const rng = options.rng instanceof Rng ? options.rng : new Rng(options.rng ?? 0);
  const refined = new AutoGuide(model, { data, amortized: false, family: guide.family, initFrom: guide, init: "zero" });
  const curve: RefineResult["curve"] = { steps: [], elbo: [], se: [] };
  // every point of the curve uses the same draws (common random numbers), so that its differences are not noise
  const evalSeed = rng.fork(1);
  const record = (k: number) => {
    const e = elboStats(model, refined, data, { samples: evalSamples, rng: evalSeed.fork(0) });
    curve.steps.push(k);
    curve.elbo.push(e.mean.value);
    curve.se.push(e.mean.se);
  };
  if (at[0] === 0) record(0);
  fit({
    model,
    guide: refined,
    data,
    objective: elbo({ samples, scale: "datapoint" }),
    schedule: guideOnly(),
    iterations: steps,
    batchSize: options.batchSize,
    lr,
    lrSchedule: cosineDecay(steps, 0.05),
    rng: rng.fork(2),
    onDivergence: "throw",
    callbacks: [{ onStep: (info) => void (at.includes(info.step) && record(info.step)) }],
  });
  if (curve.steps[curve.steps.length - 1] !== steps) record(steps);
  // convergence: the ELBO gained over the last half of the steps
  const half = curve.steps.indexOf(halfStep);
  const last = curve.elbo.length - 1;
  const lastImprovement = curve.elbo[last] - curve.elbo[half];
  const converged = lastImprovement < tolerance;
  return { guide: refined, curve, lastImprovement, converged };
}
