import type { Rng } from "../core/rng.js";
import type { Tensor } from "../core/tensor.js";
import { add, div, mul, sub } from "../autodiff/ops/binary.js";
import { poissonLogProb } from "../autodiff/ops/densities.js";
import { log } from "../autodiff/ops/unary.js";
import { noGrad } from "../autodiff/tape.js";
import { assertDrawShape, positiveParam, type Distribution, type ParamInput } from "./distribution.js";
import { count, type Support } from "./support.js";
import { samplePoisson } from "./variates.js";

/**
 * Poisson(rate), rate > 0, elementwise on the counts 0, 1, 2, ...:
 * P(x) = rate^x e^(-rate) / x!; mean = variance = rate. Values are
 * integer-valued f64 Tensors; logProb is differentiable in rate (a positive
 * Tensor) only. No closed-form entropy.
 */
export class Poisson implements Distribution {
  readonly rate: Tensor;
  readonly support: Support = count;
  readonly reparameterized = false;
  readonly eventShape: readonly number[] = [];

  constructor(rate: ParamInput) {
    this.rate = positiveParam("rate", rate);
  }

  get batchShape(): readonly number[] {
    return this.rate.shape;
  }

  /** Counts of `shape` (default: the rate's shape): inversion below rate 10, PTRS above (variates.ts); no gradient. */
  sample(rng: Rng, shape: readonly number[] = this.batchShape): Tensor {
    assertDrawShape(shape, [["rate", this.rate]]);
    return noGrad(() => samplePoisson(rng, this.rate, shape));
  }

  /** x log rate - rate - lgamma(x + 1), the value's shape (DomainError naming value for non-counts). */
  logProb(value: Tensor): Tensor {
    return poissonLogProb(value, this.rate);
  }
}

/** KL(Poisson(r1) || Poisson(r2)) = r1 log(r1 / r2) - r1 + r2, elementwise. */
export function poissonKL(p: Poisson, q: Poisson): Tensor {
  return add(mul(p.rate, log(div(p.rate, q.rate))), sub(q.rate, p.rate));
}
