import type { Rng } from "../core/rng.js";
import { Tensor } from "../core/tensor.js";
import { bernoulliEntropy, bernoulliLogProb } from "../autodiff/ops/gaussian.js";
import { boolean, type Support } from "./support.js";
import { assertDrawShape, assertInSupport, paramTensor, type Distribution, type ParamInput } from "./distribution.js";

/**
 * Independent Bernoulli(sigmoid(logits)) over events of all non-batch dims
 * (batch = the leading dim of logits, event = the rest):
 * logProb(x [B, ...]) = sum over dims of x l - softplus(l) -> [B] (values in
 * {0, 1}; values in [0, 1] give the usual binary cross-entropy).
 */
export class Bernoulli implements Distribution {
  readonly logits: Tensor;
  readonly support: Support = boolean;
  readonly reparameterized = false;
  get batchShape(): readonly number[] {
    return this.logits.shape.slice(0, 1);
  }
  get eventShape(): readonly number[] {
    return this.logits.shape.slice(1);
  }

  constructor(logits: ParamInput) {
    this.logits = paramTensor("logits", logits);
  }

  /** x[i] = 1 if u[i] < sigmoid(logits[i % size]) else 0, u ~ U[0, 1) (Philox); `shape` defaults to the logits' shape. */
  sample(rng: Rng, shape: readonly number[] = this.logits.shape): Tensor {
    assertDrawShape(shape, [["logits", this.logits]]);
    const out = Tensor.empty(shape, "arena", this.logits.rt);
    const mark = out.rt.arena.mark();
    const u = rng.uniform(shape);
    out.rt.k.bernoulliSample(this.logits.ptr, u.ptr, out.ptr, out.size, this.logits.size);
    out.rt.arena.restore(mark);
    return out;
  }

  /** sum over non-batch dims of x l - softplus(l) -> [B]; DomainError naming value outside [0, 1]. */
  logProb(value: Tensor): Tensor {
    assertInSupport(value, boolean, { closed: true });
    return bernoulliLogProb(value, this.logits);
  }

  /** sum over non-batch dims of softplus(l) - l sigmoid(l) -> [B]. */
  entropy(): Tensor {
    return bernoulliEntropy(this.logits);
  }
}
