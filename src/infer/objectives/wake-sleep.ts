import { DomainError, assertInteger } from "../../core/errors.js";
import { rwsLoss, wakePhiLoss } from "../rws.js";
import type { Objective } from "./objective.js";

/**
 * Reweighted wake-sleep, the guide's update (Bornschein & Bengio 2015; Le et al. 2019):
 *   L(phi) = alpha * wake-phi + (1 - alpha) * sleep-phi,
 *   wake-phi = -(1/B) sum_b sum_k w~_bk log q_phi(z_bk | x_b) (self-normalized weights, detached),
 *   sleep-phi = forward KL on joint draws.
 * alpha = 1: wake-phi only (RWS); alpha = 0: sleep-phi only (wake-sleep's sleep phase).
 * The model's update (wake-theta) is the IWAE bound: use iwaeBound() for the model's parameters.
 */
export function reweightedWakeSleep(options: { particles?: number; alpha?: number } = {}): Objective {
  const particles = options.particles ?? 10;
  assertInteger("particles", particles, 1);
  const alpha = options.alpha ?? 0.5;
  if (!(alpha >= 0 && alpha <= 1)) throw new DomainError("alpha", "a number in [0, 1]", String(alpha));
  return {
    name: `rws (K = ${particles}, alpha = ${alpha})`,
    drawsPerDatapoint: particles,
    loss: (ctx) => (alpha === 1 ? wakePhiLoss(ctx.model, ctx.guide, ctx.batch(), ctx.rng, { particles }) : rwsLoss(ctx.model, ctx.guide, ctx.batch(), ctx.rng, { particles, alpha })),
  };
}
