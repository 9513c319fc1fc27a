import { DomainError } from "../core/errors.js";
import type { Rng } from "../core/rng.js";
import { Tensor } from "../core/tensor.js";
import { categoricalEntropy, categoricalLogProb, sampleCategorical } from "../autodiff/ops/categorical.js";
import { categorical as categoricalSupport, type Support } from "./support.js";
import { assertRank2, paramTensor, type Distribution, type ParamInput } from "./distribution.js";

/** Indices as an Int32Array; a Tensor of values must hold integers. */
function toIndices(value: Tensor | Int32Array | readonly number[]): Int32Array | readonly number[] {
  if (!(value instanceof Tensor)) return value;
  const v = value.view();
  const idx = new Int32Array(v.length);
  for (let i = 0; i < v.length; i++) {
    if (!Number.isInteger(v[i])) throw new DomainError("value", "integer category indices", `${v[i]} at index ${i}`);
    idx[i] = v[i];
  }
  return idx;
}

/**
 * Categorical(softmax(logits)) per row of logits [B, K] (a flat array of K
 * numbers is one row). Values are category indices: an Int32Array, or a
 * Tensor [B] of integers as returned by `sample`.
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

  /** k[b] ~ Categorical(softmax(logits[b])) (inverse CDF), n draws from a single row. */
  sampleIndices(rng: Rng, n = this.logits.rows): Int32Array {
    return sampleCategorical(this.logits, rng, n);
  }

  /** Indices as a Tensor [B] of integer values (no gradient). */
  sample(rng: Rng, shape: number | readonly number[] = this.logits.rows): Tensor {
    const n = typeof shape === "number" ? shape : shape.reduce((a, b) => a * b, 1);
    return Tensor.from(this.sampleIndices(rng, n), [n], "arena", this.logits.rt);
  }

  /** log softmax(logits)[b, value[b]] -> [B]. */
  logProb(value: Tensor | Int32Array | readonly number[]): Tensor {
    return categoricalLogProb(this.logits, toIndices(value));
  }

  /** -sum_k p_k log p_k -> [B]. */
  entropy(): Tensor {
    return categoricalEntropy(this.logits);
  }
}
