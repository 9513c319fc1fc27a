import { DomainError, ShapeError, TrainingDivergedError, assertPositive } from "../core/errors.js";
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
  /** state[i][j]: pointer of state buffer j of store i. */
  protected readonly state: number[][];

  protected constructor(trainable: Trainable, options: OptimizerOptions, defaultLr: number, stateBuffers: number) {
    this.stores = storesOf(trainable);
    this.baseLr = options.lr ?? defaultLr;
    assertPositive("lr", this.baseLr);
    this.schedule = options.schedule ?? constantLr();
    if (typeof this.schedule !== "function") throw new DomainError("schedule", "a function (t) => multiplier", String(this.schedule));
    this.state = this.stores.map((s) => Array.from({ length: stateBuffers }, () => s.rt.allocF64(s.size, 0)));
  }

  /** Learning rate the next update will use: lr * schedule(stepCount). */
  get lr(): number {
    return this.baseLr * this.schedule(this.stepCount);
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

  toJSON(): OptimizerJSON {
    return {
      stepCount: this.stepCount,
      state: this.stores.map((s, i) => this.state[i].map((p) => Array.from(s.rt.f64.subarray(p / 8, p / 8 + s.size)))),
    };
  }

  /** Restores toJSON() output of an optimizer of the same kind over stores of the same sizes. */
  loadJSON(json: OptimizerJSON): void {
    const ok =
      Number.isInteger(json.stepCount) &&
      json.stepCount >= 0 &&
      json.state.length === this.stores.length &&
      json.state.every((bufs, i) => bufs.length === this.state[i].length && bufs.every((b) => b.length === this.stores[i].size));
    if (!ok) throw new ShapeError("json", "optimizer state for stores of the same sizes", "a different layout");
    this.stepCount = json.stepCount;
    json.state.forEach((bufs, i) => bufs.forEach((b, j) => this.stores[i].rt.f64.set(b, this.state[i][j] / 8)));
  }

  /** Frees the state buffers. */
  dispose(): void {
    this.stores.forEach((s, i) => this.state[i].forEach((p) => s.rt.release(p, s.size * 8)));
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
      throw new TrainingDivergedError(this.stepCount + 1, `${value} in the gradient of ${name}[${index}]`);
    }
  }
}
