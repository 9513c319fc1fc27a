import { add } from "../../autodiff/ops/binary.js";
import { normalRsample } from "../../autodiff/ops/gaussian.js";
import { lowRankNormalLogProb, rowMatVec } from "../../autodiff/ops/low-rank-normal.js";
import { reshape, sliceCols } from "../../autodiff/ops/shape.js";
import { DomainError, assertInteger, assertKnownOptions } from "../../core/errors.js";
import type { Tensor } from "../../core/tensor.js";
import { assertContext, assertDraws, assertMeanAndLogStd, type DensityFamily } from "./density.js";

export interface LowRankGaussianOptions {
  /** Columns r of the factor W [dim, r], 1 <= r <= dim. */
  rank: number;
}

/** Scale of the initial W relative to each coordinate's standard deviation. */
const INITIAL_FACTOR_SCALE = 0.1;

/** Entry (j, a) of the orthonormal DCT-II basis of R^dim (columns a = 0, 1, ...). */
function dctBasis(j: number, a: number, dim: number): number {
  return Math.sqrt((a === 0 ? 1 : 2) / dim) * Math.cos((Math.PI * (j + 0.5) * a) / dim);
}

/**
 * The low-rank + diagonal Gaussian (Pyro's AutoLowRankMultivariateNormal;
 * Rezende et al. 2014, Ong et al. 2018):
 *   q(u | c) = N(u; mean, W W^T + diag(exp(2 logD))),
 *   u = mean + W e1 + exp(logD) e2,  e1 ~ N(0, I_r), e2 ~ N(0, I_dim),
 * log q by Woodbury and the matrix determinant lemma on the r x r
 * capacitance I + W^T D^{-1} W (one Wasm kernel per row batch,
 * src/autodiff/ops/low-rank-normal.ts): O(dim r^2 + r^3) per row.
 * Context (dim (r + 2) values): mean [dim], W [dim, r] row-major
 * (W[j, a] at dim + j r + a), logD [dim].
 */
export function lowRankGaussian(options: LowRankGaussianOptions): DensityFamily {
  assertKnownOptions("options", options, ["rank"]);
  const r = options?.rank;
  assertInteger("rank", r, 1);
  const size = (dim: number) => {
    assertInteger("dim", dim, 1);
    if (r > dim) throw new DomainError("rank", `an integer in [1, ${dim}] (at most dim)`, String(r));
    return dim * (r + 2);
  };
  const name = `low-rank Gaussian (rank ${r})`;
  return {
    name,
    contextSize: size,
    build(_specs, dim) {
      const P = size(dim);
      const split = (c: Tensor) => {
        assertContext("context", c, P);
        const W = reshape(sliceCols(c, dim, dim * (r + 1)), [c.rows, dim, r]);
        return { mean: sliceCols(c, 0, dim), W, logD: sliceCols(c, dim * (r + 1), P) };
      };
      return {
        name,
        dim,
        contextSize: P,
        rsample(context, rng) {
          const { mean, W, logD } = split(context);
          const rows = context.rows;
          const u = normalRsample(add(mean, rowMatVec(W, rng.normal([rows, r]))), logD, rng.normal([rows, dim]));
          return { u, logQ: lowRankNormalLogProb(u, mean, W, logD), logQScore: null };
        },
        logProb(u, context) {
          const { mean, W, logD } = split(context);
          assertDraws(u, context.rows, dim);
          return lowRankNormalLogProb(u, mean, W, logD);
        },
      };
    },
    /**
     * mean; W[j, a] = 0.1 std_j B[j, a] with B the first r columns of the
     * orthonormal DCT-II basis; logD such that W W^T + D has the diagonal
     * exp(2 logStd) exactly (off-diagonal correlations at most 0.01).
     * Not W = 0: there the expected ELBO gradient in W vanishes (the
     * objective is even in W, W -> -W), a stationary point that only noise
     * leaves; orthogonal columns also keep the columns from moving alike.
     */
    initialContext(mean, logStd) {
      const dim = assertMeanAndLogStd(mean, logStd);
      const c = new Float64Array(size(dim));
      for (let j = 0; j < dim; j++) {
        const std = Math.exp(logStd[j]);
        let share = 0; // |w_j|^2 / std_j^2 <= 0.01
        for (let a = 0; a < r; a++) {
          const b = INITIAL_FACTOR_SCALE * dctBasis(j, a, dim);
          c[dim + j * r + a] = std * b;
          share += b * b;
        }
        c[j] = mean[j];
        c[dim * (r + 1) + j] = logStd[j] + 0.5 * Math.log1p(-share);
      }
      return c;
    },
  };
}
