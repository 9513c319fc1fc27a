import { valueAndGrad } from "../autodiff/tape.js";
import { DomainError, TrainingDivergedError, assertInteger, assertPositive } from "../core/errors.js";
import { Rng } from "../core/rng.js";
import type { Guide } from "../models/guide.js";
import type { Dataset } from "../infer/families/dataset.js";
import { Minibatcher } from "../infer/families/dataset.js";
import type { Objective, ObjectiveContext } from "../infer/objectives/objective.js";
import { asEngineModel } from "../model/engine-model.js";
import { ProbModel } from "../model/model.js";
import type { Batch, Model } from "../models/model.js";
import type { ParamStore } from "../nn/param-store.js";
import { Adam } from "../optim/adam.js";
import type { Optimizer } from "../optim/optimizer.js";
import type { Schedule } from "../optim/schedule.js";

/** What a fit callback sees after each step. */
export interface FitStepInfo {
  /** Steps done so far (1-based index of the step just taken). */
  readonly step: number;
  readonly loss: number;
  readonly losses: Float64Array;
}

/** Hooks into fit: onStep may return a string to stop (the reason, in result.stoppedBy). */
export interface FitCallback {
  onStart?(): void;
  onStep?(info: FitStepInfo): string | void;
  onDiverged?(diverged: { step: number; message: string }): void;
  onEnd?(result: FitResult): void;
}

/** A progress display (the experiments' ProgressReporter fits): start(total, label), tick(n, metrics), stop(). */
export interface FitProgress {
  start(total: number, label: string): void;
  tick(n: number, metrics?: Record<string, number>): void;
  stop(): void;
}

export interface FitOptions {
  /** The model: written in the language (a ProbModel) or the engine's view of one. */
  model: Model | ProbModel;
  /** The guide (a family, an inference network, a study's guide); its params are trained. */
  guide: Guide;
  objective: Objective;
  /** A fixed data set, minibatched. Without it, every pass draws fresh simulations of batchSize from the model's joint. */
  data?: Dataset;
  /** Optimizer steps. */
  iterations: number;
  /** Rows per pass. Default: N with data (full batch); required on simulations. */
  batchSize?: number;
  /** Adam learning rate. Default 1e-3. */
  lr?: number;
  /** Learning-rate multiplier per step (optim/schedule.ts). */
  lrSchedule?: Schedule;
  /** Builds the optimizer over the trained stores instead of Adam(lr, lrSchedule). */
  optimizer?: (stores: ParamStore[]) => Optimizer;
  /** Seed or generator of every draw (minibatches, simulations, Monte Carlo). Default 0. */
  rng?: Rng | number;
  callbacks?: readonly FitCallback[];
  /** Progress display, ticked about 100 times (and its label). */
  progress?: FitProgress;
  label?: string;
  /** On a non-finite loss or gradient: "stop" (default) keeps the last good parameters and returns; "throw" does the same, then rethrows. */
  onDivergence?: "stop" | "throw";
}

/** What a fit did. */
export interface FitResult {
  objective: string;
  steps: number;
  /** The loss of every step taken. */
  losses: Float64Array;
  /** Optimizer steps (gradient evaluations). */
  gradientEvaluations: number;
  /** Per-datapoint gradient evaluations: steps x B x draws per datapoint. */
  datapointGradients: number;
  wallMs: number;
  /** Set when training stopped on a non-finite loss or gradient: the step (1-based) and what was found. */
  diverged: { step: number; message: string } | null;
  /** Set when a callback stopped training. */
  stoppedBy: string | null;
}

/**
 * The training loop, once: each step draws a batch (a minibatch of the data
 * or fresh simulations from the model's joint), evaluates the objective's
 * loss and its gradient (valueAndGrad), and takes one optimizer step over the
 * guide's and the model's parameters. Every step is guarded: the stores are
 * snapshotted first; a non-finite loss or gradient restores them and stops
 * with the step reported (nothing already learned is lost).
 * F-VI, A-VI, amortized inference on simulations (qp / pq), IWAE, RWS are
 * this loop with another guide or objective.
 */
export function fit(options: FitOptions): FitResult {
  if (!options || typeof options !== "object") throw new DomainError("options", "{ model, guide, objective, iterations, ... }", String(options));
  const { guide, objective, data, iterations, callbacks = [], onDivergence = "stop" } = options;
  assertInteger("iterations", iterations, 1);
  if (!guide || !Array.isArray(guide.params)) throw new DomainError("guide", "a Guide (with params)", String(guide));
  if (!objective || typeof objective.loss !== "function") throw new DomainError("objective", "an Objective (elbo(), iwaeBound(), forwardKL(), ...)", String(objective));
  const prob = options.model instanceof ProbModel ? options.model : null;
  const model: Model = asEngineModel(options.model);
  const lr = options.lr ?? 1e-3;
  assertPositive("lr", lr);
  const rng = options.rng instanceof Rng ? options.rng : new Rng(options.rng ?? 0);
  const B = options.batchSize ?? data?.N;
  if (B === undefined) throw new DomainError("batchSize", "the rows per pass (required when training on simulations)", "undefined");
  assertInteger("batchSize", B, 1);
  if (!data && !model.sampleJoint) throw new DomainError("data", "a data set, or a model that draws from its joint (simulations)", "neither");
  if (data && "N" in guide && typeof guide.N === "number" && guide.N > 0 && guide.N !== data.N) {
    throw new DomainError("data", `the data set the guide was built on (N = ${guide.N})`, `N = ${data.N}`);
  }

  const batches = data ? new Minibatcher(data.N, B, rng) : null;
  const stores = [...guide.params, ...(prob ? prob.params() : [])];
  const opt = options.optimizer ? options.optimizer(stores) : new Adam(stores, { lr, schedule: options.lrSchedule });
  const losses = new Float64Array(iterations);
  const dataSize = data ? data.N : B;
  const sampleJoint = model.sampleJoint?.bind(model);
  let idx: Int32Array | null = null;
  const ctx: ObjectiveContext = {
    model,
    guide,
    rng,
    batchSize: B,
    dataSize,
    batch: (): Batch => (data ? (idx ? data.batch(idx) : data.full()) : sampleJoint!(B, rng).batch),
  };
  const tick = Math.max(1, Math.floor(iterations / 100));
  let ticked = 0;
  let steps = 0;
  let diverged: FitResult["diverged"] = null;
  let stoppedBy: string | null = null;
  let error: TrainingDivergedError | null = null;
  const t0 = performance.now();
  objective.start?.();
  callbacks.forEach((c) => c.onStart?.());
  options.progress?.start(iterations, options.label ?? objective.name);
  try {
    for (let it = 0; it < iterations; it++) {
      idx = batches && B !== data!.N ? batches.next() : null;
      stores.forEach((s) => s.snapshot());
      let loss: number;
      try {
        loss = valueAndGrad(() => objective.loss(ctx));
        if (!Number.isFinite(loss)) throw new TrainingDivergedError(it + 1, `loss ${loss}`);
        opt.step();
      } catch (err) {
        if (!(err instanceof TrainingDivergedError)) throw err;
        stores.forEach((s) => {
          s.restore();
          s.zeroGrad();
        });
        diverged = { step: it + 1, message: err.message };
        error = err;
        callbacks.forEach((c) => c.onDiverged?.(diverged!));
        break;
      }
      losses[it] = loss;
      steps = it + 1;
      if (options.progress && (steps % tick === 0 || steps === iterations)) {
        options.progress.tick(steps - ticked, { loss });
        ticked = steps;
      }
      const info: FitStepInfo = { step: steps, loss, losses: losses.subarray(0, steps) };
      const stop = callbacks.map((c) => c.onStep?.(info)).find((s) => typeof s === "string");
      if (stop) {
        stoppedBy = stop;
        break;
      }
    }
  } finally {
    options.progress?.stop();
    opt.dispose();
  }
  const result: FitResult = {
    objective: objective.name,
    steps,
    losses: losses.slice(0, steps),
    gradientEvaluations: steps,
    datapointGradients: steps * B * (objective.drawsPerDatapoint ?? 1),
    wallMs: performance.now() - t0,
    diverged,
    stoppedBy,
  };
  callbacks.forEach((c) => c.onEnd?.(result));
  if (error && onDivergence === "throw") throw error;
  return result;
}
