import type { Rng } from "../core/rng.js";
import { Tensor } from "../core/tensor.js";
import { add, div, mul, sub } from "../autodiff/ops/binary.js";
import { laplaceLogProb } from "../autodiff/ops/densities.js";
import { abs, exp, log, neg, shift } from "../autodiff/ops/unary.js";
import { assertDrawShape, expandTo, paramTensor, positiveParam, ElementwiseDistribution, type ParamInput } from "./distribution.js";
import { real, type Support } from "./support.js";

/**
 * Laplace(loc, scale), scale > 0, elementwise: p(x) = exp(-|x - loc| / scale) / (2 scale);
 * mean loc, variance 2 scale^2. Parameters: numbers / arrays (constants) or
 * Tensors (scale positive); rsample is pathwise in both.
 */
export class Laplace extends ElementwiseDistribution {
  readonly loc: Tensor;
  readonly scale: Tensor;
  readonly support: Support = real;
  readonly reparameterized = true;

  constructor(loc: ParamInput, scale: ParamInput) {
    const l = paramTensor("loc", loc);
    const s = positiveParam("scale", scale);
    super([["loc", l], ["scale", s]]);
    this.loc = l;
    this.scale = s;
  }

  /** x = loc + scale e, e = -sign(u - 1/2) log(1 - 2|u - 1/2|) a standard Laplace by inversion of one uniform u. */
  rsample(rng: Rng, shape: readonly number[] = this.batchShape): Tensor {
    assertDrawShape(shape, this.params);
    const e = Tensor.empty(shape, "arena", this.loc.rt);
    const mark = e.rt.arena.mark();
    const u = rng.uniform(shape);
    e.rt.k.laplaceFromUniform(u.ptr, e.ptr, e.size);
    e.rt.arena.restore(mark);
    return add(mul(e, this.scale), this.loc);
  }

  /** -log(2 scale) - |x - loc| / scale, the value's shape. */
  logProb(value: Tensor): Tensor {
    return laplaceLogProb(value, this.loc, this.scale);
  }

  /** H = 1 + log(2 scale), the batch shape. */
  entropy(): Tensor {
    return expandTo(shift(log(this.scale), 1 + Math.LN2), this.batchShape);
  }
}

/**
 * KL(Laplace(m1, b1) || Laplace(m2, b2)) = log(b2 / b1) + |m1 - m2| / b2
 * + (b1 / b2) exp(-|m1 - m2| / b1) - 1, elementwise.
 */
export function laplaceKL(p: Laplace, q: Laplace): Tensor {
  const [b1, b2] = [p.scale, q.scale];
  const d = abs(sub(p.loc, q.loc));
  const tail = mul(div(b1, b2), exp(neg(div(d, b1))));
  return shift(add(add(log(div(b2, b1)), div(d, b2)), tail), -1);
}
