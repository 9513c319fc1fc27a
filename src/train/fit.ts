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
import { decodeCheckpoint, type Checkpoint, type ParamGroups } from "./checkpoint-state.js";
import type { PassCounter, PassCounts } from "./counting.js";
import { checkGradients, checkParameters, decide, resolveDivergence, type DivergenceEvent, type DivergenceOptions, type DivergencePolicy } from "./divergence.js";
import { applyResume, captureFit, checkResume, type FitParts, type FitRunState } from "./fit-resume.js";
import { joint } from "./schedules/joint.js";
import { ConvergenceMonitor, type ConvergenceOptions } from "./convergence.js";
import type { FitSchedule, FitState, ScheduleRecord, UpdateTarget } from "./schedules/types.js";

export type { ParamGroups } from "./checkpoint-state.js";

/** What a fit callback sees (after each step, at epoch ends, at the start with step 0 and loss NaN). */
export interface FitStepInfo {
  /** Outer steps done so far (1-based index of the step just taken). */
  readonly step: number;
  /** The epoch of the step (0-based; 0 on simulations). */
  readonly epoch: number;
  readonly loss: number;
  readonly losses: Float64Array;
  /** The steps this fit runs to (iterations / epochs), counted from 0 also when resumed. */
  readonly totalSteps: number;
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
  /**
   * The fit's whole state now, as a Checkpoint (fit({ resume }) continues
   * from it bit for bit). Valid in onStart, afterStep, onDiverged and onEnd,
   * where the step is complete; onStep / onEpoch run before later callbacks
   * and the epoch's end have seen the step, so it throws there.
   */
  checkpoint(): Checkpoint;
}

/**
 * Hooks into fit. onStep / onEpoch may return a string to stop (the reason,
 * in result.stoppedBy). afterStep runs once every onStep (and, at an epoch
 * end, the schedule's endEpoch and every onEpoch) has seen the step: the
 * place for checkpoints. A callback with state (a metrics history, an early
 * stopping counter) exposes it as JSON through getState / setState, so a
 * checkpoint carries it; on resume, setState replaces onStart. Network
 * passes made inside callbacks are not counted.
 */
export interface FitCallback {
  onStart?(info: FitStepInfo): void;
  onStep?(info: FitStepInfo): string | void;
  onEpoch?(info: FitStepInfo): string | void;
  afterStep?(info: FitStepInfo): void;
  onDiverged?(diverged: DivergenceEvent, info: FitStepInfo): void;
  onEnd?(result: FitResult, info: FitStepInfo): void;
  getState?(): unknown;
  setState?(state: unknown): void;
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
  /**
   * What a divergence (a non-finite loss or gradient, or a parameter beyond
   * the sanity bound after an update) does once the step is undone: "throw"
   * (default) TrainingDivergedError, "stop", "skip" the batch, "retry" with
   * smaller learning rates; or { policy, retries, lrFactor, maxSkips, then,
   * parameterBound } (train/divergence.ts).
   */
  onDivergence?: DivergencePolicy | DivergenceOptions;
  /**
   * A checkpoint of this same fit (makeCheckpoint / checkpointCallback, or
   * its bytes): the fit continues from it exactly as the run it was taken
   * from would have (same options required; checked whole before anything
   * is restored, CheckpointError otherwise).
   */
  resume?: Checkpoint | Uint8Array;
  /**
   * Train until converged (ConvergenceMonitor: the learning rate halves at
   * each plateau of the windowed loss, training stops after `patience`
   * halvings). On by default when neither `iterations` nor `epochs` is given;
   * false turns it off. It runs as the last callback (its state is in checkpoints).
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
  /** The loss of every outer step taken (NaN for a step skipped on divergence), from step 1 also when resumed. */
  losses: Float64Array;
  /** Gradient evaluations (one per update; undone updates of diverged steps included). */
  gradientEvaluations: number;
  /** Per-datapoint gradient evaluations: updates x B x draws per datapoint. */
  datapointGradients: number;
  /** Network passes counted (fit({ counter })), total and per training datapoint; null without a counter. */
  passes: PassCounts | null;
  passesPerDatapoint: PassCounts | null;
  /** Wall time of the training (of every session when resumed). */
  wallMs: number;
  /** The step this run was resumed from (0 for a fresh run). */
  resumedFrom: number;
  /** Set when training ended on a divergence ("stop", or "skip" / "retry" used up with then: "stop"). */
  diverged: DivergenceEvent | null;
  /** Every divergence met, with what was done (retried, skipped, stopped, thrown). */
  divergences: DivergenceEvent[];
  /** The learning-rate multiplier at the end (below 1 after retries). */
  lrScale: number;
  /** Set when a callback or the convergence rule stopped training. */
  stoppedBy: string | null;
  /** With the convergence rule: whether it stopped training (true) or the budget ran out first (false); null without it. */
  converged: boolean | null;
}

const FIT_OPTIONS = [
  "model", "guide", "objective", "data", "iterations", "epochs", "batchSize", "schedule", "heldOut", "lr", "modelLr",
  "lrSchedule", "optimizer", "rng", "batchRng", "counter", "callbacks", "progress", "label", "onDivergence", "resume",
  "convergence",
] as const;

/**
 * The training loop, once: each outer step draws a batch (the epoch's next
 * minibatch of the data, or fresh simulations from the model's joint) and
 * lets the schedule take its updates: an update evaluates the objective's
 * loss and its gradient (valueAndGrad) and steps the optimizer of the
 * guide's parameters, the model's, or both (joint training, the default).
 * Every step is guarded: parameters, optimizer state, the objective's state
 * and the record are snapshotted first; a non-finite loss or gradient, or a
 * parameter beyond the sanity bound after an update, undoes the step and
 * applies the divergence policy (nothing already learned is lost). F-VI,
 * A-VI, amortized inference on simulations (qp / pq), IWAE, RWS, VAEs
 * (joint, aggressive, MAPA's decoder-only training) are this loop with
 * another guide, objective or schedule. With `resume`, it continues a
 * checkpointed run bit for bit.
 */
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
  const { guide, objective, data, counter = null } = options;
  const policy = resolveDivergence(options.onDivergence);
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
  const resume = options.resume === undefined ? null : options.resume instanceof Uint8Array ? decodeCheckpoint(options.resume, "resume") : options.resume;
  if (resume !== null && (typeof resume !== "object" || !resume.structure)) throw new DomainError("resume", "a Checkpoint or its bytes", String(resume));
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
  // the convergence rule is the last callback: it sees each step's loss after the user's, and its state travels in checkpoints
  const callbacks: readonly FitCallback[] = [...(options.callbacks ?? []), ...(monitor ? [monitor.callback()] : [])];
  const budget = options.iterations ?? (monitor && options.epochs === undefined ? monitor.maxIterations : Infinity);
  const total = Math.min(budget, options.epochs !== undefined ? options.epochs * perEpoch : Infinity);
  // with the convergence rule, the rate is the schedule's times the monitor's plateau factor
  const lrSchedule = monitor ? (t: number) => (options.lrSchedule ? options.lrSchedule(t) : 1) * monitor.factor : options.lrSchedule;
  const stores: ParamGroups<ParamStore[]> = { guide: [...guide.params], model: quiet(() => (prob ? prob.params() : [])) };
  const makeOpt = (s: ParamStore[], group: "guide" | "model", rate: number): Optimizer | null =>
    s.length === 0 ? null : options.optimizer ? options.optimizer(s, group) : new Adam(s, { lr: rate, schedule: lrSchedule });
  const optimizers: ParamGroups<Optimizer | null> = { guide: makeOpt(stores.guide, "guide", lr), model: makeOpt(stores.model, "model", modelLr) };
  const groupOptimizers = [optimizers.guide, optimizers.model].filter((o): o is Optimizer => o !== null);
  const all = [...stores.guide, ...stores.model];
  const record: ScheduleRecord = { schedule: schedule.name, guideUpdates: 0, modelUpdates: 0, innerSteps: [], switchedOff: null, mi: [] };
  const dataSize = data ? data.N : B;
  const run: FitRunState = {
    steps: 0, epoch: 0, losses: new Float64Array(Math.max(1, Math.min(total, 1024))), record,
    gradientEvaluations: 0, datapointGradients: 0, divergences: [], stoppedBy: null,
  };
  const parts: FitParts = {
    stores, optimizers, rng, batchRng: options.batchRng && options.batchRng !== rng ? options.batchRng : null, batches, schedule, objective,
    callbacks, counter, dataSize, batchSize: B, totalSteps: total,
  };
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
  const draws = objective.drawsPerDatapoint ?? 1;

  // a random batch's rows are drawn before, and gathered inside, the gradient evaluation (whose arena they live in)
  const randomCtx = (): ObjectiveContext => {
    if (!data) return ctx;
    if (fullBatch) return { ...ctx, batch: () => data.full() };
    const rows = batches!.random();
    return { ...ctx, batch: () => data.batch(rows) };
  };
  let stepUpdates = 0;
  const update = (target: UpdateTarget, batch: "step" | "random" = "step", phase: Objective = objective): number => {
    const own = target === "both" ? optimizers.guide ?? optimizers.model : optimizers[target];
    if (!own) throw new DomainError(`update("${target}")`, `a ${target} with parameters to train`, "none");
    if (batch !== "step" && batch !== "random") throw new DomainError("batch", '"step" or "random"', JSON.stringify(batch));
    const c = batch === "random" ? randomCtx() : ctx;
    const at = ++stepUpdates;
    const value = valueAndGrad(() => phase.loss(c));
    run.gradientEvaluations++;
    if (!Number.isFinite(value)) throw new TrainingDivergedError(run.steps + 1, String(value), { kind: "loss", value, update: at });
    run.datapointGradients += B * (phase === objective ? draws : phase.drawsPerDatapoint ?? 1);
    const groups = (["guide", "model"] as const).filter((g) => optimizers[g] && (target === "both" || target === g));
    for (const g of groups) checkGradients(stores[g], g, run.steps + 1, at);
    if (target === "model") optimizers.guide?.zeroGrad();
    if (target === "guide") optimizers.model?.zeroGrad();
    for (const g of groups) {
      optimizers[g]!.step();
      if (g === "guide") record.guideUpdates++;
      else record.modelUpdates++;
      checkParameters(stores[g], g, policy.parameterBound, run.steps + 1, at);
    }
    return value;
  };
  const gradient = (batch: "step" | "random" = "step", phase: Objective = objective): number => {
    const value = valueAndGrad(() => phase.loss(batch === "random" ? randomCtx() : ctx));
    optimizers.guide?.zeroGrad();
    optimizers.model?.zeroGrad();
    if (!Number.isFinite(value)) throw new TrainingDivergedError(run.steps + 1, String(value), { kind: "loss", value, update: stepUpdates });
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
  const t0 = performance.now();
  let wallBefore = 0;
  /** Where callbacks are: a checkpoint is complete everywhere but inside onStep / onEpoch. */
  let midStep = false;
  const info = (loss: number): FitStepInfo => ({
    step: run.steps,
    epoch: run.epoch,
    loss,
    losses: run.losses.subarray(0, run.steps),
    totalSteps: total,
    model,
    guide,
    record,
    stores,
    optimizers,
    counter,
    dataSize,
    heldOut,
    checkpoint: () => {
      if (midStep) throw new DomainError("checkpoint()", "a call from onStart, afterStep, onDiverged or onEnd (where the step is complete)", "a call from onStep / onEpoch");
      return captureFit(parts, run, wallBefore + performance.now() - t0);
    },
  });
  /** Runs a hook of every callback (uncounted) with one info object; the first stop reason returned, if any. */
  const notify = (loss: number, f: (c: FitCallback, i: FitStepInfo) => string | void): string | null => {
    if (callbacks.length === 0) return null;
    const i = info(loss);
    return quiet(() => callbacks.map((c) => f(c, i)).find((s): s is string => typeof s === "string")) ?? null;
  };

  // the snapshot of a step, and its undoing
  const objectiveState = () => objective.getState?.();
  let objectiveBefore: unknown = undefined;
  let recordBefore = { guideUpdates: 0, modelUpdates: 0, inner: 0, mi: 0 };
  const snapshot = () => {
    all.forEach((s) => s.snapshot());
    groupOptimizers.forEach((o) => o.snapshot());
    objectiveBefore = objectiveState();
    recordBefore = { guideUpdates: record.guideUpdates, modelUpdates: record.modelUpdates, inner: record.innerSteps.length, mi: record.mi.length };
  };
  const undo = () => {
    all.forEach((s) => {
      s.restore();
      s.zeroGrad();
    });
    groupOptimizers.forEach((o) => o.restore());
    if (objectiveBefore !== undefined) objective.setState?.(objectiveBefore);
    record.guideUpdates = recordBefore.guideUpdates;
    record.modelUpdates = recordBefore.modelUpdates;
    record.innerSteps.length = recordBefore.inner;
    record.mi.length = recordBefore.mi;
  };

  const tick = Number.isFinite(total) ? Math.max(1, Math.floor(total / 100)) : 1;
  let ticked = 0;
  let diverged: DivergenceEvent | null = null;
  let error: TrainingDivergedError | null = null;
  let result: FitResult;
  objective.start?.();
  try {
    schedule.start?.(state);
    if (resume) {
      checkResume(resume, parts);
      wallBefore = applyResume(resume, parts, run);
    } else {
      notify(NaN, (c, i) => c.onStart?.(i));
    }
    options.progress?.start(total, options.label ?? objective.name);
    if (run.steps > 0 && options.progress) options.progress.tick((ticked = run.steps), {});
    for (let it = run.steps; it < total && !run.stoppedBy; it++) {
      run.epoch = data ? Math.floor(it / perEpoch) : 0;
      state.step = it;
      state.epoch = run.epoch;
      idx = fullBatch ? null : batches!.next();
      snapshot();
      let loss = NaN;
      let skipped = false;
      for (let attempt = 1; ; attempt++) {
        stepUpdates = 0;
        try {
          loss = schedule.step(state);
          if (!Number.isFinite(loss)) throw new TrainingDivergedError(it + 1, String(loss), { kind: "loss", value: loss });
          break;
        } catch (err) {
          if (!(err instanceof TrainingDivergedError)) throw err;
          undo();
          const action = decide(policy, attempt, run.divergences.filter((d) => d.action === "skipped").length);
          const event: DivergenceEvent = { step: it + 1, attempt, message: err.message, source: err.source, action };
          run.divergences.push(event);
          notify(NaN, (c, i) => c.onDiverged?.(event, i));
          if (action === "retried") {
            groupOptimizers.forEach((o) => (o.lrScale *= policy.lrFactor));
            continue;
          }
          if (action === "skipped") {
            skipped = true;
            break;
          }
          diverged = event;
          if (action === "thrown") error = err;
          break;
        }
      }
      if (diverged) break;
      if (run.steps === run.losses.length) run.losses = grow(run.losses, total);
      run.losses[it] = skipped ? NaN : loss;
      run.steps = it + 1;
      if (options.progress && (run.steps % tick === 0 || run.steps === total)) {
        options.progress.tick(run.steps - ticked, skipped ? {} : { loss });
        ticked = run.steps;
      }
      midStep = true;
      if (!skipped) run.stoppedBy = notify(loss, (c, i) => c.onStep?.(i));
      if (!run.stoppedBy && data && run.steps % perEpoch === 0) {
        state.step = run.steps;
        schedule.endEpoch?.(state);
        run.stoppedBy = notify(loss, (c, i) => c.onEpoch?.(i));
      }
      midStep = false;
      if (!run.stoppedBy) notify(loss, (c, i) => c.afterStep?.(i));
      if (!run.stoppedBy) {
        // fitSteps: hand control to the caller; a string sent back stops training before the next step
        const request = yield info(loss);
        if (typeof request === "string") run.stoppedBy = request;
      }
    }
    midStep = false;
    result = {
      objective: objective.name,
      schedule: record,
      steps: run.steps,
      epochs: data ? Math.floor(run.steps / perEpoch) : 0,
      losses: run.losses.slice(0, run.steps),
      gradientEvaluations: run.gradientEvaluations,
      datapointGradients: run.datapointGradients,
      passes: counter ? counter.get() : null,
      passesPerDatapoint: counter ? counter.perDatapoint(dataSize) : null,
      wallMs: wallBefore + performance.now() - t0,
      resumedFrom: resume?.fit?.step ?? 0,
      diverged,
      divergences: run.divergences,
      lrScale: groupOptimizers[0]?.lrScale ?? 1,
      stoppedBy: run.stoppedBy,
      converged: monitor ? monitor.converged : null,
    };
    const end = info(run.steps > 0 ? run.losses[run.steps - 1] : NaN);
    quiet(() => callbacks.forEach((c) => c.onEnd?.(result, end)));
  } finally {
    options.progress?.stop();
    optimizers.guide?.dispose();
    optimizers.model?.dispose();
  }
  if (error) throw error;
  return result;
}

/** The losses buffer doubled (at most `total` long). */
function grow(losses: Float64Array, total: number): Float64Array {
  const next = new Float64Array(Math.min(total, losses.length * 2));
  next.set(losses);
  return next;
}
