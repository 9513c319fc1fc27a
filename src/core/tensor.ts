import { DISPOSED_ARENA_TENSOR, MemoryRegion } from "./arena.js";
import { assertFiniteArray, DisposedTensorError, DomainError, ShapeError, describeShape } from "./errors.js";
import { runtime, type Runtime } from "./runtime.js";

/**
 * Where a tensor's values live: the arena (temporaries, released with their
 * valueAndGrad step or tidy() scope) or persistent memory (until dispose(),
 * or the end of the tidy() scope it was made in unless returned or kept).
 */
export type Lifetime = "arena" | "persistent";

/**
 * A row-major f64 array in Wasm linear memory, batch first. A tensor is a
 * (pointer, shape) pair: no values are held in JS. Arena tensors are valid
 * until their scope's memory is released (the start of the next
 * valueAndGrad step, or the end of the tidy() they were made in); persistent
 * ones until `dispose()`. Reading `ptr` (every op does) after that throws
 * DisposedTensorError: the check is one load and one branch on the tensor's
 * MemoryRegion (src/core/arena.ts).
 *
 * `requiresGrad`, `grad` and `node` are used by the autodiff tape: a tensor
 * is also the tape's variable, as in PyTorch.
 */
export class Tensor {
  readonly size: number;
  requiresGrad = false;
  /** Gradient of the last backward pass, same shape; set by the tape. */
  grad: Tensor | null = null;
  /** Tape bookkeeping (the node that produced this tensor). */
  node: unknown = null;
  /** @internal The memory this tensor points into; see `ptr`. */
  region: MemoryRegion;
  private address: number;

  /**
   * A tensor over existing memory. Without `region`, an arena tensor joins
   * the arena's current scope and a persistent one owns [ptr, ptr + 8 size)
   * (dispose() releases exactly that); views pass their base's region.
   */
  constructor(
    readonly rt: Runtime,
    ptr: number,
    readonly shape: readonly number[],
    readonly lifetime: Lifetime,
    region?: MemoryRegion,
    /** @internal shapeSize(shape), when the caller already has it. */
    size = shapeSize(shape),
  ) {
    this.size = size;
    this.address = ptr;
    this.region = region ?? (lifetime === "arena" ? rt.arena.region : new MemoryRegion(ptr, this.size * 8));
  }

  /** Byte offset of the values in Wasm memory; throws DisposedTensorError once that memory was released. */
  get ptr(): number {
    return this.region.live ? this.address : this.followMerge();
  }

  /** False once the memory was released (dispose(), the end of its step or tidy scope). */
  get isLive(): boolean {
    return this.region.resolve() !== null;
  }

  /** Slow path of `ptr`: a region merged into its parent scope moves on; a released one throws. */
  private followMerge(): number {
    const r = this.region.resolve();
    if (!r) throw new DisposedTensorError(this.shape, this.lifetime, this.region.reason);
    this.region = r;
    return this.address;
  }

  /** @internal Moves the tensor to `ptr` in `region` (a tidy scope hands its results to the parent). */
  relocate(ptr: number, region: MemoryRegion): void {
    this.address = ptr;
    this.region = region;
  }

  /** Uninitialized tensor of the given shape. */
  static empty(shape: readonly number[], lifetime: Lifetime = "arena", rt: Runtime = runtime()): Tensor {
    const n = validateShape("shape", shape);
    if (lifetime === "arena") return new Tensor(rt, rt.arena.alloc(n * 8), shape.slice(), lifetime, rt.arena.region, n);
    // persistent tensors belong to whoever made them (a prior, a data set, a model's
    // constants): tidy() leaves them alone; dispose() frees them
    return new Tensor(rt, rt.alloc(n * 8), shape.slice(), lifetime, undefined, n);
  }

  static full(shape: readonly number[], value: number, lifetime: Lifetime = "arena", rt: Runtime = runtime()): Tensor {
    const t = Tensor.empty(shape, lifetime, rt);
    rt.k.fill(t.ptr, t.size, value);
    return t;
  }

  static zeros(shape: readonly number[], lifetime: Lifetime = "arena", rt: Runtime = runtime()): Tensor {
    return Tensor.full(shape, 0, lifetime, rt);
  }

  /**
   * Copies `values` (flat, row-major, or nested arrays) into a new tensor.
   * Non-finite entries are rejected: NaN in data is a user error, not a result.
   */
  static from(
    values: ArrayLike<number> | readonly (readonly number[])[],
    shape?: readonly number[],
    lifetime: Lifetime = "arena",
    rt: Runtime = runtime(),
    argument = "values",
  ): Tensor {
    let flat: ArrayLike<number>;
    let inferred: number[];
    if (values.length > 0 && Array.isArray((values as unknown[])[0])) {
      const rows = values as readonly (readonly number[])[];
      const cols = rows[0].length;
      const data = new Float64Array(rows.length * cols);
      rows.forEach((r, i) => {
        if (r.length !== cols) {
          throw new ShapeError(argument, `rows of length ${cols}`, `row ${i} of length ${r.length}`);
        }
        data.set(r, i * cols);
      });
      flat = data;
      inferred = [rows.length, cols];
    } else {
      flat = values as ArrayLike<number>;
      inferred = [flat.length];
    }
    const s = shape ?? inferred;
    validateShape("shape", s);
    if (shapeSize(s) !== flat.length) {
      throw new ShapeError(argument, `${shapeSize(s)} values for shape ${describeShape(s)}`, `${flat.length} values`);
    }
    assertFiniteArray(argument, flat);
    const t = Tensor.empty(s, lifetime, rt);
    rt.f64.set(flat, t.ptr / 8);
    return t;
  }

  static scalar(value: number, lifetime: Lifetime = "arena", rt: Runtime = runtime()): Tensor {
    return Tensor.from([value], [1], lifetime, rt);
  }

  get rank(): number {
    return this.shape.length;
  }

  /** Leading (batch) dimension. */
  get rows(): number {
    return this.shape[0] ?? 1;
  }

  /** Product of all but the leading dimension. */
  get cols(): number {
    return this.shape.length <= 1 ? 1 : this.size / this.shape[0];
  }

  /** A live view of the values (invalid after memory grows: do not keep it). */
  view(): Float64Array {
    return this.rt.f64.subarray(this.ptr / 8, this.ptr / 8 + this.size);
  }

  /** A copy of the values. */
  toFloat64Array(): Float64Array {
    return this.view().slice();
  }

  toArray(): number[] {
    return Array.from(this.view());
  }

  /** Rows of a 2-D tensor as nested arrays. */
  toRows(): number[][] {
    const v = this.view();
    const c = this.cols;
    const out: number[][] = [];
    for (let i = 0; i < this.rows; i++) out.push(Array.from(v.subarray(i * c, (i + 1) * c)));
    return out;
  }

  /** The single value of a size-1 tensor. */
  item(): number {
    if (this.size !== 1) throw new ShapeError("tensor", "a tensor with one value", `shape ${describeShape(this.shape)}`);
    return this.rt.f64[this.ptr / 8];
  }

  /** Overwrites all values (length must equal size). */
  set(values: ArrayLike<number>): this {
    if (values.length !== this.size) throw new ShapeError("values", `${this.size} values`, `${values.length} values`);
    this.rt.f64.set(values, this.ptr / 8);
    return this;
  }

  /** Same memory, another shape of equal size. */
  reshape(shape: readonly number[]): Tensor {
    validateShape("shape", shape);
    if (shapeSize(shape) !== this.size) {
      throw new ShapeError("shape", `a shape of size ${this.size}`, `${describeShape(shape)} (size ${shapeSize(shape)})`);
    }
    return new Tensor(this.rt, this.ptr, shape.slice(), this.lifetime, this.region);
  }

  /**
   * A tensor over `shapeSize(shape)` values of this one's memory starting at
   * value `offset` (a batch of rows of a dataset, one parameter of a store):
   * same lifetime and region, so it dies when its base is released.
   */
  subTensor(offset: number, shape: readonly number[]): Tensor {
    validateShape("shape", shape);
    if (!Number.isInteger(offset) || offset < 0 || offset + shapeSize(shape) > this.size) {
      throw new DomainError("offset", `an integer in [0, ${this.size - shapeSize(shape)}] (${shapeSize(shape)} values of ${this.size})`, String(offset));
    }
    return new Tensor(this.rt, this.ptr + offset * 8, shape.slice(), this.lifetime, this.region);
  }

  /** A copy with its own storage. */
  clone(lifetime: Lifetime = "arena"): Tensor {
    const t = Tensor.empty(this.shape, lifetime, this.rt);
    this.rt.k.copy(t.ptr, this.ptr, this.size);
    return t;
  }

  /** Index of the first NaN/Inf value, or -1 (one Wasm scan). */
  firstNonFinite(): number {
    return this.rt.k.firstNonFinite(this.ptr, this.size);
  }

  /**
   * Frees a persistent tensor's memory for reuse (and invalidates every view
   * of it). An arena tensor is only marked disposed: its memory returns at
   * the end of its step or tidy scope. Disposing twice does nothing.
   */
  dispose(): void {
    this.releaseMemory("dispose()");
  }

  /** @internal dispose() with the reason later errors will name. */
  releaseMemory(reason: string): void {
    const r = this.region.resolve();
    if (!r) return;
    if (this.lifetime === "arena") {
      this.region = DISPOSED_ARENA_TENSOR;
      return;
    }
    r.release(reason);
    this.rt.release(r.ptr, r.bytes);
  }

  toString(): string {
    if (!this.isLive) return `Tensor${describeShape(this.shape)}(released by ${this.region.reason})`;
    const v = this.size <= 8 ? this.toArray().map((x) => x.toPrecision(4)).join(", ") : `${this.size} values`;
    return `Tensor${describeShape(this.shape)}(${v})`;
  }
}

export function shapeSize(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Throws DomainError unless every dimension is a positive integer; returns the number of values. */
function validateShape(argument: string, shape: readonly number[]): number {
  let n = 1;
  for (let i = 0; i < shape.length; i++) {
    const d = shape[i];
    if (!Number.isInteger(d) || d < 1) {
      throw new DomainError(argument, "positive integer dimensions", describeShape(shape));
    }
    n *= d;
  }
  return n;
}
