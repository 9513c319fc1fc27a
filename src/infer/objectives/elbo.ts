import { scoreFunctionSurrogate, RunningAverageBaseline, enumerateDiscrete } from "../../autodiff/estimators.js";
import { add, sub } from "../../autodiff/ops/binary.js";
import { detach, scale, neg, scale as scaleOp } from "../../autodiff/ops/unary.js";
import { sum, mean } from "../../autodiff/ops/reduce.js";
import { assertInteger, DomainError, assertKnownOptions } from "../../core/errors.js";
import type { Rng } from "../../core/rng.js";
import type { Tensor } from "../../core/tensor.js";
import type { Batch, Model } from "../../models/model.js";
import type { Guide, GuideSample } from "../../models/guide.js";
import type { Objective } from "./objective.js";

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
      options.baseline?.updateIfFinite(detach(local));
      local = scoreFunctionSurrogate(draw.logQScore, local, b);
    }
    let term = scale(sum(local), N / B);
    if (draw.logQGlobal) term = add(term, draw.logQGlobal);
    if (model.logPriorGlobal) term = sub(term, sum(model.logPriorGlobal(draw.values)));
    total = total ? add(total, term) : term;
  }
  return M === 1 ? total! : scale(total!, 1 / M);
}

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
  if (baseline) baseline.updateIfFinite(detach(negElbo));
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

export interface ElboObjectiveOptions {
  /** Monte Carlo samples M per pass. Default 1. */
  samples?: number;
  /**
   * "dataset": the full-data -ELBO estimate (global latents once, locals
   * scaled by N / B), as F-VI / A-VI fits use; "datapoint": the mean
   * per-datapoint -ELBO (the qp loss of amortized inference on simulations).
   * Default "dataset".
   */
  scale?: "dataset" | "datapoint";
  /** Sum the guide's enumeration site out exactly (guide.enumerationSite); "datapoint" scale only. */
  enumerate?: boolean;
  /** Decay of the running-average baseline of score-function sites. Default 0.9. */
  baselineDecay?: number;
}

/**
 * The evidence lower bound, negated (reverse KL; Trace_ELBO):
 *   -ELBO = -E_q[log p(x, z) - log q(z | x)],
 * estimated per site: reparameterized where the guide's draw is (pathwise
 * gradient, Kingma & Welling 2014), score function with a running-average
 * baseline for discrete sites (Williams 1992; Ranganath et al. 2014), exact
 * enumeration of a small discrete site on request. The estimators are
 * negativeElbo and qpLoss above.
 */
export function elbo(options: ElboObjectiveOptions = {}): Objective {
  assertKnownOptions("options", options, ["samples", "scale", "enumerate", "baselineDecay"]);
  const samples = options.samples ?? 1;
  assertInteger("samples", samples, 1);
  const scale = options.scale ?? "dataset";
  if (scale !== "dataset" && scale !== "datapoint") throw new DomainError("scale", '"dataset" or "datapoint"', JSON.stringify(scale));
  if (options.enumerate && (scale !== "datapoint" || samples !== 1)) {
    throw new DomainError("enumerate", 'scale "datapoint" with samples 1', `scale "${scale}", samples ${samples}`);
  }
  const decay = options.baselineDecay ?? 0.9;
  let baseline = new RunningAverageBaseline(decay);
  return {
    name: options.enumerate ? "elbo (enumerated)" : "elbo",
    drawsPerDatapoint: samples,
    start() {
      baseline = new RunningAverageBaseline(decay);
    },
    getState: () => baseline.getState(),
    setState: (state) => baseline.setState(state as { current: number; seen: boolean }),
    loss(ctx) {
      if (scale === "datapoint" && samples === 1) return qpLoss(ctx.model, ctx.guide, ctx.batch(), ctx.rng, { baseline, enumerate: options.enumerate });
      const batch = ctx.batch();
      if (scale === "dataset") return negativeElbo(ctx.model, ctx.guide, batch, ctx.rng, { samples, dataSize: ctx.dataSize, baseline });
      // N = B: the batch's summed -ELBO, divided by B
      return scaleOp(negativeElbo(ctx.model, ctx.guide, batch, ctx.rng, { samples, baseline }), 1 / batch.obs.rows);
    },
  };
}
