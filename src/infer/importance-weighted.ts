import { sub } from "../autodiff/ops/binary.js";
import { logMeanExp, mean } from "../autodiff/ops/reduce.js";
import { repeatRows, reshape } from "../autodiff/ops/shape.js";
import { neg } from "../autodiff/ops/unary.js";
import { DomainError, assertInteger } from "../core/errors.js";
import type { Rng } from "../core/rng.js";
import type { Tensor } from "../core/tensor.js";
import type { GuideSample } from "../infer/guide.js";
import type { Batch, Model } from "../models/model.js";

/** A proposal for importance weighting: a Guide, a FixedPosterior, or anything that samples with log q. */
export interface Proposal {
  sample(batch: Batch, rng: Rng): GuideSample;
  /** K draws per row in the layout of repeatRows (row b*K + k), sharing per-row work (e.g. one encoder pass). */
  sampleRepeated?(batch: Batch, K: number, rng: Rng): GuideSample;
}

/** The batch with every row repeated K times (row b*K + k = row b), indices and context included. */
export function tileBatch(batch: Batch, K: number): Batch {
  if (K === 1) return batch;
  const index = batch.index ? new Int32Array(batch.index.length * K) : undefined;
  if (index && batch.index) for (let i = 0; i < index.length; i++) index[i] = batch.index[Math.floor(i / K)];
  return {
    obs: repeatRows(batch.obs, K),
    index,
    context: batch.context ? repeatRows(batch.context, K) : undefined,
  };
}

/** K draws per row of the batch from q, and the repeated batch they belong to. */
export function drawRepeated(q: Proposal, batch: Batch, K: number, rng: Rng): { draw: GuideSample; repeated: Batch } {
  const repeated = tileBatch(batch, K);
  const draw = q.sampleRepeated ? q.sampleRepeated(batch, K, rng) : q.sample(repeated, rng);
  if (draw.logQScore) throw new DomainError("q", "a proposal with reparameterized (continuous) draws only", "discrete draws");
  return { draw, repeated };
}

/**
 * Log importance weights log w_bk = log p(x_b, z_bk) - log q(z_bk | x_b),
 * z_bk ~ q(. | x_b), k < K, as a [B, K] tensor.
 */
export function logImportanceWeights(model: Model, q: Proposal, batch: Batch, rng: Rng, K: number): Tensor {
  assertInteger("K", K, 1);
  const { draw, repeated } = drawRepeated(q, batch, K, rng);
  return reshape(sub(model.logJoint(draw.values, repeated), draw.logQ), [batch.obs.rows, K]);
}

/**
 * Negative importance-weighted bound (Burda et al. 2016, IWAE), averaged over the batch:
 *   L = -(1/B) sum_b log (1/K) sum_k p(x_b, z_bk) / q(z_bk | x_b),  z_bk ~ q(. | x_b);
 * K = 1 is the negative ELBO. Reparameterized draws only. With a fixed q
 * (MAPA) only the model's parameters get gradients.
 */
export function importanceWeightedLoss(model: Model, q: Proposal, batch: Batch, rng: Rng, K: number): Tensor {
  return neg(mean(logMeanExp(logImportanceWeights(model, q, batch, rng, K))));
}
