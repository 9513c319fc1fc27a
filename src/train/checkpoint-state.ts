// What a checkpoint holds (parameters, and for a fit everything needed to
// resume it bit for bit) and its translation to and from the bytes of
// checkpoint-format.ts. Every check that can fail runs before anything is
// written into a store.
import { AmortviError, CheckpointError, describeShape } from "../core/errors.js";
import type { RngState } from "../core/rng.js";
import type { MinibatcherState } from "../infer/families/dataset.js";
import type { ParamStore } from "../nn/param-store.js";
import type { OptimizerState } from "../optim/optimizer.js";
import { decodeContainer, encodeContainer, type StoredTensor } from "./checkpoint-format.js";
import type { PassCounts } from "./counting.js";
import type { DivergenceEvent } from "./divergence.js";
import type { ScheduleRecord } from "./schedules/types.js";

/** The two parameter groups of a fit: the guide's stores (phi) and the model's (theta). */
export interface ParamGroups<T> {
  readonly guide: T;
  readonly model: T;
}

/** One store's structure: its parameters' names and shapes, in buffer order. */
export type StoreLayout = { name: string; shape: number[] }[];

/** Where a fit was: everything besides the parameters that a resumed fit needs to continue bit for bit. */
export interface FitCheckpointState {
  /** Outer steps done, the epoch of the next one and the run's total steps. */
  step: number;
  epoch: number;
  totalSteps: number;
  /** Names of the schedule and objective, and the data and batch sizes (checked on resume). */
  schedule: string;
  objective: string;
  dataSize: number;
  batchSize: number;
  optimizers: ParamGroups<OptimizerState | null>;
  /** The Monte Carlo generator and, when fit({ batchRng }) is another one, the minibatch generator. */
  rng: RngState;
  batchRng: RngState | null;
  /** The minibatcher's epoch order and position (null on simulations). */
  minibatcher: MinibatcherState | null;
  record: ScheduleRecord;
  /** The loss of every step taken (NaN for a skipped step). */
  losses: Float64Array;
  gradientEvaluations: number;
  datapointGradients: number;
  /** The pass counter's counts (fit({ counter })), or null. */
  passes: Omit<PassCounts, "total"> | null;
  wallMs: number;
  divergences: DivergenceEvent[];
  /** Set when a callback stopped the run (a resumed fit then ends at once). */
  stoppedBy: string | null;
  /** getState() of the schedule and the objective (null where there is none) and of each callback that has state, in order. */
  scheduleState: unknown;
  objectiveState: unknown;
  callbacks: unknown[];
}

/**
 * A checkpoint: the structure (parameter names and shapes of every store of
 * both groups), the parameter values, and, for a fit checkpoint, the fit's
 * state (null for saved parameters, see save()).
 */
export interface Checkpoint {
  structure: ParamGroups<StoreLayout[]>;
  params: ParamGroups<Float64Array[]>;
  fit: FitCheckpointState | null;
}

const GROUPS = ["guide", "model"] as const;

/** The structure of the stores of both groups. */
export function layoutsOf(stores: ParamGroups<readonly ParamStore[]>): ParamGroups<StoreLayout[]> {
  return { guide: stores.guide.map((s) => s.layout()), model: stores.model.map((s) => s.layout()) };
}

/** The checkpoint of the parameters only (what save() writes). */
export function paramsCheckpoint(stores: ParamGroups<readonly ParamStore[]>): Checkpoint {
  return { structure: layoutsOf(stores), params: { guide: stores.guide.map((s) => s.readValues()), model: stores.model.map((s) => s.readValues()) }, fit: null };
}

const describeLayout = (l: StoreLayout) => l.map((p) => `${p.name}${describeShape(p.shape)}`).join(", ") || "(empty)";

/** Throws CheckpointError unless the checkpoint's structure is the stores' (same stores per group, names and shapes). */
export function checkStructure(cp: Checkpoint, stores: ParamGroups<readonly ParamStore[]>, argument: string, groups: readonly ("guide" | "model")[] = GROUPS): void {
  for (const g of groups) {
    const want = stores[g].map((s) => s.layout());
    const got = cp.structure[g];
    if (got.length !== want.length) throw new CheckpointError(`${argument}.${g}`, `${want.length} parameter store(s)`, `${got.length}`);
    want.forEach((w, i) => {
      if (describeLayout(w) !== describeLayout(got[i])) throw new CheckpointError(`${argument}.${g}[${i}]`, `a store with parameters ${describeLayout(w)}`, describeLayout(got[i]));
    });
  }
}

/** Writes the checkpoint's parameters into the stores (structure already checked; values are finite by decoding or checked here). */
export function writeParams(cp: Checkpoint, stores: ParamGroups<readonly ParamStore[]>, groups: readonly ("guide" | "model")[] = GROUPS): void {
  for (const g of groups) stores[g].forEach((s, i) => s.writeValues(cp.params[g][i], `checkpoint.${g}[${i}]`));
}

/** Runs `check`, turning any AmortviError it throws into a CheckpointError under `prefix`. */
export function asCheckpointError(prefix: string, check: () => void): void {
  try {
    check();
  } catch (err) {
    if (err instanceof CheckpointError || !(err instanceof AmortviError)) throw err;
    throw new CheckpointError(`${prefix}.${err.argument}`, err.expected, err.received);
  }
}

/** The bytes of a checkpoint (format: docs/checkpoint-format.md). */
export function encodeCheckpoint(cp: Checkpoint): Uint8Array {
  const tensors: StoredTensor[] = [];
  for (const g of GROUPS) cp.params[g].forEach((data, i) => tensors.push({ name: `${g}/${i}`, data }));
  let meta: Record<string, unknown> = { structure: cp.structure };
  const fit = cp.fit;
  if (fit) {
    const optimizers: Record<string, unknown> = {};
    for (const g of GROUPS) {
      const o = fit.optimizers[g];
      optimizers[g] = o ? { kind: o.kind, stepCount: o.stepCount, lrScale: o.lrScale, buffers: o.buffers.map((b) => b.length) } : null;
      o?.buffers.forEach((bufs, i) => bufs.forEach((data, j) => tensors.push({ name: `optimizer/${g}/${i}/${j}`, data })));
    }
    tensors.push({ name: "losses", data: fit.losses, nonFinite: true });
    if (fit.minibatcher) tensors.push({ name: "minibatcher/order", data: fit.minibatcher.order });
    const { losses: _l, minibatcher, optimizers: _o, ...rest } = fit;
    meta = { ...meta, fit: { ...rest, optimizers, minibatcher: minibatcher ? { pos: minibatcher.pos } : null } };
  }
  return encodeContainer(fit ? "fit" : "params", meta, tensors);
}

/**
 * A checkpoint from its bytes, the file checked whole (decodeContainer:
 * version, checksums, truncation, finiteness) and every tensor the header
 * promises present with its declared size. Throws CheckpointError.
 */
export function decodeCheckpoint(bytes: Uint8Array | string, argument = "checkpoint"): Checkpoint {
  const { kind, meta, tensors } = decodeContainer(bytes, argument);
  const m = meta as { structure?: ParamGroups<StoreLayout[]>; fit?: Record<string, unknown> } | null;
  const fail = (what: string, got: string): never => {
    throw new CheckpointError(argument, what, got);
  };
  if (kind !== "fit" && kind !== "params") fail('a checkpoint of kind "fit" or "params"', JSON.stringify(kind));
  const structure = m?.structure;
  const isLayout = (l: unknown): l is StoreLayout =>
    Array.isArray(l) && l.every((p) => p && typeof p.name === "string" && Array.isArray(p.shape) && p.shape.every((d: unknown) => Number.isInteger(d) && (d as number) >= 1));
  if (!structure || !GROUPS.every((g) => Array.isArray(structure[g]) && structure[g].every(isLayout))) fail("a structure { guide, model } of store layouts", JSON.stringify(structure)?.slice(0, 80) ?? "none");
  const f64 = (name: string, length?: number): Float64Array => {
    const t = tensors.get(name);
    if (!(t instanceof Float64Array)) return fail(`an f64 tensor named ${name}`, t ? "an i32 tensor" : "none");
    if (length !== undefined && t.length !== length) fail(`tensor ${name} of ${length} values`, `${t.length} values`);
    return t;
  };
  const size = (l: StoreLayout) => l.reduce((s, p) => s + p.shape.reduce((a, b) => a * b, 1), 0);
  const params = { guide: structure!.guide.map((l, i) => f64(`guide/${i}`, size(l))), model: structure!.model.map((l, i) => f64(`model/${i}`, size(l))) };
  if (kind === "params") return { structure: structure!, params, fit: null };
  const fit = m!.fit as Record<string, unknown> & { optimizers?: Record<string, { kind: string; stepCount: number; lrScale: number; buffers: number[] } | null>; minibatcher?: { pos: number } | null };
  if (!fit || typeof fit !== "object" || !fit.optimizers) return fail("the state of a fit", "none");
  const optimizers: Record<string, OptimizerState | null> = {};
  for (const g of GROUPS) {
    const o = fit.optimizers[g];
    if (!o) {
      optimizers[g] = null;
      continue;
    }
    if (!Array.isArray(o.buffers) || o.buffers.length !== structure![g].length) fail(`optimizer state for the ${structure![g].length} ${g} store(s)`, JSON.stringify(o.buffers));
    optimizers[g] = { kind: o.kind, stepCount: o.stepCount, lrScale: o.lrScale, buffers: o.buffers.map((n, i) => Array.from({ length: n }, (_, j) => f64(`optimizer/${g}/${i}/${j}`, size(structure![g][i])))) };
  }
  let minibatcher: MinibatcherState | null = null;
  if (fit.minibatcher) {
    const order = tensors.get("minibatcher/order");
    if (!(order instanceof Int32Array)) fail("an i32 tensor named minibatcher/order", "none");
    minibatcher = { order: order as Int32Array, pos: fit.minibatcher.pos };
  }
  const state = { ...fit, optimizers, minibatcher, losses: f64("losses") } as unknown as FitCheckpointState;
  if (!Number.isSafeInteger(state.step) || state.step < 0 || state.losses.length !== state.step) fail("a step count matching the loss history", `step ${state.step}, ${state.losses.length} losses`);
  return { structure: structure!, params: params as ParamGroups<Float64Array[]>, fit: state };
}
