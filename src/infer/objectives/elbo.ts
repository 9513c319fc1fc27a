import { RunningAverageBaseline } from "../../autodiff/estimators.js";
import { scale as scaleOp } from "../../autodiff/ops/unary.js";
import { DomainError, assertInteger } from "../../core/errors.js";
import { negativeElbo } from "../elbo.js";
import { qpLoss } from "../qp.js";
import type { Objective } from "./objective.js";

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
 * negativeElbo (infer/elbo.ts) and qpLoss (infer/qp.ts).
 */
export function elbo(options: ElboObjectiveOptions = {}): Objective {
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
    loss(ctx) {
      if (scale === "datapoint" && samples === 1) return qpLoss(ctx.model, ctx.guide, ctx.batch(), ctx.rng, { baseline, enumerate: options.enumerate });
      const batch = ctx.batch();
      if (scale === "dataset") return negativeElbo(ctx.model, ctx.guide, batch, ctx.rng, { samples, dataSize: ctx.dataSize, baseline });
      // N = B: the batch's summed -ELBO, divided by B
      return scaleOp(negativeElbo(ctx.model, ctx.guide, batch, ctx.rng, { samples, baseline }), 1 / batch.obs.rows);
    },
  };
}
