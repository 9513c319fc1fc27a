import type { Rng } from "../core/rng.js";
import type { Tensor } from "../core/tensor.js";
import { add, mul, sub } from "../autodiff/ops/binary.js";
import { betaLogProb } from "../autodiff/ops/densities.js";
import { digamma, lgamma } from "../autodiff/ops/special.js";
import { shift } from "../autodiff/ops/unary.js";
import { betaPathwise } from "../autodiff/ops/implicit-gamma.js";
import { noGrad } from "../autodiff/tape.js";
import { assertDrawShape, expandTo, positiveParam, ElementwiseDistribution, type ParamInput } from "./distribution.js";
import { unitInterval, type Support } from "./support.js";
import { sampleGamma } from "./variates.js";

/** log B(a, b) = lgamma(a) + lgamma(b) - lgamma(a + b), elementwise. */
function logBeta(a: Tensor, b: Tensor): Tensor {
  return sub(add(lgamma(a), lgamma(b)), lgamma(add(a, b)));
}

/**
 * Beta(alpha, beta), alpha, beta > 0, elementwise on (0, 1):
 * p(x) = x^(alpha - 1) (1 - x)^(beta - 1) / B(alpha, beta); mean alpha / (alpha + beta).
 * Parameters: numbers / arrays (constants) or positive Tensors (gradients of
 * logProb, entropy, KL and rsample flow into both). rsample: the sample
 * draws, pathwise through both Gammas (implicit reparameterization, Figurnov et al. 2018).
 */
export class Beta extends ElementwiseDistribution {
  readonly alpha: Tensor;
  readonly beta: Tensor;
  readonly support: Support = unitInterval;
  readonly reparameterized = true;

  constructor(alpha: ParamInput, beta: ParamInput) {
    const a = positiveParam("alpha", alpha);
    const b = positiveParam("beta", beta);
    super([["alpha", a], ["beta", b]]);
    this.alpha = a;
    this.beta = b;
  }

  /**
   * The same draws as sample, pathwise in both parameters: x = X / (X + Y)
   * with the implicit dX/dalpha, dY/dbeta of the Gamma draws (Figurnov et al. 2018).
   */
  rsample(rng: Rng, shape: readonly number[] = this.batchShape): Tensor {
    assertDrawShape(shape, this.params);
    const [x, y] = noGrad(() => [sampleGamma(rng, this.alpha, null, shape), sampleGamma(rng, this.beta, null, shape)]);
    return betaPathwise(this.alpha, this.beta, x, y);
  }

  /** (alpha - 1) log x + (beta - 1) log(1 - x) - log B(alpha, beta), the value's shape. */
  logProb(value: Tensor): Tensor {
    return betaLogProb(value, this.alpha, this.beta);
  }

  /** H = log B(a, b) - (a - 1) digamma(a) - (b - 1) digamma(b) + (a + b - 2) digamma(a + b), the batch shape. */
  entropy(): Tensor {
    const [a, b] = [this.alpha, this.beta];
    const ab = add(a, b);
    const h = add(
      sub(logBeta(a, b), add(mul(shift(a, -1), digamma(a)), mul(shift(b, -1), digamma(b)))),
      mul(shift(ab, -2), digamma(ab)),
    );
    return expandTo(h, this.batchShape);
  }
}

/**
 * KL(Beta(a1, b1) || Beta(a2, b2)) = log B(a2, b2) - log B(a1, b1) + (a1 - a2) digamma(a1)
 * + (b1 - b2) digamma(b1) + (a2 - a1 + b2 - b1) digamma(a1 + b1), elementwise.
 */
export function betaKL(p: Beta, q: Beta): Tensor {
  const [a1, b1, a2, b2] = [p.alpha, p.beta, q.alpha, q.beta];
  const s1 = add(a1, b1);
  const digammaTerms = add(
    add(mul(sub(a1, a2), digamma(a1)), mul(sub(b1, b2), digamma(b1))),
    mul(sub(add(a2, b2), s1), digamma(s1)),
  );
  return add(sub(logBeta(a2, b2), logBeta(a1, b1)), digammaTerms);
}
