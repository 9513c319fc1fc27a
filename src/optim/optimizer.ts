import { DomainError, NonFiniteError, ShapeError, TrainingDivergedError, assertPositive } from "../core/errors.js";
import type { Module } from "../nn/module.js";
import { ParamStore } from "../nn/param-store.js";
import { constantLr, type Schedule } from "./schedule.js";

/** What an optimizer trains: stores, modules (their stores), or a list of them. */
export type Trainable = ParamStore | Module | readonly (ParamStore | Module)[];

export interface OptimizerOptions {
  /** Base learning rate (> 0). */
  lr?: number;
  /** Multiplier of lr per update (see schedule.ts). Default: constant. */
  schedule?: Schedule;
}

/** Checkpoint form of an optimizer: update count and state buffers as plain arrays. */
export interface OptimizerJSON {
  stepCount: number;
  state: number[][][];
}

/**
 * Everything an optimizer carries from one update to the next: its kind
 * ("Adam", "AdamW", "SGD"), the update count t (the learning-rate schedule's
 * position), the learning-rate scale (lowered by fit's retry policy) and
 * its state buffers (buffers[i][j]: buffer j of store i, e.g. Adam's first
 * and second moments), as copies.
 */
export interface OptimizerState {
  kind: string;
  stepCount: number;
  lrScale: number;
  buffers: Float64Array[][];
}

/** The distinct stores of `trainable` (modules sharing a store are updated once). */
export function storesOf(trainable: Trainable): ParamStore[] {
  const items = Array.isArray(trainable) ? trainable : [trainable as ParamStore | Module];
  const stores: ParamStore[] = [];
  items.forEach((item, i) => {
    const store = item instanceof ParamStore ? item : (item as Module | undefined)?.params;
    if (!(store instanceof ParamStore)) throw new DomainError(`stores[${i}]`, "a ParamStore or a Module", String(item));
    if (!stores.includes(store)) stores.push(store);
  });
  if (stores.length === 0) throw new DomainError("stores", "at least one ParamStore or Module", "none");
  return stores;
}

/** Throws DomainError unless 0 <= value < 1 (or <= 1 when `closed`). */
export function assertUnitInterval(argument: string, value: number, closed = false): void {
  const ok = value >= 0 && (closed ? value <= 1 : value < 1);
  if (!ok) throw new DomainError(argument, `a value in [0, 1${closed ? "]" : ")"}`, String(value));
}

/** Throws DomainError unless value >= 0 and finite. */
export function assertNonNegative(argument: string, value: number): void {
  if (!(value >= 0) || !Number.isFinite(value)) throw new DomainError(argument, "a finite value >= 0", String(value));
}

/**
 * A first-order optimizer over whole ParamStores. step():
 *  (a) scans every gradient buffer (one kernel call per store); on NaN/Inf it
 *      zeroes the gradients and throws TrainingDivergedError, parameters untouched;
 *  (b) computes lr_t = lr * schedule(t);
 *  (c) updates each store with ONE kernel call, which also zeroes its gradients.
 * State buffers (moments, velocity) have the store's length and are allocated once.
 */
export abstract class Optimizer {
  readonly stores: readonly ParamStore[];
  readonly baseLr: number;
  readonly schedule: Schedule;
  /** Number of updates taken so far. */
  stepCount = 0;
  /** Multiplier of the learning rate on top of the schedule (fit's retry policy lowers it; 1 by default). */
  lrScale = 1;
  /** state[i][j]: pointer of state buffer j of store i. */
  protected readonly state: number[][];
  private backup: { ptrs: number[][]; stepCount: number; lrScale: number } | null = null;

  protected constructor(trainable: Trainable, options: OptimizerOptions, defaultLr: number, stateBuffers: number) {
    this.stores = storesOf(trainable);
    this.baseLr = options.lr ?? defaultLr;
    assertPositive("lr", this.baseLr);
    this.schedule = options.schedule ?? constantLr();
    if (typeof this.schedule !== "function") throw new DomainError("schedule", "a function (t) => multiplier", String(this.schedule));
    this.state = this.stores.map((s) => Array.from({ length: stateBuffers }, () => s.rt.allocF64(s.size, 0)));
  }

  /** What kind of optimizer this is (a checkpoint restores state only into the same kind). */
  get kind(): string {
    return this.constructor.name;
  }

  /** Learning rate the next update will use: lr * lrScale * schedule(stepCount). */
  get lr(): number {
    return this.baseLr * this.lrScale * this.schedule(this.stepCount);
  }

  /** One update of every store from its accumulated gradients; gradients are zeroed afterwards. */
  step(): void {
    this.checkGradients();
    const lr = this.lr;
    if (!(lr >= 0) || !Number.isFinite(lr)) {
      throw new DomainError("schedule", "a finite multiplier >= 0", `${this.schedule(this.stepCount)} at step ${this.stepCount}`);
    }
    this.stepCount++;
    this.stores.forEach((s, i) => this.update(s, this.state[i], lr, this.stepCount));
  }

  /** grad = 0 in every store. */
  zeroGrad(): void {
    for (const s of this.stores) s.zeroGrad();
  }

  /** Forgets the update count and all state (moments, velocity). */
  reset(): void {
    this.stepCount = 0;
    this.stores.forEach((s, i) => this.state[i].forEach((p) => s.rt.k.fill(p, s.size, 0)));
  }

  /** A copy of the update count, learning-rate scale and state buffers (see OptimizerState). */
  getState(): OptimizerState {
    return {
      kind: this.kind,
      stepCount: this.stepCount,
      lrScale: this.lrScale,
      buffers: this.stores.map((s, i) => this.state[i].map((p) => s.rt.f64.slice(p / 8, p / 8 + s.size))),
    };
  }

  /**
   * Restores getState() output of an optimizer of the same kind over stores
   * of the same sizes; kind, counts, sizes and finiteness are all checked
   * before anything is written.
   */
  setState(state: OptimizerState, argument = "state"): void {
    this.checkState(state, argument);
    this.stepCount = state.stepCount;
    this.lrScale = state.lrScale;
    state.buffers.forEach((bufs, i) => bufs.forEach((b, j) => this.stores[i].rt.f64.set(b, this.state[i][j] / 8)));
  }

  /** Throws (ShapeError, DomainError, NonFiniteError naming `argument`) unless setState(state) would succeed. */
  checkState(state: OptimizerState, argument = "state"): void {
    if (!state || typeof state !== "object") throw new DomainError(argument, "an optimizer state", String(state));
    if (state.kind !== this.kind) throw new DomainError(`${argument}.kind`, `the state of a ${this.kind} optimizer`, JSON.stringify(state.kind));
    if (!Number.isSafeInteger(state.stepCount) || state.stepCount < 0) throw new DomainError(`${argument}.stepCount`, "an integer >= 0", String(state.stepCount));
    if (!(state.lrScale > 0) || !Number.isFinite(state.lrScale)) throw new DomainError(`${argument}.lrScale`, "a finite value > 0", String(state.lrScale));
    const sizes = this.stores.map((s, i) => `${this.state[i].length} x ${s.size}`).join(", ");
    const got = Array.isArray(state.buffers) ? state.buffers.map((b) => (Array.isArray(b) ? `${b.length} x ${b[0]?.length ?? 0}` : "?")).join(", ") : String(state.buffers);
    const ok =
      Array.isArray(state.buffers) &&
      state.buffers.length === this.stores.length &&
      state.buffers.every((bufs, i) => Array.isArray(bufs) && bufs.length === this.state[i].length && bufs.every((b) => b.length === this.stores[i].size));
    if (!ok) throw new ShapeError(`${argument}.buffers`, `state buffers of ${sizes} values (per store)`, got);
    state.buffers.forEach((bufs, i) =>
      bufs.forEach((b, j) => {
        for (let k = 0; k < b.length; k++) {
          if (!Number.isFinite(b[k])) throw new NonFiniteError(`${argument}.buffers[${i}][${j}]`, "finite numbers", `${b[k]} at index ${k}`);
        }
      }),
    );
  }

  /** Copies the update count, learning-rate scale and state buffers aside (buffers allocated on first use, then reused). */
  snapshot(): void {
    if (!this.backup) this.backup = { ptrs: this.stores.map((s, i) => this.state[i].map(() => s.rt.alloc(s.size * 8))), stepCount: 0, lrScale: 1 };
    this.stores.forEach((s, i) => this.state[i].forEach((p, j) => s.rt.k.copy(this.backup!.ptrs[i][j], p, s.size)));
    this.backup.stepCount = this.stepCount;
    this.backup.lrScale = this.lrScale;
  }

  /** Puts back the state of the last snapshot() (after a diverged step); the learning-rate scale is kept (the retry policy lowers it). */
  restore(): void {
    if (!this.backup) throw new DomainError("optimizer", "a snapshot() taken before restore()", "no snapshot");
    this.stores.forEach((s, i) => this.state[i].forEach((p, j) => s.rt.k.copy(p, this.backup!.ptrs[i][j], s.size)));
    this.stepCount = this.backup.stepCount;
  }

  toJSON(): OptimizerJSON {
    return {
      stepCount: this.stepCount,
      state: this.stores.map((s, i) => this.state[i].map((p) => Array.from(s.rt.f64.subarray(p / 8, p / 8 + s.size)))),
    };
  }

  /** Restores toJSON() output of an optimizer of the same kind over stores of the same sizes. */
  loadJSON(json: OptimizerJSON): void {
    const ok = !!json && Array.isArray(json.state) && json.state.every((bufs) => Array.isArray(bufs) && bufs.every((b) => Array.isArray(b)));
    if (!ok) throw new ShapeError("json", "optimizer state for stores of the same sizes", "a different layout");
    this.setState({ kind: this.kind, stepCount: json.stepCount, lrScale: this.lrScale, buffers: json.state.map((bufs) => bufs.map((b) => Float64Array.from(b))) }, "json");
  }

  /** Frees the state buffers (and the snapshot's). */
  dispose(): void {
    this.stores.forEach((s, i) => this.state[i].forEach((p) => s.rt.release(p, s.size * 8)));
    this.backup?.ptrs.forEach((bufs, i) => bufs.forEach((p) => this.stores[i].rt.release(p, this.stores[i].size * 8)));
    this.backup = null;
  }

  /** One kernel call updating `store` with learning rate lr at update number t (1-based). */
  protected abstract update(store: ParamStore, state: number[], lr: number, t: number): void;

  private checkGradients(): void {
    for (const s of this.stores) {
      const i = s.firstNonFiniteGrad();
      if (i < 0) continue;
      const value = s.rt.f64[s.grads.ptr / 8 + i];
      const { name, index } = s.locate(i);
      this.zeroGrad();
      throw new TrainingDivergedError(this.stepCount + 1, String(value), { kind: "gradient", value, parameter: name, index });
    }
  }
}
