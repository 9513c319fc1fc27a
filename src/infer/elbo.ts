import { scoreFunctionSurrogate, type RunningAverageBaseline } from "../autodiff/estimators.js";
import { add, sub } from "../autodiff/ops/binary.js";
import { detach, scale } from "../autodiff/ops/unary.js";
import { sum } from "../autodiff/ops/reduce.js";
import { assertInteger } from "../core/errors.js";
import type { Rng } from "../core/rng.js";
import type { Tensor } from "../core/tensor.js";
import type { Batch, Model } from "../models/model.js";
import type { Guide, GuideSample } from "../models/guide.js";

export interface ElboOptions {
  /** Monte Carlo samples M per step. Default: 1. */
  samples?: number;
  /** Data set size N (the minibatch term is scaled by N / B). Default: the batch size. */
  dataSize?: number;
  /** Running-average baseline for discrete (score-function) sites, as in qpLoss. */
  baseline?: RunningAverageBaseline;
}

/**
 * Negative ELBO of the whole data set from a minibatch, with global latents:
 *   -ELBO ~= -(1/M) sum_m [ log p(theta_m) - log q(theta_m)
 *            + (N/B) sum_b ( log p(x_b, z_bm | theta_m) - log q(z_bm | x_b) ) ],
 * (theta_m, z_bm) ~ q reparameterized (score function for discrete sites, as
 * in qpLoss). Unbiased for the full-data -ELBO; returns Tensor [1].
 * With N = B and no globals this is B times qpLoss.
 */
export function negativeElbo(model: Model, guide: Guide, batch: Batch, rng: Rng, options: ElboOptions = {}): Tensor {
  const M = options.samples ?? 1;
  assertInteger("samples", M, 1);
  const B = batch.obs.rows;
  const N = options.dataSize ?? B;
  assertInteger("dataSize", N, 1);
  const draws: GuideSample[] = guide.sampleMany ? guide.sampleMany(batch, rng, M) : Array.from({ length: M }, () => guide.sample(batch, rng));
  let total: Tensor | null = null;
  for (const draw of draws) {
    let local = sub(draw.logQ, model.logJoint(draw.values, batch));
    if (draw.logQScore) {
      const b = options.baseline ? options.baseline.value : 0;
      options.baseline?.update(detach(local));
      local = scoreFunctionSurrogate(draw.logQScore, local, b);
    }
    let term = scale(sum(local), N / B);
    if (draw.logQGlobal) term = add(term, draw.logQGlobal);
    if (model.logPriorGlobal) term = sub(term, sum(model.logPriorGlobal(draw.values)));
    total = total ? add(total, term) : term;
  }
  return M === 1 ? total! : scale(total!, 1 / M);
}
