import { valueAndGrad } from "../autodiff/tape.js";
import { DomainError, ShapeError, TrainingDivergedError, assertInteger, assertPositive, assertKnownOptions } from "../core/errors.js";
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
import type { PassCounter, PassCounts } from "./counting.js";
import { joint } from "./schedules/joint.js";
import { ConvergenceMonitor, type ConvergenceOptions } from "./convergence.js";
import type { FitSchedule, FitState, ScheduleRecord, UpdateTarget } from "./schedules/types.js";

/** The two parameter groups of a fit: the guide's stores (phi) and the model's (theta). */
export interface ParamGroups<T> {
  readonly guide: T;
  readonly model: T;
}

/** What a fit callback sees (after each step, at epoch ends, at the start with step 0 and loss NaN). */
export interface FitStepInfo {
  /** Outer steps done so far (1-based index of the step just taken). */
  readonly step: number;
  /** The epoch of the step (0-based; 0 on simulations). */
  readonly epoch: number;
  readonly loss: number;
  readonly losses: Float64Array;
  readonly model: Model;
  readonly guide: Guide;
  readonly record: ScheduleRecord;
  readonly stores: ParamGroups<readonly ParamStore[]>;
  readonly optimizers: ParamGroups<Optimizer | null>;
  /** The pass counter of the run (fit({ counter })), or null. */
  readonly counter: PassCounter | null;
  /** Training-set size N (the batch size on simulations). */
  readonly dataSize: number;
  readonly heldOut: Dataset | null;
}

/**
 * Hooks into fit. onStep / onEpoch may return a string to stop (the reason,
 * in result.stoppedBy). Network passes made inside callbacks are not counted.
 */
export interface FitCallback {
  onStart?(info: FitStepInfo): void;
  onStep?(info: FitStepInfo): string | void;
  onEpoch?(info: FitStepInfo): string | void;
  onDiverged?(diverged: { step: number; message: string }, info: FitStepInfo): void;
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
  /** The guide (a family, an inference network, a fixed posterior such as MAPA); its params are trained. */
  guide: Guide;
  objective: Objective;
  /** A fixed data set, minibatched. Without it, every pass draws fresh simulations of batchSize from the model's joint. */
  data?: Dataset;
  /** Outer steps. With `epochs`, the most steps (e.g. a cap on a long run). */
  iterations?: number;
  /** Epochs over the shuffled data: floor(N / B) outer steps each (the last incomplete batch is dropped). Needs data. */
  epochs?: number;
  /** Rows per pass. Default: N with data (full batch); required on simulations. */
  batchSize?: number;
  /** How one outer step updates guide and model (schedules/). Default joint(): one update of both on the objective. */
  schedule?: FitSchedule;
  /** Held-out data for schedule decisions (the aggressive switch) and callbacks. */
  heldOut?: Dataset;
  /** Adam learning rate of the guide's group (and of the model's without modelLr). Default 1e-3. */
  lr?: number;
  /** Adam learning rate of the model's parameters. Default: lr. */
  modelLr?: number;
  /** Learning-rate multiplier per update (optim/schedule.ts), for both groups. */
  lrSchedule?: Schedule;
  /** Builds each group's optimizer instead of Adam(lr, lrSchedule): called once per non-empty group. */
  optimizer?: (stores: ParamStore[], group: "guide" | "model") => Optimizer;
  /** Seed or generator of the Monte Carlo draws (and simulations, and minibatches without batchRng). Default 0. */
  rng?: Rng | number;
  /** Generator of the minibatch order (and the schedules' random batches). Default: rng. */
  batchRng?: Rng;
  /** Counts network passes of the steps and schedule hooks (attach it to the networks first); set-up and callbacks are not counted. */
  counter?: PassCounter;
  callbacks?: readonly FitCallback[];
  /** Progress display, ticked about 100 times (and its label). */
  progress?: FitProgress;
  label?: string;
  /** On a non-finite loss or gradient: "stop" (default) keeps the last good parameters and returns; "throw" does the same, then rethrows. */
  onDivergence?: "stop" | "throw";
  /**
   * Train until converged (ConvergenceMonitor: the learning rate halves at
   * each plateau of the windowed loss, training stops after `patience`
   * halvings). On by default when neither `iterations` nor `epochs` is given;
   * false turns it off.
   */
  convergence?: ConvergenceOptions | false;
}

/** What a fit did. */
export interface FitResult {
  objective: string;
  /** What the schedule executed (updates of each group, inner steps, switch-off). */
  schedule: ScheduleRecord;
  steps: number;
  /** Completed epochs of the data (0 on simulations). */
  epochs: number;
  /** The loss of every outer step taken. */
  losses: Float64Array;
  /** Gradient evaluations (updates; one per step under joint training). */
  gradientEvaluations: number;
  /** Per-datapoint gradient evaluations: updates x B x draws per datapoint. */
  datapointGradients: number;
  /** Network passes counted (fit({ counter })), total and per training datapoint; null without a counter. */
  passes: PassCounts | null;
  passesPerDatapoint: PassCounts | null;
  wallMs: number;
  /** Set when training stopped on a non-finite loss or gradient: the step (1-based) and what was found. */
  diverged: { step: number; message: string } | null;
  /** Set when a callback or the convergence rule stopped training. */
  stoppedBy: string | null;
  /** With the convergence rule: whether it stopped training (true) or the budget ran out first (false); null without it. */
  converged: boolean | null;
}

/**
 * The training loop, once: each outer step draws a batch (the epoch's next
 * minibatch of the data, or fresh simulations from the model's joint) and
 * lets the schedule take its updates: an update evaluates the objective's
 * loss and its gradient (valueAndGrad) and steps the optimizer of the
 * guide's parameters, the model's, or both (joint training, the default).
 * Every step is guarded: all stores are snapshotted first; a non-finite loss
 * or gradient restores them and stops with the step reported (nothing
 * already learned is lost). F-VI, A-VI, amortized inference on simulations
 * (qp / pq), IWAE, RWS, VAEs (joint, aggressive, MAPA's decoder-only
 * training) are this loop with another guide, objective or schedule.
 */
const FIT_OPTIONS = [
  "model", "guide", "objective", "data", "iterations", "epochs", "batchSize", "schedule", "heldOut", "lr", "modelLr",
  "lrSchedule", "optimizer", "rng", "batchRng", "counter", "callbacks", "progress", "label", "onDivergence", "convergence",
] as const;

export function fit(options: FitOptions): FitResult {
  const run = fitSteps(options);
  for (;;) {
    const next = run.next();
    if (next.done) return next.value;
  }
}

/**
 * fit, one outer step at a time: the loop of fit() as a generator that
 * yields after every step (its FitStepInfo) and returns the FitResult, so a
 * caller can hand control back to its event loop between steps (a worker
 * that must hear "pause" / "stop") and get the very numbers of fit().
 * `next("reason")` stops training before the next step (result.stoppedBy =
 * reason); `return()` abandons it (the optimizers are still disposed).
 * Options are validated at the first next().
 */
export function* fitSteps(options: FitOptions): Generator<FitStepInfo, FitResult, string | undefined> {
  if (!options || typeof options !== "object") throw new DomainError("options", "{ model, guide, objective, iterations, ... }", String(options));
  assertKnownOptions("options", options, FIT_OPTIONS);
  const { guide, objective, data, callbacks = [], onDivergence = "stop", counter = null } = options;
  const heldOut = options.heldOut ?? null;
  const schedule = options.schedule ?? joint();
  const untilConverged = options.convergence ?? (options.iterations === undefined && options.epochs === undefined ? {} : false);
  if (options.iterations !== undefined || (options.epochs === undefined && !untilConverged)) assertInteger("iterations", options.iterations as number, 1);
  if (options.epochs !== undefined) {
    assertInteger("epochs", options.epochs, 1);
    if (!data) throw new DomainError("epochs", "a data set to take epochs of (epochs need data)", "training on simulations");
  }
  if (!guide || !Array.isArray(guide.params)) throw new DomainError("guide", "a Guide (with params)", String(guide));
  if (!objective || typeof objective.loss !== "function") throw new DomainError("objective", "an Objective (elbo(), iwaeBound(), forwardKL(), ...)", String(objective));
  if (!schedule || typeof schedule.step !== "function") throw new DomainError("schedule", "a FitSchedule (joint(), aggressive(), modelOnly(), ...)", String(schedule));
  const quiet = <T>(fn: () => T): T => (counter ? counter.suspend(fn) : fn());
  const prob = options.model instanceof ProbModel ? options.model : null;
  const model: Model = quiet(() => asEngineModel(options.model));
  const lr = options.lr ?? 1e-3;
  assertPositive("lr", lr);
  const modelLr = options.modelLr ?? lr;
  assertPositive("modelLr", modelLr);
  const rng = options.rng instanceof Rng ? options.rng : new Rng(options.rng ?? 0);
  if (options.batchRng !== undefined && !(options.batchRng instanceof Rng)) throw new DomainError("batchRng", "an Rng", String(options.batchRng));
  const B = options.batchSize ?? data?.N;
  if (B === undefined) throw new DomainError("batchSize", "the rows per pass (required when training on simulations)", "undefined");
  assertInteger("batchSize", B, 1);
  if (!data && !model.sampleJoint) throw new DomainError("data", "a data set, or a model that draws from its joint (simulations)", "neither");
  if (data && "N" in guide && typeof guide.N === "number" && guide.N > 0 && guide.N !== data.N) {
    throw new DomainError("data", `the data set the guide was built on (N = ${guide.N})`, `N = ${data.N}`);
  }
  if (heldOut && heldOut.D !== model.obsDim) throw new ShapeError("heldOut", `observations of ${model.obsDim} columns`, `${heldOut.D} columns`);

  const batches = data ? new Minibatcher(data.N, B, options.batchRng ?? rng) : null;
  const fullBatch = !data || B === data.N;
  const perEpoch = data ? (fullBatch ? 1 : batches!.perEpoch) : Infinity;
  const monitor = untilConverged ? new ConvergenceMonitor(untilConverged, perEpoch) : null;
  const budget = options.iterations ?? (monitor && options.epochs === undefined ? monitor.maxIterations : Infinity);
  const total = Math.min(budget, options.epochs !== undefined ? options.epochs * perEpoch : Infinity);
  // with the convergence rule, the rate is the schedule's times the monitor's plateau factor
  const lrSchedule = monitor ? (t: number) => (options.lrSchedule ? options.lrSchedule(t) : 1) * monitor.factor : options.lrSchedule;
  const stores: ParamGroups<ParamStore[]> = { guide: [...guide.params], model: quiet(() => (prob ? prob.params() : [])) };
  const makeOpt = (s: ParamStore[], group: "guide" | "model", rate: number): Optimizer | null =>
    s.length === 0 ? null : options.optimizer ? options.optimizer(s, group) : new Adam(s, { lr: rate, schedule: lrSchedule });
  const optimizers: ParamGroups<Optimizer | null> = { guide: makeOpt(stores.guide, "guide", lr), model: makeOpt(stores.model, "model", modelLr) };
  const all = [...stores.guide, ...stores.model];
  const record: ScheduleRecord = { schedule: schedule.name, guideUpdates: 0, modelUpdates: 0, innerSteps: [], switchedOff: null, mi: [] };
  const dataSize = data ? data.N : B;
  const sampleJoint = model.sampleJoint?.bind(model);
  const simulate = (): Batch => sampleJoint!(B, rng).batch;
  let idx: Int32Array | null = null;
  const ctx: ObjectiveContext = {
    model,
    guide,
    rng,
    batchSize: B,
    dataSize,
    batch: (): Batch => (data ? (idx ? data.batch(idx) : data.full()) : simulate()),
  };
  let losses: Float64Array = new Float64Array(Math.max(1, Math.min(total, 1024)));
  let steps = 0;
  let epoch = 0;
  let updates = 0;
  let datapointGradients = 0;
  const draws = objective.drawsPerDatapoint ?? 1;

  // a random batch's rows are drawn before, and gathered inside, the gradient evaluation (whose arena they live in)
  const randomCtx = (): ObjectiveContext => {
    if (!data) return ctx;
    if (fullBatch) return { ...ctx, batch: () => data.full() };
    const rows = batches!.random();
    return { ...ctx, batch: () => data.batch(rows) };
  };
  const update = (target: UpdateTarget, batch: "step" | "random" = "step", phase: Objective = objective): number => {
    const own = target === "both" ? optimizers.guide ?? optimizers.model : optimizers[target];
    if (!own) throw new DomainError(`update("${target}")`, `a ${target} with parameters to train`, "none");
    if (batch !== "step" && batch !== "random") throw new DomainError("batch", '"step" or "random"', JSON.stringify(batch));
    const c = batch === "random" ? randomCtx() : ctx;
    const value = valueAndGrad(() => phase.loss(c));
    if (!Number.isFinite(value)) throw new TrainingDivergedError(steps + 1, `loss ${value}`);
    updates++;
    datapointGradients += B * (phase === objective ? draws : phase.drawsPerDatapoint ?? 1);
    if (target === "model") optimizers.guide?.zeroGrad();
    if (target === "guide") optimizers.model?.zeroGrad();
    if (target !== "model" && optimizers.guide) {
      optimizers.guide.step();
      record.guideUpdates++;
    }
    if (target !== "guide" && optimizers.model) {
      optimizers.model.step();
      record.modelUpdates++;
    }
    return value;
  };
  const gradient = (batch: "step" | "random" = "step", phase: Objective = objective): number => {
    const value = valueAndGrad(() => phase.loss(batch === "random" ? randomCtx() : ctx));
    optimizers.guide?.zeroGrad();
    optimizers.model?.zeroGrad();
    if (!Number.isFinite(value)) throw new TrainingDivergedError(steps + 1, `loss ${value}`);
    return value;
  };
  const state: FitState & { step: number; epoch: number } = {
    model,
    guide,
    objective,
    rng,
    record,
    heldOut,
    dataSize,
    step: 0,
    epoch: 0,
    update,
    gradient,
  };
  const info = (loss: number): FitStepInfo => ({
    step: steps,
    epoch,
    loss,
    losses: losses.subarray(0, steps),
    model,
    guide,
    record,
    stores,
    optimizers,
    counter,
    dataSize,
    heldOut,
  });
  /** Runs a hook of every callback (uncounted) with one info object; the first stop reason returned, if any. */
  const notify = (loss: number, f: (c: FitCallback, i: FitStepInfo) => string | void): string | null => {
    if (callbacks.length === 0) return null;
    const i = info(loss);
    return quiet(() => callbacks.map((c) => f(c, i)).find((s): s is string => typeof s === "string")) ?? null;
  };

  const tick = Number.isFinite(total) ? Math.max(1, Math.floor(total / 100)) : 1;
  let ticked = 0;
  let diverged: FitResult["diverged"] = null;
  let stoppedBy: string | null = null;
  let error: TrainingDivergedError | null = null;
  const t0 = performance.now();
  objective.start?.();
  try {
    schedule.start?.(state);
    notify(NaN, (c, i) => c.onStart?.(i));
    options.progress?.start(total, options.label ?? objective.name);
    for (let it = 0; it < total; it++) {
      epoch = data ? Math.floor(it / perEpoch) : 0;
      state.step = it;
      state.epoch = epoch;
      idx = fullBatch ? null : batches!.next();
      all.forEach((s) => s.snapshot());
      let loss: number;
      try {
        loss = schedule.step(state);
        if (!Number.isFinite(loss)) throw new TrainingDivergedError(it + 1, `loss ${loss}`);
      } catch (err) {
        if (!(err instanceof TrainingDivergedError)) throw err;
        all.forEach((s) => {
          s.restore();
          s.zeroGrad();
        });
        diverged = { step: it + 1, message: err.message };
        error = err;
        notify(NaN, (c, i) => c.onDiverged?.(diverged!, i));
        break;
      }
      if (steps === losses.length) losses = grow(losses, total);
      losses[it] = loss;
      steps = it + 1;
      if (options.progress && (steps % tick === 0 || steps === total)) {
        options.progress.tick(steps - ticked, { loss });
        ticked = steps;
      }
      stoppedBy = notify(loss, (c, i) => c.onStep?.(i));
      if (stoppedBy) break;
      if (monitor && monitor.push(loss) === "stop") {
        stoppedBy = `converged at step ${steps} (loss plateaued ${monitor.halvings + 1} times; learning rate x ${monitor.factor})`;
        break;
      }
      if (data && steps % perEpoch === 0) {
        state.step = steps;
        schedule.endEpoch?.(state);
        stoppedBy = notify(loss, (c, i) => c.onEpoch?.(i));
        if (stoppedBy) break;
      }
      const request = yield info(loss);
      if (typeof request === "string") {
        stoppedBy = request;
        break;
      }
    }
  } finally {
    options.progress?.stop();
    optimizers.guide?.dispose();
    optimizers.model?.dispose();
  }
  const result: FitResult = {
    objective: objective.name,
    schedule: record,
    steps,
    epochs: data ? Math.floor(steps / perEpoch) : 0,
    losses: losses.slice(0, steps),
    gradientEvaluations: updates,
    datapointGradients,
    passes: counter ? counter.get() : null,
    passesPerDatapoint: counter ? counter.perDatapoint(dataSize) : null,
    wallMs: performance.now() - t0,
    diverged,
    stoppedBy,
    converged: monitor ? monitor.converged : null,
  };
  quiet(() => callbacks.forEach((c) => c.onEnd?.(result)));
  if (error && onDivergence === "throw") throw error;
  return result;
}

/** The losses buffer doubled (at most `total` long). */
function grow(losses: Float64Array, total: number): Float64Array {
  const next = new Float64Array(Math.min(total, losses.length * 2));
  next.set(losses);
  return next;
}
