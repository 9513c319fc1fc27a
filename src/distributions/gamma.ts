import type { Rng } from "../core/rng.js";
import type { Tensor } from "../core/tensor.js";
import { add, div, mul, sub } from "../autodiff/ops/binary.js";
import { gammaLogProb } from "../autodiff/ops/densities.js";
import { digamma, lgamma } from "../autodiff/ops/special.js";
import { log, neg, shift } from "../autodiff/ops/unary.js";
import { gammaPathwise } from "../autodiff/ops/implicit-gamma.js";
import { noGrad } from "../autodiff/tape.js";
import { assertDrawShape, expandTo, positiveParam, ElementwiseDistribution, type ParamInput } from "./distribution.js";
import { positive, type Support } from "./support.js";
import { sampleGamma } from "./variates.js";

/**
 * Gamma(a, b) with shape (concentration) a > 0 and rate b > 0, elementwise:
 * p(x) = b^a x^(a - 1) e^(-b x) / Gamma(a), x > 0; mean a / b, variance a / b^2.
 * Parameters: numbers / arrays (constants) or positive Tensors (gradients
 * of logProb, entropy, KL and rsample flow into both). rsample: the sample
 * draws with implicit reparameterization gradients (Figurnov et al. 2018).
 */
export class Gamma extends ElementwiseDistribution {
  readonly concentration: Tensor;
  readonly rate: Tensor;
  readonly support: Support = positive;
  readonly reparameterized = true;

  constructor(concentration: ParamInput, rate: ParamInput) {
    const a = positiveParam("concentration", concentration);
    const b = positiveParam("rate", rate);
    super([["concentration", a], ["rate", b]]);
    this.concentration = a;
    this.rate = b;
  }

  /** Marsaglia-Tsang draws of `shape` (default: the batch shape), no gradient (see variates.ts). */
  override sample(rng: Rng, shape: readonly number[] = this.batchShape): Tensor {
    assertDrawShape(shape, this.params);
    return noGrad(() => sampleGamma(rng, this.concentration, this.rate, shape));
  }

  /**
   * The same draws as sample (same stream, same numbers), pathwise in both
   * parameters: x = z / b with dz/da = -(dP/da)(z; a) / p(z; a) (implicit
   * reparameterization, Figurnov et al. 2018) and dx/db = -x / b.
   */
  rsample(rng: Rng, shape: readonly number[] = this.batchShape): Tensor {
    return gammaPathwise(this.concentration, this.rate, this.sample(rng, shape));
  }

  /** a log b - lgamma(a) + (a - 1) log x - b x, the value's shape. */
  logProb(value: Tensor): Tensor {
    return gammaLogProb(value, this.concentration, this.rate);
  }

  /** H = a - log b + lgamma(a) + (1 - a) digamma(a), the batch shape. */
  entropy(): Tensor {
    const a = this.concentration;
    const h = add(sub(a, log(this.rate)), add(lgamma(a), mul(shift(neg(a), 1), digamma(a))));
    return expandTo(h, this.batchShape);
  }
}

/**
 * KL(Gamma(a1, b1) || Gamma(a2, b2)) = (a1 - a2) digamma(a1) - lgamma(a1) + lgamma(a2)
 * + a2 (log b1 - log b2) + a1 (b2 - b1) / b1 (shape-rate form), elementwise.
 */
export function gammaKL(p: Gamma, q: Gamma): Tensor {
  const [a1, b1, a2, b2] = [p.concentration, p.rate, q.concentration, q.rate];
  const shapeTerms = add(mul(sub(a1, a2), digamma(a1)), sub(lgamma(a2), lgamma(a1)));
  const rateTerms = add(mul(a2, sub(log(b1), log(b2))), mul(a1, div(sub(b2, b1), b1)));
  return add(shapeTerms, rateTerms);
}
