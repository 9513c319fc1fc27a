import { DomainError } from "../core/errors.js";
import type { Rng } from "../core/rng.js";
import type { Tensor } from "../core/tensor.js";
import { add, mul, sub } from "../autodiff/ops/binary.js";
import { uniformLogProb } from "../autodiff/ops/densities.js";
import { log } from "../autodiff/ops/unary.js";
import { noGrad } from "../autodiff/tape.js";
import { assertDrawShape, paramTensor, ElementwiseDistribution, type ParamInput } from "./distribution.js";
import { interval, type Support } from "./support.js";

/** Throws DomainError naming `argument` unless a - b >= 0 (closed) / > 0 everywhere (one Wasm scan). */
function assertAbove(argument: string, expected: string, a: Tensor, b: Tensor, closed: boolean): void {
  noGrad(() => {
    const d = sub(a, b);
    const bad = d.rt.k.firstOutsideInterval(d.ptr, d.size, 0, Infinity, closed ? 1 : 0);
    if (bad >= 0) throw new DomainError(argument, expected, `a difference of ${d.view()[bad]} at index ${bad}`);
  });
}

/**
 * Uniform(low, high), low < high, elementwise: p(x) = 1 / (high - low) on
 * [low, high]; mean (low + high) / 2, variance (high - low)^2 / 12.
 * Parameters: numbers / arrays (constants) or Tensors; rsample
 * low + (high - low) u is pathwise in both.
 */
export class Uniform extends ElementwiseDistribution {
  readonly low: Tensor;
  readonly high: Tensor;
  readonly reparameterized = true;
  /**
   * interval(low, high) for scalar bounds; for per-element bounds the hull
   * interval(min low, max high) (Support holds two numbers: a transform onto
   * each element's own interval needs `low` and `high` themselves). Fixed at
   * construction (a model run reads it at every step).
   */
  readonly support: Support;

  constructor(low: ParamInput, high: ParamInput) {
    const lo = paramTensor("low", low);
    const hi = paramTensor("high", high);
    super([["low", lo], ["high", hi]]);
    this.low = lo;
    this.high = hi;
    assertAbove("high", "values > low", this.high, this.low, false);
    this.support = interval(Math.min(...this.low.toArray()), Math.max(...this.high.toArray()));
  }

  /** x = low + (high - low) u, u ~ U[0, 1) (Philox). */
  rsample(rng: Rng, shape: readonly number[] = this.batchShape): Tensor {
    assertDrawShape(shape, this.params);
    return add(mul(rng.uniform(shape), sub(this.high, this.low)), this.low);
  }

  /** -log(high - low) on [low, high] (DomainError naming value outside), the value's shape. */
  logProb(value: Tensor): Tensor {
    return uniformLogProb(value, this.low, this.high);
  }

  /** H = log(high - low), the batch shape. */
  entropy(): Tensor {
    return log(sub(this.high, this.low));
  }
}

/** KL(U(l1, h1) || U(l2, h2)) = log((h2 - l2) / (h1 - l1)) when [l1, h1] lies in [l2, h2] (else infinite: DomainError naming q). */
export function uniformKL(p: Uniform, q: Uniform): Tensor {
  const expected = "a Uniform whose [low, high] contains p's (otherwise KL(p || q) is infinite)";
  assertAbove("q", expected, p.low, q.low, true);
  assertAbove("q", expected, q.high, p.high, true);
  return sub(log(sub(q.high, q.low)), log(sub(p.high, p.low)));
}
