import { RunningAverageBaseline } from "../../autodiff/estimators.js";
import { logMeanExp, mean } from "../../autodiff/ops/reduce.js";
import { neg, scale } from "../../autodiff/ops/unary.js";
import { DomainError, assertInteger } from "../../core/errors.js";
import { iwaeLoss } from "../iwae.js";
import { drawParticles } from "../particles.js";
import type { Objective } from "./objective.js";

/**
 * The importance-weighted bound, negated (IWAE; Burda, Grosse & Salakhutdinov 2016):
 *   -L_K = -(1/B) sum_b log (1/K) sum_k p(x_b, z_bk) / q(z_bk | x_b),  z_bk ~ q(. | x_b);
 * reparameterized, with the score function (and a running-average baseline)
 * for discrete sites. K = 1 is the ELBO (per datapoint). Estimator: iwaeLoss.
 */
export function iwaeBound(options: { particles?: number; baselineDecay?: number } = {}): Objective {
  const particles = options.particles ?? 10;
  assertInteger("particles", particles, 1);
  const decay = options.baselineDecay ?? 0.9;
  let baseline = new RunningAverageBaseline(decay);
  return {
    name: `iwae (K = ${particles})`,
    drawsPerDatapoint: particles,
    start() {
      baseline = new RunningAverageBaseline(decay);
    },
    loss: (ctx) => iwaeLoss(ctx.model, ctx.guide, ctx.batch(), ctx.rng, { particles, baseline }),
  };
}

/**
 * The Renyi variational bound of order alpha, negated (Li & Turner 2016, "Renyi divergence variational inference"):
 *   L_alpha = (1 / (1 - alpha)) log (1/K) sum_k w_k^(1 - alpha),  w_k = p(x, z_k) / q(z_k | x),  z_k ~ q,
 * averaged over the batch. alpha = 0 is the IWAE bound, alpha -> 1 the ELBO;
 * alpha < 0 gives an estimate above log p(x) in expectation as K grows (mass-covering).
 * Reparameterized sites only.
 */
export function renyiBound(options: { alpha: number; particles?: number }): Objective {
  const { alpha } = options ?? {};
  if (!Number.isFinite(alpha)) throw new DomainError("alpha", "a finite number", String(alpha));
  const particles = options.particles ?? 10;
  assertInteger("particles", particles, 1);
  return {
    name: `renyi (alpha = ${alpha}, K = ${particles})`,
    drawsPerDatapoint: particles,
    loss(ctx) {
      const batch = ctx.batch();
      const { draw, logWeights } = drawParticles(ctx.model, ctx.guide, batch, particles, ctx.rng);
      if (draw.logQScore) throw new DomainError("guide", "reparameterized sites only (the Renyi bound has no score-function estimator here)", "a guide with discrete sites");
      if (alpha === 1) return neg(mean(logWeights));
      return neg(mean(scale(logMeanExp(scale(logWeights, 1 - alpha)), 1 / (1 - alpha))));
    },
  };
}
