import { assertInteger, DomainError, assertKnownOptions } from "../../core/errors.js";
import type { Rng } from "../../core/rng.js";
import type { Tensor } from "../../core/tensor.js";
import { scoreFunctionSurrogate, RunningAverageBaseline } from "../../autodiff/estimators.js";
import { logMeanExp, mean, sumCols } from "../../autodiff/ops/reduce.js";
import { reshape } from "../../autodiff/ops/shape.js";
import { detach, neg, scale } from "../../autodiff/ops/unary.js";
import { noGrad } from "../../autodiff/tape.js";
import type { Batch, Model } from "../../models/model.js";
import type { Proposal } from "../../models/guide.js";
import { drawParticles } from "../particles.js";
import type { Objective } from "./objective.js";


export interface IwaeOptions {
  /** Number of importance samples K per datapoint. Default 10. */
  particles?: number;
  /** Baseline for the score-function part (discrete sites); updated with each batch's mean cost. */
  baseline?: RunningAverageBaseline;
}

/**
 * IWAE loss (Burda et al. 2016) = negative importance-weighted bound averaged over the batch:
 *   L_K = -(1/B) sum_b log (1/K) sum_k p(x_b, z_bk) / q(z_bk | x_b),  z_bk ~ q(. | x_b).
 * Continuous sites are reparameterized. Discrete sites use the score function
 * with the whole bound as the cost: (-L_K,b - baseline) grad sum_k log q(z_bk | x_b)
 * (unbiased, but its variance grows with K: the cost is shared by all particles).
 * K = 1 is the qp loss (negative ELBO).
 */
export function iwaeLoss(model: Model, guide: Proposal, batch: Batch, rng: Rng, { particles = 10, baseline }: IwaeOptions = {}): Tensor {
  const { draw, logWeights } = drawParticles(model, guide, batch, particles, rng);
  const negBound = neg(logMeanExp(logWeights));
  if (!draw.logQScore) return mean(negBound);
  const logQScore = sumCols(reshape(draw.logQScore, [batch.obs.rows, particles]));
  const b = baseline ? baseline.value : 0;
  if (baseline) baseline.updateIfFinite(detach(negBound));
  return mean(scoreFunctionSurrogate(logQScore, negBound, b));
}

/** log w_bk = log p(x_b, z_bk) - log q(z_bk | x_b) for K draws per datapoint, as B arrays of K numbers (no gradient; chunks of ~maxRows rows). */
export function importanceLogWeights(model: Model, guide: Proposal, batch: Batch, K: number, rng: Rng, maxRows = 20_000): Float64Array[] {
  assertInteger("K", K, 1);
  const B = batch.obs.rows;
  const rows = Array.from({ length: B }, () => new Float64Array(K));
  const chunk = Math.max(1, Math.floor(maxRows / B));
  const arena = batch.obs.rt.arena;
  for (let start = 0; start < K; start += chunk) {
    const n = Math.min(chunk, K - start);
    const mark = arena.mark();
    const values = noGrad(() => drawParticles(model, guide, batch, n, rng).logWeights.toRows());
    arena.restore(mark);
    values.forEach((r, b) => rows[b].set(r, start));
  }
  return rows;
}

function logMeanExpOf(v: Float64Array): number {
  let m = -Infinity;
  for (const x of v) m = Math.max(m, x);
  if (!Number.isFinite(m)) return m;
  let s = 0;
  for (const x of v) s += Math.exp(x - m);
  return m + Math.log(s / v.length);
}

/**
 * IWAE estimate of log p(x_b) per datapoint (Burda et al. 2016), no gradient:
 * log (1/K) sum_k p(x_b, z_k) / q(z_k | x_b), z_k ~ q. A lower bound in
 * expectation that tightens as K grows. Particles are drawn in chunks of at most ~maxRows rows.
 */
export function iwaeLogLikelihood(model: Model, guide: Proposal, batch: Batch, K: number, rng: Rng, maxRows = 20_000): Float64Array {
  return Float64Array.from(importanceLogWeights(model, guide, batch, K, rng, maxRows), logMeanExpOf);
}

/** ELBO estimate per datapoint, no gradient: (1/K) sum_k [log p(x_b, z_k) - log q(z_k | x_b)], z_k ~ q. */
export function elboEstimate(model: Model, guide: Proposal, batch: Batch, K: number, rng: Rng, maxRows = 20_000): Float64Array {
  return Float64Array.from(importanceLogWeights(model, guide, batch, K, rng, maxRows), (r) => r.reduce((s, v) => s + v, 0) / r.length);
}

/**
 * The importance-weighted bound, negated (IWAE; Burda, Grosse & Salakhutdinov 2016):
 *   -L_K = -(1/B) sum_b log (1/K) sum_k p(x_b, z_bk) / q(z_bk | x_b),  z_bk ~ q(. | x_b);
 * reparameterized, with the score function (and a running-average baseline)
 * for discrete sites. K = 1 is the ELBO (per datapoint). Estimator: iwaeLoss.
 */
export function iwaeBound(options: { particles?: number; baselineDecay?: number } = {}): Objective {
  assertKnownOptions("options", options, ["particles", "baselineDecay"]);
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
    getState: () => baseline.getState(),
    setState: (state) => baseline.setState(state as { current: number; seen: boolean }),
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
  assertKnownOptions("options", options, ["alpha", "particles"]);
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
