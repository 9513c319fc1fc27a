import { DomainError, assertInteger, assertKnownOptions } from "../../core/errors.js";
import type { Rng } from "../../core/rng.js";
import type { Tensor } from "../../core/tensor.js";
import { add, mul } from "../../autodiff/ops/binary.js";
import { softmax, sum } from "../../autodiff/ops/reduce.js";
import { reshape } from "../../autodiff/ops/shape.js";
import { scale } from "../../autodiff/ops/unary.js";
import { noGrad } from "../../autodiff/tape.js";
import type { Batch, Model } from "../../models/model.js";
import type { Guide } from "../../models/guide.js";
import { drawParticles } from "../particles.js";
import type { Objective } from "./objective.js";
import { pqLoss } from "./forward-kl.js";

export interface WakePhiOptions {
  /** Number of importance samples K per datapoint. Default 10. */
  particles?: number;
}

export interface RwsOptions extends WakePhiOptions {
  /** Weight of the wake-phi term; 1 - alpha goes to sleep-phi (pqLoss). Default 0.5. */
  alpha?: number;
}

/**
 * Wake-phi loss of reweighted wake-sleep (Bornschein & Bengio 2015; Le et al. 2019):
 *   L(phi) = -(1/B) sum_b sum_k w~_bk log q_phi(z_bk | x_b),  z_bk ~ q_phi(. | x_b) (values detached),
 *   w~_bk = w_bk / sum_j w_bj,  w_bk = p(x_b, z_bk) / q_phi(z_bk | x_b) (detached).
 * A self-normalized importance-sampling estimate of the gradient of
 * E_p(x)[KL(p(.|x) || q_phi(.|x))] on the data (no REINFORCE: discrete sites need nothing special).
 */
export function wakePhiLoss(model: Model, guide: Guide, batch: Batch, rng: Rng, { particles = 10 }: WakePhiOptions = {}): Tensor {
  const B = batch.obs.rows;
  const { draw, repeated, weights } = noGrad(() => {
    const p = drawParticles(model, guide, batch, particles, rng);
    return { ...p, weights: softmax(p.logWeights) };
  });
  const logQ = reshape(guide.logProb(draw.values, repeated), [B, particles]);
  return scale(sum(mul(weights, logQ)), -1 / B);
}

/**
 * Reweighted wake-sleep phi-update mixing wake and sleep (Le et al. 2019, "Revisiting RWS"):
 *   L(phi) = alpha * L_wake-phi + (1 - alpha) * L_sleep-phi,  L_sleep-phi = pqLoss (joint draws, as many as the batch).
 * alpha = 1: RWS wake-phi only; alpha = 0: the sleep phase of wake-sleep (forward KL on the model's draws).
 */
export function rwsLoss(model: Model, guide: Guide, batch: Batch, rng: Rng, { particles = 10, alpha = 0.5 }: RwsOptions = {}): Tensor {
  if (!(alpha >= 0 && alpha <= 1)) throw new DomainError("alpha", "a number in [0, 1]", String(alpha));
  if (alpha === 1) return wakePhiLoss(model, guide, batch, rng, { particles });
  const sleep = pqLoss(model, guide, batch.obs.rows, rng);
  if (alpha === 0) return sleep;
  return add(scale(wakePhiLoss(model, guide, batch, rng, { particles }), alpha), scale(sleep, 1 - alpha));
}

/**
 * Reweighted wake-sleep, the guide's update (Bornschein & Bengio 2015; Le et al. 2019):
 *   L(phi) = alpha * wake-phi + (1 - alpha) * sleep-phi,
 *   wake-phi = -(1/B) sum_b sum_k w~_bk log q_phi(z_bk | x_b) (self-normalized weights, detached),
 *   sleep-phi = forward KL on joint draws.
 * alpha = 1: wake-phi only (RWS); alpha = 0: sleep-phi only (wake-sleep's sleep phase).
 * The model's update (wake-theta) is the IWAE bound: use iwaeBound() for the model's parameters.
 */
export function reweightedWakeSleep(options: { particles?: number; alpha?: number } = {}): Objective {
  assertKnownOptions("options", options, ["particles", "alpha"]);
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
