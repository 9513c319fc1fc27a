import { DomainError } from "../core/errors.js";
import type { Rng } from "../core/rng.js";
import type { Tensor } from "../core/tensor.js";
import { add, div, mul, sub } from "../autodiff/ops/binary.js";
import { studentTLogProb } from "../autodiff/ops/densities.js";
import { digamma, lgamma } from "../autodiff/ops/special.js";
import { log, scale as times, shift, sqrt } from "../autodiff/ops/unary.js";
import { noGrad } from "../autodiff/tape.js";
import { assertDrawShape, expandTo, paramTensor, positiveParam, ElementwiseDistribution, type ParamInput } from "./distribution.js";
import { real, type Support } from "./support.js";
import { sampleGamma } from "./variates.js";

const HALF_LOG_PI = 0.5 * Math.log(Math.PI);

/**
 * Student's t with df nu > 0, loc and scale s > 0, elementwise:
 * p(x) = Gamma((nu + 1)/2) / (Gamma(nu/2) sqrt(nu pi) s) (1 + z^2/nu)^(-(nu + 1)/2),
 * z = (x - loc)/s; mean loc (nu > 1), variance s^2 nu / (nu - 2) (nu > 2).
 * Parameters: numbers / arrays (constants) or Tensors (df, scale positive);
 * logProb and entropy are differentiable in all three. rsample is pathwise
 * in loc and scale only: it needs a constant df (the gradient in df would
 * need implicit reparameterization of the Gamma draw), so `reparameterized`
 * is false for a df that requires a gradient.
 */
export class StudentT extends ElementwiseDistribution {
  readonly df: Tensor;
  readonly loc: Tensor;
  readonly scale: Tensor;
  readonly support: Support = real;

  constructor(df: ParamInput, loc: ParamInput = 0, scale: ParamInput = 1) {
    const nu = positiveParam("df", df);
    const l = paramTensor("loc", loc);
    const s = positiveParam("scale", scale);
    super([["df", nu], ["loc", l], ["scale", s]]);
    this.df = nu;
    this.loc = l;
    this.scale = s;
  }

  /** True unless df is a Tensor that requires a gradient (rsample then throws). */
  get reparameterized(): boolean {
    return !this.df.requiresGrad;
  }

  /** rsample without gradient (any df). */
  override sample(rng: Rng, shape: readonly number[] = this.batchShape): Tensor {
    return noGrad(() => this.draw(rng, shape));
  }

  /** x = loc + scale t, t = eps / sqrt(2 g / nu), eps ~ N(0, 1), g ~ Gamma(nu / 2, 1) (t fixed: pathwise in loc and scale). */
  rsample(rng: Rng, shape: readonly number[] = this.batchShape): Tensor {
    if (this.df.requiresGrad) {
      throw new DomainError("df", "a constant df for rsample (no pathwise gradient in df; use sample and a score-function estimator)", "a Tensor that requires a gradient");
    }
    return this.draw(rng, shape);
  }

  /** Draws of `shape`: normals first, then the Gamma draws. */
  private draw(rng: Rng, shape: readonly number[]): Tensor {
    assertDrawShape(shape, this.params);
    const t = noGrad(() => {
      const eps = rng.normal(shape);
      const g = sampleGamma(rng, times(this.df, 0.5), null, shape);
      return div(eps, sqrt(div(times(g, 2), this.df)));
    });
    return add(mul(t, this.scale), this.loc);
  }

  /** lgamma((nu + 1)/2) - lgamma(nu/2) - log(nu pi)/2 - log s - (nu + 1)/2 log(1 + z^2/nu), the value's shape. */
  logProb(value: Tensor): Tensor {
    return studentTLogProb(value, this.df, this.loc, this.scale);
  }

  /**
   * H = (nu + 1)/2 (digamma((nu + 1)/2) - digamma(nu/2)) + log(nu)/2 + log B(nu/2, 1/2) + log s,
   * log B(nu/2, 1/2) = lgamma(nu/2) + log(pi)/2 - lgamma((nu + 1)/2); the batch shape.
   */
  entropy(): Tensor {
    const h = times(this.df, 0.5);
    const hp = shift(h, 0.5);
    const digammaTerm = mul(hp, sub(digamma(hp), digamma(h)));
    const logBeta = shift(sub(lgamma(h), lgamma(hp)), HALF_LOG_PI);
    const H = add(add(digammaTerm, times(log(this.df), 0.5)), add(logBeta, log(this.scale)));
    return expandTo(H, this.batchShape);
  }
}
