import { DomainError, ShapeError, describeShape } from "../core/errors.js";
import type { Rng } from "../core/rng.js";
import { Tensor, shapeSize } from "../core/tensor.js";
import { categoricalEntropy, categoricalLogProb, sampleCategorical } from "../autodiff/ops/categorical.js";
import { repeatRows, reshape } from "../autodiff/ops/shape.js";
import { categorical as categoricalSupport, type Support } from "./support.js";
import { assertRank2, paramTensor, type Distribution, type ParamInput } from "./distribution.js";

/**
 * Categorical(softmax(logits)) per row of logits [B, K] (a flat array of K
 * numbers is one row). Values are category indices: integer-valued Tensors
 * (as `sample` returns them), Int32Arrays or arrays of numbers. A value of n
 * indices is scored against one shared row (B = 1) or one row each (n = B).
 */
export class Categorical implements Distribution {
  readonly logits: Tensor;

  constructor(logits: ParamInput) {
    if (Array.isArray(logits) && logits.length === 0) throw new DomainError("logits", "K >= 1 categories", "K = 0");
    const t = paramTensor("logits", logits);
    // a flat array of numbers is one row; a Tensor must already be [B, K] (a copy would lose its gradient)
    this.logits = t.rank === 1 && !(logits instanceof Tensor) ? t.reshape([1, t.size]) : t;
    assertRank2("logits", this.logits);
  }

  readonly reparameterized = false;
  readonly eventShape: readonly number[] = [];
  get support(): Support {
    return categoricalSupport(this.categories);
  }
  get batchShape(): readonly number[] {
    return [this.logits.rows];
  }

  get categories(): number {
    return this.logits.shape[1];
  }

  /** Throws ShapeError unless n draws / values fit the logits' rows (one shared row, or one each). */
  private assertCount(argument: string, n: number, shape: readonly number[]): void {
    const B = this.logits.rows;
    if (B !== 1 && n !== B) {
      throw new ShapeError(argument, `${B} values (one per row of logits [${B}, ${this.categories}])`, `shape ${describeShape(shape)} (${n} values)`);
    }
  }

  /** k[b] ~ Categorical(softmax(logits[b])) (inverse CDF), n draws from a single row. */
  sampleIndices(rng: Rng, n = this.logits.rows): Int32Array {
    return sampleCategorical(this.logits, rng, n);
  }

  /**
   * Indices as an integer-valued Tensor of `shape` (no gradient): one draw
   * per entry, all from one shared row or one from each row (size of shape
   * = B): logits [1, K] asked for [B, 1] give B indices as [B, 1].
   */
  sample(rng: Rng, shape: readonly number[] = [this.logits.rows]): Tensor {
    const n = shapeSize(shape);
    this.assertCount("shape", n, shape);
    return Tensor.from(this.sampleIndices(rng, n), shape, "arena", this.logits.rt);
  }

  /** log softmax(logits)[b, value[b]], the value's shape (a Tensor) or [n] (indices). */
  logProb(value: Tensor | Int32Array | readonly number[]): Tensor {
    const shape = value instanceof Tensor ? value.shape : [value.length];
    const n = shapeSize(shape);
    this.assertCount("value", n, shape);
    const logits = this.logits.rows === 1 && n > 1 ? repeatRows(this.logits, n) : this.logits;
    const out = categoricalLogProb(logits, toIndices(value, this.categories));
    return out.shape.length === shape.length && out.shape.every((d, i) => d === shape[i]) ? out : reshape(out, shape);
  }

  /** -sum_k p_k log p_k -> [B]. */
  entropy(): Tensor {
    return categoricalEntropy(this.logits);
  }
}

/** Indices as an Int32Array; a Tensor of values must hold integers in [0, K) (one Wasm scan). */
function toIndices(value: Tensor | Int32Array | readonly number[], K: number): Int32Array | readonly number[] {
  if (!(value instanceof Tensor)) return value;
  const bad = value.rt.k.firstNotInteger(value.ptr, value.size, 0, K - 1);
  if (bad >= 0) throw new DomainError("value", `integer category indices in [0, ${K})`, `${value.view()[bad]} at index ${bad}`);
  const idx = new Int32Array(value.size);
  idx.set(value.view());
  return idx;
}
