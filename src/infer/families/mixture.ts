import { add } from "../../autodiff/ops/binary.js";
import { categoricalLogProb, sampleCategorical } from "../../autodiff/ops/categorical.js";
import { gatherRows } from "../../autodiff/ops/gather.js";
import { normalLogProb, normalRsample } from "../../autodiff/ops/gaussian.js";
import { logSoftmax, logSumExp } from "../../autodiff/ops/reduce.js";
import { repeatRows, reshape, sliceCols } from "../../autodiff/ops/shape.js";
import { assertInteger, assertKnownOptions } from "../../core/errors.js";
import type { Tensor } from "../../core/tensor.js";
import { assertContext, assertDraws, assertMeanAndLogStd, type DensityFamily } from "./density.js";

export interface GaussianMixtureOptions {
  /** Number of diagonal Gaussian components K >= 1. */
  components: number;
}

/** Spread of the initial component means: offsets of +-SPREAD standard deviations. */
const SPREAD = 0.5;

/**
 * A mixture of K diagonal Gaussians; with its context from an inference
 * network, a mixture density network (Bishop 1994; sbi's MDN):
 *   q(u | c) = sum_k pi_k N(u; mu_k, diag(sigma_k^2)),  pi = softmax(logits),
 *   log q = logsumexp_k (log pi_k + log N(u; mu_k, sigma_k^2)).
 * rsample draws k ~ Categorical(pi) (not reparameterized) and
 * u = mu_k + sigma_k eps (pathwise); logQ is the whole mixture density
 * (differentiable in u and c) and logQScore = log pi_k, the component
 * choice's log-probability, for the score-function term of the objectives
 * (elbo's scoreFunctionSurrogate).
 * Context (K (1 + 2 dim) values): logits [K], means [K, dim] (mu_k[j] at
 * K + k dim + j), logStds [K, dim] (at K + K dim + k dim + j).
 */
export function gaussianMixture(options: GaussianMixtureOptions): DensityFamily {
  assertKnownOptions("options", options, ["components"]);
  const K = options?.components;
  assertInteger("components", K, 1);
  const size = (dim: number) => {
    assertInteger("dim", dim, 1);
    return K * (1 + 2 * dim);
  };
  const name = `mixture of ${K} Gaussians`;
  return {
    name,
    contextSize: size,
    build(_specs, dim) {
      const P = size(dim);
      /** logits [rows, K]; means and logStds [rows K, dim], row b K + k for component k of row b. */
      const split = (c: Tensor) => {
        assertContext("context", c, P);
        const component = (start: number) => reshape(sliceCols(c, start, start + K * dim), [c.rows * K, dim]);
        return { logits: sliceCols(c, 0, K), means: component(K), logStds: component(K + K * dim) };
      };
      const logProb = (u: Tensor, p: ReturnType<typeof split>) => {
        const perComponent = reshape(normalLogProb(repeatRows(u, K), p.means, p.logStds), [u.rows, K]);
        return logSumExp(add(perComponent, logSoftmax(p.logits)));
      };
      return {
        name,
        dim,
        contextSize: P,
        rsample(context, rng) {
          const p = split(context);
          const k = sampleCategorical(p.logits, rng);
          const picked = Int32Array.from(k, (kb, b) => b * K + kb);
          const u = normalRsample(gatherRows(p.means, picked), gatherRows(p.logStds, picked), rng.normal([context.rows, dim]));
          return { u, logQ: logProb(u, p), logQScore: categoricalLogProb(p.logits, k) };
        },
        logProb(u, context) {
          const p = split(context);
          assertDraws(u, context.rows, dim);
          return logProb(u, p);
        },
      };
    },
    /**
     * Equal logits; mu_k = mean + t_k std s, t_k from -0.5 to 0.5 evenly
     * (0 for K = 1), s = (1, -1, 1, ...), so the components are not
     * symmetric (identical components would get identical gradients);
     * sigma_k = std sqrt(1 - v), v = mean_k t_k^2, so that the mixture's
     * mean and marginal variances are exactly mean and exp(2 logStd).
     */
    initialContext(mean, logStd) {
      const dim = assertMeanAndLogStd(mean, logStd);
      const c = new Float64Array(size(dim));
      const t = Array.from({ length: K }, (_, k) => (K === 1 ? 0 : SPREAD * ((2 * k) / (K - 1) - 1)));
      const v = t.reduce((s, tk) => s + tk * tk, 0) / K;
      for (let k = 0; k < K; k++) {
        for (let j = 0; j < dim; j++) {
          c[K + k * dim + j] = mean[j] + t[k] * Math.exp(logStd[j]) * (j % 2 === 0 ? 1 : -1);
          c[K + K * dim + k * dim + j] = logStd[j] + 0.5 * Math.log1p(-v);
        }
      }
      return c;
    },
  };
}
