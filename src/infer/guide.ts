import type { Rng } from "../core/rng.js";
import type { Tensor } from "../core/tensor.js";
import type { Batch, LatentValues } from "../models/model.js";
import type { ParamStore } from "../nn/index.js";

/**
 * One draw from a guide q(z | x) for each datapoint of a batch.
 * - values: the latent draws (continuous ones reparameterized, i.e.
 *   differentiable functions of the guide's parameters);
 * - logQ: log q(values | x), Tensor [B], differentiable;
 * - logQScore: the part of logQ that belongs to draws that are NOT
 *   reparameterized (discrete sites), Tensor [B], or null if there are none:
 *   the score-function estimator needs it separately.
 */
export interface GuideSample {
  values: LatentValues;
  logQ: Tensor;
  logQScore: Tensor | null;
  /**
   * log q(globals), Tensor [1], when the guide also draws the model's global
   * latents (their values are then in `values`, shape [1, dim]); absent otherwise.
   */
  logQGlobal?: Tensor;
}

/**
 * A variational family for the latents of a model given data: an inference
 * network (A-VI), free per-datapoint parameters (F-VI), or one shared factor
 * (Const). Objectives in infer/ only use this interface.
 */
export interface Guide {
  /** Parameter stores updated by the optimizer (one Adam call each). */
  readonly params: readonly ParamStore[];
  sample(batch: Batch, rng: Rng): GuideSample;
  /** log q(values | x) for given values (pq / sleep loss, RWS), Tensor [B]. */
  logProb(values: LatentValues, batch: Batch): Tensor;
  /**
   * Optional: M independent draws for the same batch, computing the factors
   * (e.g. an inference network's outputs) once. Objectives fall back to M calls of sample().
   */
  sampleMany?(batch: Batch, rng: Rng, M: number): GuideSample[];
}
