import { gatherRows } from "../../autodiff/ops/gather.js";
import { DomainError, ShapeError, assertInteger } from "../../core/errors.js";
import type { Rng } from "../../core/rng.js";
import { Tensor } from "../../core/tensor.js";
import type { Batch } from "../../models/model.js";

/** Observations as rows: nested arrays [N][D], or a flat array with `dim` columns. */
export type Rows = readonly (readonly number[])[] | ArrayLike<number>;

export interface DatasetOptions {
  /** Columns per observation when `obs` is flat. Default: 1. */
  dim?: number;
  /** Per-datapoint context (e.g. x_{n-1} of a time series), rows [N][C]; handed to the model as batch.context. */
  context?: Rows;
  /** Columns of a flat `context`. Default: 1. */
  contextDim?: number;
}

function toTensor(argument: string, rows: Rows, dim: number): Tensor {
  const nested = rows.length > 0 && Array.isArray((rows as unknown[])[0]);
  if (!nested) assertInteger(`${argument} dim`, dim, 1);
  if (!nested && rows.length % dim !== 0) {
    throw new ShapeError(argument, `a multiple of ${dim} values (dim ${dim})`, `${rows.length} values`);
  }
  if (rows.length === 0) throw new ShapeError(argument, "at least one observation", "none");
  const shape = nested ? undefined : [rows.length / dim, dim];
  return Tensor.from(rows as ArrayLike<number>, shape, "persistent", undefined, argument);
}

/**
 * A fixed data set x_1..x_N held in persistent memory, from which batches
 * (rows by index, with their context) are cut for the families and the ELBO.
 */
export class Dataset {
  readonly obs: Tensor;
  readonly context: Tensor | null;
  readonly N: number;
  readonly D: number;
  private readonly all: Int32Array;

  constructor(obs: Rows, { dim = 1, context, contextDim = 1 }: DatasetOptions = {}) {
    this.obs = toTensor("data", obs, dim);
    [this.N, this.D] = [this.obs.rows, this.obs.cols];
    this.context = context ? toTensor("context", context, contextDim) : null;
    if (this.context && this.context.rows !== this.N) {
      throw new ShapeError("context", `${this.N} rows (one per observation)`, `${this.context.rows} rows`);
    }
    this.all = Int32Array.from({ length: this.N }, (_, i) => i);
  }

  /** Observation values, row-major [N * D] (a copy, for feature maps and evaluation). */
  values(): Float64Array {
    return this.obs.toFloat64Array();
  }

  /** The rows `idx` as a Batch (obs, index, context). */
  batch(idx: Int32Array): Batch {
    return { obs: gatherRows(this.obs, idx), index: idx, context: this.context ? gatherRows(this.context, idx) : undefined };
  }

  /** All N rows in order. */
  full(): Batch {
    return { obs: this.obs, index: this.all, context: this.context ?? undefined };
  }

  /** Frees the persistent buffers. */
  dispose(): void {
    this.obs.dispose();
    this.context?.dispose();
  }
}

/** Where a Minibatcher is in its epoch (a checkpoint stores it). */
export interface MinibatcherState {
  order: Int32Array;
  pos: number;
}

/**
 * THE minibatcher of the library: minibatches of B distinct indices, epoch by
 * epoch (a fresh permutation each epoch, whose last incomplete batch is
 * dropped: floor(N / B) batches per epoch); B = N gives 0..N-1 in order.
 */
export class Minibatcher {
  private order: Int32Array = new Int32Array(0);
  private pos = 0;

  constructor(
    readonly N: number,
    readonly B: number,
    private readonly rng: Rng,
  ) {
    assertInteger("batchSize", B, 1);
    if (B > N) throw new DomainError("batchSize", `an integer <= N = ${N}`, String(B));
  }

  /** Batches per epoch, floor(N / B). */
  get perEpoch(): number {
    return Math.floor(this.N / this.B);
  }

  /** The next minibatch of the epoch (a new permutation once the current one has no B indices left). */
  next(): Int32Array {
    if (this.B === this.N) {
      if (this.order.length !== this.N) this.order = Int32Array.from({ length: this.N }, (_, i) => i);
      return this.order;
    }
    if (this.pos + this.B > this.order.length) {
      this.order = this.rng.permutation(this.N);
      this.pos = 0;
    }
    const idx = this.order.subarray(this.pos, this.pos + this.B);
    this.pos += this.B;
    return idx;
  }

  /** The position in the epoch: the current order (a copy; empty before the first batch) and the next unused index in it. */
  getState(): MinibatcherState {
    return { order: this.order.slice(), pos: this.pos };
  }

  /** Moves to a getState() position of a minibatcher over the same N (checked: a permutation of 0..N-1 and 0 <= pos <= N). */
  setState(state: MinibatcherState, argument = "state"): void {
    Minibatcher.checkState(state, this.N, argument);
    this.order = state.order.slice();
    this.pos = state.pos;
  }

  /** Throws unless `state` is a position of a minibatcher over N rows. */
  static checkState(state: MinibatcherState, N: number, argument = "state"): void {
    const order = state?.order;
    if (!(order instanceof Int32Array) || (order.length !== 0 && order.length !== N)) {
      throw new ShapeError(`${argument}.order`, `an Int32Array of 0 or ${N} indices`, order instanceof Int32Array ? `${order.length} indices` : String(order));
    }
    const seen = new Uint8Array(N);
    for (let i = 0; i < order.length; i++) {
      const j = order[i];
      if (!(j >= 0 && j < N) || seen[j]) throw new DomainError(`${argument}.order`, `a permutation of 0..${N - 1}`, `${j} at position ${i}`);
      seen[j] = 1;
    }
    if (!Number.isInteger(state.pos) || state.pos < 0 || state.pos > N) throw new DomainError(`${argument}.pos`, `an integer in [0, ${N}]`, String(state.pos));
  }

  /**
   * B consecutive indices of the current permutation from a uniformly random
   * start: a random batch that does not advance the epoch (the aggressive
   * schedule's inner loop).
   */
  random(): Int32Array {
    if (this.order.length !== this.N) this.order = this.B === this.N ? Int32Array.from({ length: this.N }, (_, i) => i) : this.rng.permutation(this.N);
    const start = this.rng.nextInt(this.N - this.B + 1);
    return this.order.subarray(start, start + this.B);
  }
}
