import type { Rng } from "../core/rng.js";
import type { Tensor } from "../core/tensor.js";
import { scoreFunctionSurrogate, type RunningAverageBaseline } from "../autodiff/estimators.js";
import { detach } from "../autodiff/ops/unary.js";
import { sub } from "../autodiff/ops/binary.js";
import { mean } from "../autodiff/ops/reduce.js";
import type { Batch, Model } from "../models/model.js";
import type { Guide } from "./guide.js";

export interface QpOptions {
  /** Baseline for the score-function part (discrete sites); updated with each batch's mean cost. */
  baseline?: RunningAverageBaseline;
}

/**
 * qp loss = negative ELBO averaged over the batch (reverse KL):
 *   L(phi) = -(1/B) sum_b [log p(x_b, z_b) - log q_phi(z_b | x_b)],  z_b ~ q_phi(. | x_b).
 * Continuous sites are reparameterized (pathwise gradient); discrete sites use
 * the score function (REINFORCE) (cost - b) grad log q with an optional
 * running-average baseline b. E_p(x)[L] = E_p(x)[KL(q || p(.|x)) - log p(x)].
 */
export function qpLoss(model: Model, guide: Guide, batch: Batch, rng: Rng, { baseline }: QpOptions = {}): Tensor {
  const draw = guide.sample(batch, rng);
  const negElbo = sub(draw.logQ, model.logJoint(draw.values, batch));
  if (!draw.logQScore) return mean(negElbo);
  const b = baseline ? baseline.value : 0;
  if (baseline) baseline.update(detach(negElbo));
  return mean(scoreFunctionSurrogate(draw.logQScore, negElbo, b));
}
