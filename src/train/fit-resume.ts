// A running fit as a checkpoint, and back: capture takes everything a step
// depends on (parameters, optimizer state, generators, minibatch position,
// schedule / objective / callback state, the loss history and counters);
// resume checks all of it against the fit it is loaded into before writing
// anything, so a mismatched checkpoint leaves the fit untouched.
import { CheckpointError } from "../core/errors.js";
import { Rng } from "../core/rng.js";
import { Minibatcher } from "../infer/families/dataset.js";
import type { Objective } from "../infer/objectives/objective.js";
import type { ParamStore } from "../nn/param-store.js";
import type { Optimizer } from "../optim/optimizer.js";
import { asCheckpointError, checkStructure, layoutsOf, writeParams, type Checkpoint, type ParamGroups } from "./checkpoint-state.js";
import type { PassCounter } from "./counting.js";
import type { DivergenceEvent } from "./divergence.js";
import type { FitSchedule, ScheduleRecord } from "./schedules/types.js";

/** Anything with state a checkpoint carries (schedules, objectives, callbacks). */
export interface Stateful {
  getState?(): unknown;
  setState?(state: unknown): void;
}

/** The parts of a fit a checkpoint reads and writes. */
export interface FitParts {
  stores: ParamGroups<ParamStore[]>;
  optimizers: ParamGroups<Optimizer | null>;
  rng: Rng;
  /** The minibatch generator when it is not `rng`. */
  batchRng: Rng | null;
  batches: Minibatcher | null;
  schedule: FitSchedule;
  objective: Objective;
  callbacks: readonly Stateful[];
  counter: PassCounter | null;
  dataSize: number;
  batchSize: number;
  totalSteps: number;
}

/** The loop's own counters (fit mutates them step by step). */
export interface FitRunState {
  steps: number;
  epoch: number;
  losses: Float64Array;
  record: ScheduleRecord;
  gradientEvaluations: number;
  datapointGradients: number;
  divergences: DivergenceEvent[];
  stoppedBy: string | null;
}

const GROUPS = ["guide", "model"] as const;

const copyRecord = (r: ScheduleRecord): ScheduleRecord => ({ ...r, innerSteps: r.innerSteps.slice(), mi: r.mi.slice(), switchedOff: r.switchedOff ? { ...r.switchedOff } : null });

/** The whole state of a fit between two steps (copies). */
export function captureFit(parts: FitParts, run: FitRunState, wallMs: number): Checkpoint {
  const { stores, optimizers } = parts;
  return {
    structure: layoutsOf(stores),
    params: { guide: stores.guide.map((s) => s.readValues()), model: stores.model.map((s) => s.readValues()) },
    fit: {
      step: run.steps,
      epoch: run.epoch,
      totalSteps: parts.totalSteps,
      schedule: parts.schedule.name,
      objective: parts.objective.name,
      dataSize: parts.dataSize,
      batchSize: parts.batchSize,
      optimizers: { guide: optimizers.guide?.getState() ?? null, model: optimizers.model?.getState() ?? null },
      rng: parts.rng.getState(),
      batchRng: parts.batchRng?.getState() ?? null,
      minibatcher: parts.batches?.getState() ?? null,
      record: copyRecord(run.record),
      losses: run.losses.slice(0, run.steps),
      gradientEvaluations: run.gradientEvaluations,
      datapointGradients: run.datapointGradients,
      passes: parts.counter?.getState() ?? null,
      wallMs,
      divergences: run.divergences.map((d) => ({ ...d })),
      stoppedBy: run.stoppedBy,
      scheduleState: parts.schedule.getState?.() ?? null,
      objectiveState: parts.objective.getState?.() ?? null,
      callbacks: parts.callbacks.filter((c) => c.getState).map((c) => c.getState!() ?? null),
    },
  };
}

/**
 * Checks that `cp` is a fit checkpoint of this fit (same stores, optimizer
 * kinds and sizes, schedule, objective, data and batch sizes, callbacks,
 * at most totalSteps in) with valid generator and minibatch positions.
 * Throws CheckpointError; changes nothing.
 */
export function checkResume(cp: Checkpoint, parts: FitParts): void {
  const f = cp.fit;
  if (!f) throw new CheckpointError("resume", "a fit checkpoint (makeCheckpoint, checkpointCallback)", "saved parameters without a fit's state (save())");
  checkStructure(cp, parts.stores, "resume");
  const same = (what: string, want: unknown, got: unknown) => {
    if (want !== got) throw new CheckpointError(`resume.${what}`, `${JSON.stringify(want)} (this fit's)`, JSON.stringify(got));
  };
  same("schedule", parts.schedule.name, f.schedule);
  same("objective", parts.objective.name, f.objective);
  same("dataSize", parts.dataSize, f.dataSize);
  same("batchSize", parts.batchSize, f.batchSize);
  const stateful = parts.callbacks.filter((c) => c.setState);
  same("callbacks", `${stateful.length} callback(s) with state`, `${Array.isArray(f.callbacks) ? f.callbacks.length : f.callbacks} callback(s) with state`);
  if (f.step > parts.totalSteps) throw new CheckpointError("resume.step", `at most this fit's ${parts.totalSteps} steps`, String(f.step));
  for (const g of GROUPS) {
    const opt = parts.optimizers[g];
    const state = f.optimizers[g];
    if (!opt !== !state) throw new CheckpointError(`resume.optimizers.${g}`, opt ? `the state of a ${opt.kind} optimizer` : "none (this fit has no such group)", state ? `a ${state.kind} state` : "none");
    if (opt && state) asCheckpointError(`resume.optimizers.${g}`, () => opt.checkState(state));
  }
  asCheckpointError("resume", () => Rng.assertState("rng", f.rng));
  if (parts.batchRng) asCheckpointError("resume", () => Rng.assertState("batchRng", f.batchRng));
  if (!parts.batches !== !f.minibatcher) throw new CheckpointError("resume.minibatcher", parts.batches ? "a minibatch position (this fit has data)" : "none (this fit trains on simulations)", f.minibatcher ? "a position" : "none");
  if (parts.batches && f.minibatcher) asCheckpointError("resume", () => Minibatcher.checkState(f.minibatcher!, parts.dataSize, "minibatcher"));
  if (parts.counter && !f.passes) throw new CheckpointError("resume.passes", "pass counts (this fit has a counter)", "none");
  const r = f.record;
  if (!r || !Number.isSafeInteger(r.guideUpdates) || !Number.isSafeInteger(r.modelUpdates) || !Array.isArray(r.innerSteps) || !Array.isArray(r.mi)) {
    throw new CheckpointError("resume.record", "a schedule record", JSON.stringify(r)?.slice(0, 80) ?? "none");
  }
}

/**
 * Puts the fit where `cp` was (after checkResume). The JSON states of the
 * objective, schedule and callbacks go first: if one of them refuses its
 * state, those already set are put back and nothing else has changed.
 */
export function applyResume(cp: Checkpoint, parts: FitParts, run: FitRunState): number {
  const f = cp.fit!;
  const owners: { who: Stateful; state: unknown; label: string }[] = [
    { who: parts.objective, state: f.objectiveState, label: "objective" },
    { who: parts.schedule, state: f.scheduleState, label: "schedule" },
    ...parts.callbacks.filter((c) => c.setState).map((c, i) => ({ who: c, state: f.callbacks[i], label: `callbacks[${i}]` })),
  ].filter((o) => o.who.setState && o.state !== null);
  const before = owners.map((o) => o.who.getState?.());
  let done = 0;
  try {
    for (; done < owners.length; done++) asCheckpointError(`resume.${owners[done].label}`, () => owners[done].who.setState!(owners[done].state));
  } catch (err) {
    for (let i = 0; i < done; i++) owners[i].who.setState!(before[i]);
    throw err;
  }
  writeParams(cp, parts.stores);
  for (const g of GROUPS) if (f.optimizers[g]) parts.optimizers[g]!.setState(f.optimizers[g]!);
  parts.rng.setState(f.rng);
  if (parts.batchRng) parts.batchRng.setState(f.batchRng!);
  if (parts.batches) parts.batches.setState(f.minibatcher!);
  if (parts.counter) parts.counter.setState(f.passes!);
  Object.assign(run.record, copyRecord(f.record));
  run.steps = f.step;
  run.epoch = f.epoch;
  if (run.losses.length < f.step) run.losses = new Float64Array(Math.max(f.step, run.losses.length));
  run.losses.set(f.losses);
  run.gradientEvaluations = f.gradientEvaluations;
  run.datapointGradients = f.datapointGradients;
  run.divergences = f.divergences.map((d) => ({ ...d }));
  run.stoppedBy = f.stoppedBy;
  return f.wallMs;
}
