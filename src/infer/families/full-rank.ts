import { add, sub } from "../../autodiff/ops/binary.js";
import { packedTrilLogDet, packedTrilMatVec, packedTrilSize, packedTrilSolve } from "../../autodiff/ops/packed-triangular.js";
import { sumCols } from "../../autodiff/ops/reduce.js";
import { sliceCols } from "../../autodiff/ops/shape.js";
import { scale, shift, square } from "../../autodiff/ops/unary.js";
import { assertInteger } from "../../core/errors.js";
import type { Tensor } from "../../core/tensor.js";
import { assertContext, assertDraws, assertMeanAndLogStd, type DensityFamily } from "./density.js";

const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

/**
 * The full-rank Gaussian with a Cholesky factor per row
 * (Pyro's AutoMultivariateNormal; Kucukelbir et al. 2017, ADVI full-rank):
 *   q(u | c) = N(u; mean, L L^T),  u = mean + L eps,  eps ~ N(0, I),
 *   log q = -|L^{-1}(u - mean)|^2 / 2 - sum_j log L_jj - dim log(2 pi) / 2.
 * Context (dim + dim(dim+1)/2 values): mean [dim], then L's lower triangle
 * packed row by row, entry (j, k), k <= j, at dim + j(j+1)/2 + k, the
 * diagonal entries stored as log L_jj (any real row is a valid factor).
 * The per-row L x, L^{-1} r and log det are Wasm kernels
 * (src/autodiff/ops/packed-triangular.ts).
 */
export function fullRankGaussian(): DensityFamily {
  const size = (dim: number) => {
    assertInteger("dim", dim, 1);
    return dim + packedTrilSize(dim);
  };
  return {
    name: "full-rank Gaussian",
    contextSize: size,
    build(_specs, dim) {
      const P = size(dim);
      const split = (c: Tensor) => {
        assertContext("context", c, P);
        return { mean: sliceCols(c, 0, dim), L: sliceCols(c, dim, P) };
      };
      const logProb = (u: Tensor, mean: Tensor, L: Tensor) => {
        const z = packedTrilSolve(L, sub(u, mean));
        return sub(shift(scale(sumCols(square(z)), -0.5), -dim * HALF_LOG_2PI), packedTrilLogDet(L));
      };
      return {
        name: "full-rank Gaussian",
        dim,
        contextSize: P,
        rsample(context, rng) {
          const { mean, L } = split(context);
          const u = add(mean, packedTrilMatVec(L, rng.normal([context.rows, dim])));
          return { u, logQ: logProb(u, mean, L), logQScore: null };
        },
        logProb(u, context) {
          const { mean, L } = split(context);
          assertDraws(u, context.rows, dim);
          return logProb(u, mean, L);
        },
      };
    },
    /** mean, then L = diag(exp(logStd)): log diagonal logStd, off-diagonal 0 (exactly N(mean, diag exp(2 logStd))). */
    initialContext(mean, logStd) {
      const dim = assertMeanAndLogStd(mean, logStd);
      const c = new Float64Array(size(dim));
      for (let j = 0; j < dim; j++) {
        c[j] = mean[j];
        c[dim + packedTrilSize(j) + j] = logStd[j];
      }
      return c;
    },
  };
}
