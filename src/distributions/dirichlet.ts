import { ShapeError, describeShape } from "../core/errors.js";
import type { Rng } from "../core/rng.js";
import type { Tensor } from "../core/tensor.js";
import { add, mul, sub } from "../autodiff/ops/binary.js";
import { sumCols } from "../autodiff/ops/reduce.js";
import { reshape } from "../autodiff/ops/shape.js";
import { digamma, lgamma } from "../autodiff/ops/special.js";
import { log, shift } from "../autodiff/ops/unary.js";
import { dirichletPathwise } from "../autodiff/ops/implicit-gamma.js";
import { noGrad } from "../autodiff/tape.js";
import { assertDrawShape, assertInSupport, positiveParam, type Distribution, type ParamInput } from "./distribution.js";
import { simplex, type Support } from "./support.js";
import { sampleGamma } from "./variates.js";

/** log B(c) = sum_k lgamma(c_k) - lgamma(sum_k c_k) per row of c [R, K] -> [R]. */
function logMultivariateBeta(c: Tensor): Tensor {
  return sub(sumCols(lgamma(c)), lgamma(sumCols(c)));
}

/**
 * Dirichlet(c) over rows on the K-simplex: concentration [K] (one shared
 * row) or [B, K], entries > 0; p(x) = prod_k x_k^(c_k - 1) / B(c),
 * mean c / sum_k c_k. Batch [B] (1 for [K]), event [K]. Values are rows
 * [n, K] (n = B, or any n for one shared row). Parameters: numbers / arrays
 * (constants) or a positive Tensor (gradients of logProb, entropy and KL).
 * rsample: the sample draws, pathwise through the Gammas (implicit
 * reparameterization, Figurnov et al. 2018).
 */
export class Dirichlet implements Distribution {
  /** The concentration as given ([K] or [B, K]). */
  readonly concentration: Tensor;
  readonly support: Support = simplex;
  readonly reparameterized = true;

  constructor(concentration: ParamInput) {
    this.concentration = positiveParam("concentration", concentration);
    const c = this.concentration;
    if (c.rank > 2 || c.shape[c.rank - 1] < 2) {
      throw new ShapeError("concentration", "shape [K] or [B, K] with K >= 2", `shape ${describeShape(c.shape)}`);
    }
  }

  get categories(): number {
    return this.concentration.shape[this.concentration.rank - 1];
  }

  /** The concentration as rows [R, K] (a differentiable view, taken at each use). */
  get rows(): Tensor {
    const c = this.concentration;
    return c.rank === 2 ? c : reshape(c, [1, c.size]);
  }

  get batchShape(): readonly number[] {
    return [this.concentration.rank === 2 ? this.concentration.rows : 1];
  }

  get eventShape(): readonly number[] {
    return [this.categories];
  }

  /** Rows of `shape` [n, K] (default [B, K]): Gamma(c_k) draws (Marsaglia-Tsang) normalized per row, no gradient. */
  sample(rng: Rng, shape: readonly number[] = [this.batchShape[0], this.categories]): Tensor {
    return noGrad(() => this.rsample(rng, shape));
  }

  /**
   * The same draws as sample, pathwise in the concentration: x_k = G_k / sum_j G_j
   * with the implicit dG_k/dc_k of the Gamma draws (Figurnov et al. 2018).
   */
  rsample(rng: Rng, shape: readonly number[] = [this.batchShape[0], this.categories]): Tensor {
    const K = this.categories;
    assertDrawShape(shape, [["concentration", this.concentration]]);
    if (shape[shape.length - 1] !== K) throw new ShapeError("shape", `a last dim of ${K} (the categories)`, describeShape(shape));
    const g = noGrad(() => sampleGamma(rng, this.concentration, null, shape));
    return dirichletPathwise(this.concentration, g);
  }

  /** sum_k (c_k - 1) log x_k - log B(c) per row of value [n, K] -> [n] (DomainError naming value off the simplex). */
  logProb(value: Tensor): Tensor {
    const c = this.rows;
    const K = this.categories;
    if (value.rank !== 2 || value.shape[1] !== K || (c.rows !== 1 && value.rows !== c.rows)) {
      throw new ShapeError("value", `rows [${c.rows === 1 ? "n" : c.rows}, ${K}]`, `shape ${describeShape(value.shape)}`);
    }
    assertInSupport(value, simplex);
    return sub(sumCols(mul(shift(c, -1), log(value))), logMultivariateBeta(c));
  }

  /** H = log B(c) + (c0 - K) digamma(c0) - sum_k (c_k - 1) digamma(c_k), c0 = sum_k c_k -> [B]. */
  entropy(): Tensor {
    const c = this.rows;
    const c0 = sumCols(c);
    const h = add(logMultivariateBeta(c), mul(shift(c0, -this.categories), digamma(c0)));
    return sub(h, sumCols(mul(shift(c, -1), digamma(c))));
  }
}

/**
 * KL(Dir(p) || Dir(q)) = log B(q) - log B(p) + sum_k (p_k - q_k)(digamma(p_k) - digamma(p0)) -> [B]
 * (either may be one shared row).
 */
export function dirichletKL(p: Dirichlet, q: Dirichlet): Tensor {
  const [a, b] = [p.rows, q.rows];
  if (a.shape[1] !== b.shape[1] || (a.rows !== b.rows && a.rows !== 1 && b.rows !== 1)) {
    throw new ShapeError("q", `concentration rows [${a.rows}, ${a.shape[1]}] or [1, ${a.shape[1]}] (as p)`, `shape ${describeShape(b.shape)}`);
  }
  const centered = sub(digamma(a), reshape(digamma(sumCols(a)), [a.rows, 1]));
  return add(sub(logMultivariateBeta(b), logMultivariateBeta(a)), sumCols(mul(sub(a, b), centered)));
}
