import type { Tensor } from "../core/tensor.js";
import type { Distribution } from "../distributions/distribution.js";
import type { Support } from "../distributions/support.js";
import type { ParamStore } from "../nn/param-store.js";

/** Where a site lives: one value per datapoint of the plate (local) or one per data set (global). */
export type Scope = "local" | "global";

/**
 * A sample site as a trace records it. Values are 2-D: [B, dim] for local
 * sites (B = the plate's batch, i.e. the minibatch) and [1, dim] for global
 * ones; discrete values are integer-valued f64.
 * - logProb: log p(value) of each row, unscaled and unmasked, Tensor [rows];
 * - subsample: the plate's factor N / B (1 for global sites); scale: the
 *   explicit `m.scale` factor (1 by default); mask: a 0/1 Tensor [rows] or null.
 * The full-data log joint is sum_sites subsample * scale * sum_rows(mask * logProb).
 */
export interface SampleSite {
  readonly type: "sample";
  readonly name: string;
  readonly observed: boolean;
  readonly scope: Scope;
  /** Name of the enclosing plate, or null. */
  readonly plate: string | null;
  readonly dist: Distribution;
  readonly support: Support;
  /** Reals per row (1 for a discrete site). */
  readonly dim: number;
  readonly value: Tensor;
  readonly logProb: Tensor;
  readonly subsample: number;
  readonly scale: number;
  readonly mask: Tensor | null;
  /** True when the value was drawn in this run with rsample (a differentiable function of the distribution's parameters). */
  readonly reparameterized: boolean;
}

/** A learnable point parameter or module of the model (a decoder): its ParamStore is trained by maximum likelihood / the ELBO. */
export interface ParamSite {
  readonly type: "param";
  readonly name: string;
  readonly store: ParamStore;
}

export type Site = SampleSite | ParamSite;

/** Declaration of a latent site without values, from which guides are built (name, scope, dim, support). */
export interface SiteInfo {
  readonly name: string;
  readonly scope: Scope;
  readonly dim: number;
  readonly support: Support;
  readonly observed: boolean;
  /** The constructor name of the site's distribution (e.g. "Normal"), for summaries. */
  readonly distribution: string;
}
