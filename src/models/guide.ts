import type { Rng } from "../core/rng.js";
import type { Tensor } from "../core/tensor.js";
import type { Batch, LatentValues } from "./model.js";
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
 * Anything that draws latents given data with their log density: a Guide, or
 * a fixed posterior approximation with no parameters (MAPA). Importance
 * weighting (IWAE, RWS, log-likelihood estimates) needs only this.
 */
export interface Proposal {
  sample(batch: Batch, rng: Rng): GuideSample;
  /**
   * Optional: K draws per row in the repeatRows layout (row b * K + k belongs
   * to datapoint b), sharing per-row work such as one encoder pass.
   */
  sampleRepeated?(batch: Batch, K: number, rng: Rng): GuideSample;
}

/**
 * A variational family for the latents of a model given data: an inference
 * network (A-VI), free per-datapoint parameters (F-VI), or one shared factor
 * (Const). Objectives in infer/ only use this interface.
 */
export interface Guide extends Proposal {
  /** Parameter stores updated by the optimizer (one Adam call each). */
  readonly params: readonly ParamStore[];
  /**
   * One draw per datapoint. With `given`, the sites it names take those values
   * instead of being drawn (logQ still includes their log q; logQScore
   * covers only the sites that were drawn): used to enumerate a discrete site.
   */
  sample(batch: Batch, rng: Rng, given?: LatentValues): GuideSample;
  /** log q(values | x) for given values (pq / sleep loss, RWS), Tensor [B]. */
  logProb(values: LatentValues, batch: Batch): Tensor;
  /**
   * Optional: the categorical site that qpLoss(..., { enumerate: true }) sums
   * out exactly, with the logits [B, K] of q(site | x) (its first discrete site;
   * the guide's other sites may depend on it through `given`).
   */
  enumerationSite?(batch: Batch): { name: string; logits: Tensor };
  /**
   * Optional: M independent draws for the same batch, computing the factors
   * (e.g. an inference network's outputs) once. Objectives fall back to M calls of sample().
   */
  sampleMany?(batch: Batch, rng: Rng, M: number): GuideSample[];
}

/**
 * A FIXED posterior approximation q(z | x) for decoder-only training (MAPA):
 * no trainable parameters; sample() draws z for each row of batch.obs
 * (values.z [B, Z], logQ [B] = log q(z | x), logQScore null), logProb()
 * evaluates log q(z | x) -> [B]. batch.index holds the training indices of
 * the rows when the batch comes from the training set. Optionally
 * sampleRepeated(batch, K, rng) returns K draws per row in the layout of
 * repeatRows (row b*K + k) without repeating the work per draw.
 */
export interface FixedPosterior extends Proposal {
  readonly params?: readonly [];
  logProb(values: LatentValues, batch: Batch): Tensor;
}
