import { DomainError } from "../core/errors.js";
import type { Rng } from "../core/rng.js";
import type { Tensor } from "../core/tensor.js";
import { enumerateDiscrete, scoreFunctionSurrogate, type RunningAverageBaseline } from "../autodiff/estimators.js";
import { detach, neg } from "../autodiff/ops/unary.js";
import { sub } from "../autodiff/ops/binary.js";
import { mean } from "../autodiff/ops/reduce.js";
import type { Batch, Model } from "../models/model.js";
import type { Guide } from "../models/guide.js";

export interface QpOptions {
  /** Baseline for the score-function part (discrete sites); updated with each batch's mean cost. */
  baseline?: RunningAverageBaseline;
  /**
   * Sum out the guide's enumeration site (guide.enumerationSite, a categorical
   * site with small K) exactly instead of sampling it: K guide draws per
   * datapoint, no score-function variance for that site. Default false.
   */
  enumerate?: boolean;
}

/**
 * qp loss = negative ELBO averaged over the batch (reverse KL):
 *   L(phi) = -(1/B) sum_b [log p(x_b, z_b) - log q_phi(z_b | x_b)],  z_b ~ q_phi(. | x_b).
 * Continuous sites are reparameterized (pathwise gradient); discrete sites use
 * the score function (REINFORCE) (cost - b) grad log q with an optional
 * running-average baseline b, or, with `enumerate`, the guide's enumeration
 * site k is summed out: ELBO = sum_k q(k | x) E_q(.|x,k)[log p - log q].
 * E_p(x)[L] = E_p(x)[KL(q || p(.|x)) - log p(x)].
 */
export function qpLoss(model: Model, guide: Guide, batch: Batch, rng: Rng, { baseline, enumerate = false }: QpOptions = {}): Tensor {
  if (enumerate) return mean(neg(enumeratedElbo(model, guide, batch, rng)));
  const draw = guide.sample(batch, rng);
  const negElbo = sub(draw.logQ, model.logJoint(draw.values, batch));
  if (!draw.logQScore) return mean(negElbo);
  const b = baseline ? baseline.value : 0;
  if (baseline) baseline.update(detach(negElbo));
  return mean(scoreFunctionSurrogate(draw.logQScore, negElbo, b));
}

/** ELBO_b = sum_k q(k | x_b) f_b(k), f(k) = log p(x, k, rest) - log q(k, rest | x), rest ~ q(. | x, k) -> [B]. */
function enumeratedElbo(model: Model, guide: Guide, batch: Batch, rng: Rng): Tensor {
  if (!guide.enumerationSite) {
    throw new DomainError("guide", "a guide with enumerationSite (for enumerate: true)", "a guide without it");
  }
  const { name, logits } = guide.enumerationSite(batch);
  const B = batch.obs.rows;
  return enumerateDiscrete(logits, (k) => {
    const draw = guide.sample(batch, rng, { [name]: new Int32Array(B).fill(k) });
    const elbo = sub(model.logJoint(draw.values, batch), draw.logQ);
    // other discrete sites still drawn: score function on their part (no baseline)
    return draw.logQScore ? neg(scoreFunctionSurrogate(draw.logQScore, neg(elbo))) : elbo;
  });
}
