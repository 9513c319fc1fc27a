import type { Rng } from "../core/rng.js";
import type { Tensor } from "../core/tensor.js";

import type { Support } from "../distributions/support.js";

export type { Support };

/**
 * A latent variable of a model: its name, size per draw, support, and whether
 * there is one per datapoint (local, e.g. z_n) or one per data set (global,
 * e.g. theta). Families (F-VI, Const, A-VI) are built from this declaration.
 */
export interface LatentSite {
  readonly name: string;
  readonly scope: "local" | "global";
  /** Number of reals per draw (continuous), 1 for categorical sites. */
  readonly dim: number;
  readonly support: Support;
}

/**
 * Values of latent sites for a batch of B datapoints: continuous sites as
 * Tensor [B, dim] (global sites [1, dim]), categorical sites as Int32Array [B]
 * (values 0..K-1).
 */
export type LatentValues = Record<string, Tensor | Int32Array>;

/**
 * A batch of observations: obs [B, D], the datapoints' indices in the data
 * set (for per-datapoint families and time series), and optional context
 * (e.g. the previous observation x_{n-1} of a time series), [B, C].
 */
export interface Batch {
  readonly obs: Tensor;
  readonly index?: Int32Array;
  readonly context?: Tensor;
}

/**
 * A probabilistic model p(z, x). logJoint returns the per-datapoint log joint
 * log p(x_b, z_b | globals) as a Tensor [B], differentiable w.r.t. continuous
 * latent values (and the model's own parameters, if it has any). Global
 * latents' prior is separate (logPriorGlobal) so that a minibatch estimate of
 * the full-data log joint is logPriorGlobal + (N / B) * sum_b logJoint_b.
 */
export interface Model {
  readonly name: string;
  readonly latents: readonly LatentSite[];
  /** Size of one observation. */
  readonly obsDim: number;
  logJoint(values: LatentValues, batch: Batch): Tensor;
  /** log p(globals), Tensor [1]; absent or returning 0 for models without globals / with a flat prior. */
  logPriorGlobal?(values: LatentValues): Tensor;
  /** n draws (latents, observations) from the joint, for pq / sleep losses and synthetic data. */
  sampleJoint?(n: number, rng: Rng): { values: LatentValues; batch: Batch };
  /**
   * True when the rows are not independent (a random walk, a GP over the
   * rows): logJoint needs the whole data set in data order as one batch
   * (no minibatches; FullBatchError otherwise).
   */
  readonly requiresFullSequence?: boolean;
}

/** The local latent sites of a model. */
export function localSites(model: Model): LatentSite[] {
  return model.latents.filter((s) => s.scope === "local");
}

/** The global latent sites of a model. */
export function globalSites(model: Model): LatentSite[] {
  return model.latents.filter((s) => s.scope === "global");
}
