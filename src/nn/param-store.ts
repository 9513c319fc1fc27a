import { DomainError, ShapeError, UnknownNameError, assertFiniteArray, describeShape } from "../core/errors.js";
import type { Rng } from "../core/rng.js";
import { runtime, type Runtime } from "../core/runtime.js";
import { Tensor, shapeSize } from "../core/tensor.js";
import { resolveInit, type Init, type InitName } from "./init.js";

/** One named parameter to allocate: its shape and how to initialize it. */
export interface ParamSpec {
  name: string;
  shape: readonly number[];
  init: Init | InitName;
}

/** Checkpoint form of a store: plain arrays, keyed by parameter name. */
export type ParamsJSON = Record<string, { shape: number[]; values: number[] }>;

interface Slot {
  name: string;
  offset: number;
  tensor: Tensor;
}

/**
 * All parameters of one or more modules in ONE contiguous persistent buffer,
 * with ONE gradient buffer of the same length. Each parameter is a Tensor
 * view into the buffer (requiresGrad = true) whose .grad is the matching view
 * into the gradient buffer, so the tape accumulates straight into it and an
 * optimizer updates every parameter with one kernel call.
 *
 * Parameter views share the store's memory: dispose the store, never a view.
 */
export class ParamStore {
  /** Total number of f64 parameters. */
  readonly size: number;
  /** The whole parameter buffer as one [size] tensor. */
  readonly values: Tensor;
  /** The whole gradient buffer as one [size] tensor. */
  readonly grads: Tensor;
  private readonly slots: Slot[];
  private readonly byName = new Map<string, Slot>();
  private backupPtr = -1;

  private constructor(
    readonly rt: Runtime,
    specs: readonly { name: string; shape: readonly number[] }[],
  ) {
    let offset = 0;
    const layout = specs.map((s) => {
      const at = offset;
      offset += shapeSize(s.shape);
      return at;
    });
    this.size = offset;
    this.values = new Tensor(rt, rt.alloc(this.size * 8), [Math.max(this.size, 1)], "persistent");
    this.grads = new Tensor(rt, rt.allocF64(this.size, 0), [Math.max(this.size, 1)], "persistent");
    this.slots = specs.map((s, i) => {
      const shape = s.shape.slice();
      // views share the buffers' regions: after dispose() they throw DisposedTensorError
      const tensor = this.values.subTensor(layout[i], shape);
      tensor.requiresGrad = true;
      tensor.grad = this.grads.subTensor(layout[i], shape);
      return { name: s.name, offset: layout[i], tensor };
    });
    for (const slot of this.slots) this.byName.set(slot.name, slot);
  }

  /** Allocates and initializes (in spec order, from `rng`) a store holding `specs`. */
  static build(specs: readonly ParamSpec[], rng: Rng, rt: Runtime = runtime()): ParamStore {
    const seen = new Set<string>();
    for (const s of specs) {
      if (typeof s.name !== "string" || s.name.length === 0) throw new DomainError("name", "a non-empty string", String(s.name));
      if (seen.has(s.name)) throw new DomainError("name", "a name not used by another parameter", s.name);
      seen.add(s.name);
      if (s.shape.length === 0 || !s.shape.every((d) => Number.isInteger(d) && d >= 1)) {
        throw new DomainError(`shape of ${s.name}`, "positive integer dimensions", describeShape(s.shape));
      }
    }
    const inits = specs.map((s) => resolveInit(s.init, `init of ${s.name}`));
    const store = new ParamStore(rt, specs);
    store.slots.forEach((slot, i) => inits[i](slot.tensor, rng));
    return store;
  }

  /** Parameter names in buffer order. */
  get names(): string[] {
    return this.slots.map((s) => s.name);
  }

  /** The parameter tensors in buffer order. */
  parameters(): Tensor[] {
    return this.slots.map((s) => s.tensor);
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  /** The parameter view called `name`. */
  get(name: string): Tensor {
    const slot = this.byName.get(name);
    if (!slot) throw new UnknownNameError("name", `one of ${this.names.join(", ") || "(no parameters)"}`, name);
    return slot.tensor;
  }

  /** Which parameter (and index inside it) buffer position `i` belongs to. */
  locate(i: number): { name: string; index: number } {
    for (let k = this.slots.length - 1; k >= 0; k--) {
      if (i >= this.slots[k].offset) return { name: this.slots[k].name, index: i - this.slots[k].offset };
    }
    throw new DomainError("i", `a buffer index in [0, ${this.size})`, String(i));
  }

  /** grad = 0 for every parameter (one kernel call). */
  zeroGrad(): void {
    this.rt.k.fill(this.grads.ptr, this.size, 0);
  }

  /** Buffer index of the first NaN/Inf gradient, or -1 (one kernel call). */
  firstNonFiniteGrad(): number {
    return this.rt.k.firstNonFinite(this.grads.ptr, this.size);
  }

  /** Buffer index of the first NaN/Inf parameter, or -1 (one kernel call). */
  firstNonFiniteValue(): number {
    return this.rt.k.firstNonFinite(this.values.ptr, this.size);
  }

  /** Copies every parameter into a persistent backup (allocated on first use, then reused). */
  snapshot(): void {
    if (this.backupPtr < 0) this.backupPtr = this.rt.alloc(this.size * 8);
    this.rt.k.copy(this.backupPtr, this.values.ptr, this.size);
  }

  get hasSnapshot(): boolean {
    return this.backupPtr >= 0;
  }

  /** Puts back the parameters of the last snapshot() (e.g. after a diverged step). */
  restore(): void {
    if (this.backupPtr < 0) throw new DomainError("store", "a snapshot() taken before restore()", "no snapshot");
    this.rt.k.copy(this.values.ptr, this.backupPtr, this.size);
  }

  /** Copies the parameter values of `other`, which must have the same names and shapes. */
  copyFrom(other: ParamStore): void {
    const same =
      other.slots.length === this.slots.length &&
      other.slots.every((s, i) => s.name === this.slots[i].name && sameShape(s.tensor.shape, this.slots[i].tensor.shape));
    if (!same) throw new ShapeError("other", `a store with layout ${this.describeLayout()}`, other.describeLayout());
    if (other.rt !== this.rt) {
      this.rt.f64.set(other.values.view().subarray(0, other.size), this.values.ptr / 8);
      return;
    }
    this.rt.k.copy(this.values.ptr, other.values.ptr, this.size);
  }

  /** Each parameter's name and shape, in buffer order (the store's structure in a checkpoint header). */
  layout(): { name: string; shape: number[] }[] {
    return this.slots.map((s) => ({ name: s.name, shape: s.tensor.shape.slice() }));
  }

  /** A copy of the whole parameter buffer (size values, buffer order). */
  readValues(): Float64Array {
    return this.rt.f64.slice(this.values.ptr / 8, this.values.ptr / 8 + this.size);
  }

  /** Overwrites the whole parameter buffer with `values` (size finite numbers, buffer order), checked before writing. */
  writeValues(values: ArrayLike<number>, argument = "values"): void {
    if (values.length !== this.size) throw new ShapeError(argument, `${this.size} values (layout ${this.describeLayout()})`, `${values.length} values`);
    assertFiniteArray(argument, values);
    this.rt.f64.set(values, this.values.ptr / 8);
  }

  /** Buffer index of the first parameter that is NaN/Inf or beyond +-bound, or -1 (one kernel call). */
  firstValueBeyond(bound: number): number {
    return this.rt.k.firstAbsAbove(this.values.ptr, this.size, bound);
  }

  /** Parameter values as plain arrays (for checkpoints). */
  toJSON(): ParamsJSON {
    const out: ParamsJSON = {};
    for (const s of this.slots) out[s.name] = { shape: s.tensor.shape.slice(), values: s.tensor.toArray() };
    return out;
  }

  /** Loads values written by toJSON(); checks every name, shape and value before writing any. */
  loadJSON(json: ParamsJSON): void {
    for (const name of Object.keys(json)) {
      if (!this.byName.has(name)) throw new UnknownNameError("json", `parameters named ${this.names.join(", ")}`, name);
    }
    for (const s of this.slots) {
      const entry = json[s.name];
      if (!entry) throw new ShapeError("json", `an entry for parameter ${s.name}`, "none");
      if (!sameShape(entry.shape, s.tensor.shape) || entry.values.length !== s.tensor.size) {
        throw new ShapeError(
          `json.${s.name}`,
          `shape ${describeShape(s.tensor.shape)} with ${s.tensor.size} values`,
          `shape ${describeShape(entry.shape ?? [])} with ${entry.values?.length} values`,
        );
      }
      assertFiniteArray(`json.${s.name}.values`, entry.values);
    }
    for (const s of this.slots) s.tensor.set(json[s.name].values);
  }

  /** Frees the parameter, gradient and backup buffers; every view becomes invalid. */
  dispose(): void {
    this.values.dispose();
    this.grads.dispose();
    if (this.backupPtr >= 0) this.rt.release(this.backupPtr, this.size * 8);
    this.backupPtr = -1;
  }

  private describeLayout(): string {
    return this.slots.map((s) => `${s.name}${describeShape(s.tensor.shape)}`).join(", ") || "(empty)";
  }
}

function sameShape(a: readonly number[] | undefined, b: readonly number[]): boolean {
  return !!a && a.length === b.length && a.every((d, i) => d === b[i]);
}
