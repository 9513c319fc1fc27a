/**
 * The decoder-only bound of MAPA training (step 4 of our construction):
 * L_K(theta; x) = log (1/K) sum_k p_theta(x, z_k) / MAPA(z_k | x), z_k ~ MAPA(. | x).
 * An importance-weighted bound (Burda et al. 2016) whose proposal is fixed, so
 * its gradient reaches the generative model only.
 */
import { sub } from "../autodiff/ops/binary.js";
import { logMeanExp } from "../autodiff/ops/reduce.js";
import { repeatRows, reshape } from "../autodiff/ops/shape.js";
import { DomainError, assertInteger } from "../core/errors.js";
import type { Rng } from "../core/rng.js";
import type { Tensor } from "../core/tensor.js";
import type { Batch, Model } from "../models/model.js";
import type { FixedPosterior } from "./posterior.js";

/** Per-datapoint log (1/K) sum_k p(x_b, z_k) / q(z_k | x_b) with z_k from a fixed posterior -> [B] (differentiable in the model only). */
export function fixedPosteriorBound(model: Model, posterior: FixedPosterior, batch: Batch, K: number, rng: Rng): Tensor {
  assertInteger("K", K, 1);
  const site = model.latents.find((l) => l.scope === "local");
  if (!site || site.support.kind !== "real" || site.dim !== posterior.latentDim) {
    throw new DomainError("model", `one real local latent of dimension ${posterior.latentDim}`, site ? `${site.name} (${site.support.kind}, dim ${site.dim})` : "no local latent");
  }
  const B = batch.obs.rows;
  const { z, logQ } = posterior.sampleWithLogProb(batch, K, rng);
  const rep: Batch = { obs: repeatRows(batch.obs, K), ...(batch.context ? { context: repeatRows(batch.context, K) } : {}) };
  const logW = sub(model.logJoint({ [site.name]: z }, rep), logQ);
  return logMeanExp(reshape(logW, [B, K]));
}
