// K importance particles per datapoint, shared by the multi-sample objectives
// (objectives/importance-weighted.ts, objectives/wake-sleep.ts): the batch is repeated so that one guide call draws all
// B * K particles, and the log weights come back as [B, K].
import { DomainError, assertInteger } from "../core/errors.js";
import type { Rng } from "../core/rng.js";
import type { Tensor } from "../core/tensor.js";
import { sub } from "../autodiff/ops/binary.js";
import { repeatRows, reshape } from "../autodiff/ops/shape.js";
import { globalSites, type Batch, type Model } from "../models/model.js";
import type { GuideSample, Proposal } from "../models/guide.js";

/** The batch with every datapoint repeated K times in a row: row b * K + j is datapoint b (repeatRows layout). */
export function repeatBatch(batch: Batch, K: number): Batch {
  assertInteger("K", K, 1);
  if (K === 1) return batch;
  const index = batch.index ? Int32Array.from({ length: batch.index.length * K }, (_, i) => batch.index![Math.floor(i / K)]) : undefined;
  return {
    obs: repeatRows(batch.obs, K),
    ...(index ? { index } : {}),
    ...(batch.context ? { context: repeatRows(batch.context, K) } : {}),
  };
}

/** K particles of one batch: the guide's draw on the repeated batch and log w = log p(x, z) - log q(z | x) as [B, K]. */
export interface Particles {
  draw: GuideSample;
  repeated: Batch;
  logWeights: Tensor;
}

/** K draws per datapoint from q (one call: sampleRepeated if q has it, else sample on the repeated batch). */
export function sampleParticles(q: Proposal, batch: Batch, K: number, rng: Rng): { draw: GuideSample; repeated: Batch } {
  assertInteger("particles", K, 1);
  const repeated = repeatBatch(batch, K);
  const draw = q.sampleRepeated && K > 1 ? q.sampleRepeated(batch, K, rng) : q.sample(repeated, rng);
  return { draw, repeated };
}

/**
 * z_bk ~ q(. | x_b), k < K, and log w_bk = log p(x_b, z_bk) - log q(z_bk | x_b) -> [B, K]
 * (differentiable where the guide's draw is). Local latents only: a global
 * site would be drawn once for all particles, which is not an importance sample.
 */
export function drawParticles(model: Model, guide: Proposal, batch: Batch, K: number, rng: Rng): Particles {
  assertInteger("particles", K, 1);
  const globals = globalSites(model);
  if (globals.length > 0) {
    throw new DomainError("model", "a model with local latents only (multi-particle objectives)", `global sites ${globals.map((s) => s.name).join(", ")}`);
  }
  const B = batch.obs.rows;
  const { draw, repeated } = sampleParticles(guide, batch, K, rng);
  const logWeights = reshape(sub(model.logJoint(draw.values, repeated), draw.logQ), [B, K]);
  return { draw, repeated, logWeights };
}
