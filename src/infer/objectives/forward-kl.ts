import { pqLoss } from "../pq.js";
import type { Objective } from "./objective.js";

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
