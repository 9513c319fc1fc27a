import { assertInteger } from "../core/errors.js";
import type { Rng } from "../core/rng.js";
import { Tensor } from "../core/tensor.js";
import type { Batch } from "../models/model.js";

/**
 * Minibatches of a training set: each epoch the rows are shuffled once into
 * a persistent copy (data preparation, in JS); batches are then views of
 * consecutive rows (no per-step copy), batch.index = the rows' training indices.
 */
export class Minibatches {
  readonly n: number;
  readonly dim: number;
  readonly batchSize: number;
  private readonly shuffled: Tensor;
  private order: Int32Array;

  constructor(
    readonly data: Tensor,
    batchSize: number,
    private readonly rng: Rng,
  ) {
    assertInteger("batchSize", batchSize, 1);
    this.n = data.rows;
    this.dim = data.cols;
    this.batchSize = Math.min(batchSize, this.n);
    this.shuffled = Tensor.empty([this.n, this.dim], "persistent", data.rt);
    this.order = new Int32Array(0);
    this.shuffle();
  }

  /** Batches per epoch (the last incomplete batch is dropped). */
  get perEpoch(): number {
    return Math.floor(this.n / this.batchSize);
  }

  /** New random order of the rows. */
  shuffle(): void {
    this.order = this.rng.permutation(this.n);
    const src = this.data.view();
    const dst = this.shuffled.view();
    const D = this.dim;
    for (let i = 0; i < this.n; i++) dst.set(src.subarray(this.order[i] * D, this.order[i] * D + D), i * D);
  }

  /** Batch number i of the current epoch. */
  batch(i: number): Batch {
    return this.window(i * this.batchSize);
  }

  /** batchSize consecutive shuffled rows from a random start: a fresh random batch. */
  random(): Batch {
    return this.window(this.rng.nextInt(this.n - this.batchSize + 1));
  }

  dispose(): void {
    this.shuffled.dispose();
  }

  private window(start: number): Batch {
    const B = this.batchSize;
    const obs = new Tensor(this.shuffled.rt, this.shuffled.ptr + start * this.dim * 8, [B, this.dim], "persistent");
    return { obs, index: this.order.subarray(start, start + B) };
  }
}
