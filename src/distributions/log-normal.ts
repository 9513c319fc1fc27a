import type { Rng } from "../core/rng.js";
import { Tensor } from "../core/tensor.js";
import { add, sub } from "../autodiff/ops/binary.js";
import { normalKL } from "../autodiff/ops/gaussian.js";
import { exp, log } from "../autodiff/ops/unary.js";
import { noGrad } from "../autodiff/tape.js";
import { assertInSupport, expandTo, type Distribution, type ParamInput } from "./distribution.js";
import { Normal } from "./normal.js";
import { positive, type Support } from "./support.js";

/**
 * LogNormal(loc, scale): x = exp(y), y ~ N(loc, scale^2), elementwise on x > 0:
 * log p(x) = log N(log x; loc, scale^2) - log x; mean exp(loc + scale^2/2).
 * `new LogNormal(loc, scale)` takes scale > 0 (numbers / arrays constant, a
 * Tensor differentiable through log(scale)); `LogNormal.fromLogScale(loc,
 * logScale)` takes an unconstrained log-scale Tensor. rsample = exp(Normal rsample).
 */
export class LogNormal implements Distribution {
  /** The Normal of log x. */
  readonly base: Normal;
  readonly support: Support = positive;
  readonly reparameterized = true;
  readonly eventShape: readonly number[] = [];

  constructor(loc: ParamInput, scale: ParamInput | { logStd: Tensor }) {
    this.base = new Normal(loc, scale);
  }

  /** LogNormal with log x ~ N(loc, exp(logScale)^2), logScale a Tensor. */
  static fromLogScale(loc: ParamInput, logScale: Tensor): LogNormal {
    return new LogNormal(loc, { logStd: logScale });
  }

  get loc(): Tensor {
    return this.base.mean;
  }

  get logScale(): Tensor {
    return this.base.logStd;
  }

  get batchShape(): readonly number[] {
    return this.base.batchShape;
  }

  /** rsample without gradient. */
  sample(rng: Rng, shape: readonly number[] = this.batchShape): Tensor {
    return noGrad(() => this.rsample(rng, shape));
  }

  /** x = exp(loc + scale eps), eps ~ N(0, 1). */
  rsample(rng: Rng, shape: readonly number[] = this.batchShape): Tensor {
    return exp(this.base.rsample(rng, shape));
  }

  /** log N(log x; loc, scale^2) - log x, the value's shape (DomainError naming value unless x > 0). */
  logProb(value: Tensor): Tensor {
    assertInSupport(value, positive);
    const y = log(value);
    return sub(this.base.logProb(y), y);
  }

  /** H = loc + 1/2 + log(scale) + log(2 pi)/2 (the Normal's entropy plus loc), the batch shape. */
  entropy(): Tensor {
    return add(this.base.entropy(), expandTo(this.loc, this.batchShape));
  }
}

/** KL(LogNormal(m1, s1) || LogNormal(m2, s2)) = KL(N(m1, s1^2) || N(m2, s2^2)) (KL is invariant under the bijection exp), elementwise. */
export function logNormalKL(p: LogNormal, q: LogNormal): Tensor {
  return normalKL(p.loc, p.logScale, q.loc, q.logScale, { elementwise: true });
}
