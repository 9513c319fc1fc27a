import { DomainError } from "../../core/errors.js";
import type { Rng } from "../../core/rng.js";
import type { Tensor } from "../../core/tensor.js";
import { neg } from "../../autodiff/ops/unary.js";
import { mean } from "../../autodiff/ops/reduce.js";
import type { Model } from "../../models/model.js";
import type { Guide } from "../../models/guide.js";
import type { Objective } from "./objective.js";

/**
 * pq loss (forward KL; inference compilation, Le et al. 2017; the sleep-phi
 * phase of wake-sleep): L(phi) = -(1/B) sum_b log q_phi(z_b | x_b) with
 * (z_b, x_b) ~ p(z, x) drawn from the model's joint. Its expectation is
 * E_p(x)[KL(p(.|x) || q_phi(.|x))] + const.
 */
export function pqLoss(model: Model, guide: Guide, batchSize: number, rng: Rng): Tensor {
  if (!model.sampleJoint) {
    throw new DomainError("model", "a model with sampleJoint (pq needs draws from the joint)", `model "${model.name}" without it`);
  }
  const { values, batch } = model.sampleJoint(batchSize, rng);
  return neg(mean(guide.logProb(values, batch)));
}

/**
 * Forward KL on joint draws, "pq" (inference compilation, Le, Baydin & Wood
 * 2017; neural posterior estimation; the sleep-phi phase of wake-sleep,
 * Hinton et al. 1995):
 *   L(phi) = -(1/B) sum_b log q_phi(z_b | x_b),  (z_b, x_b) ~ p(z, x),
 * whose expectation is E_p(x)[KL(p(.|x) || q_phi(.|x))] + const. It makes its
 * own B draws from the model's joint (the model's forward run) each pass.
 */
export function forwardKL(): Objective {
  return { name: "forward KL (pq)", loss: (ctx) => pqLoss(ctx.model, ctx.guide, ctx.batchSize, ctx.rng) };
}
