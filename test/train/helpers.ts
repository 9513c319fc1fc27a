import { Rng } from "../../src/core/rng.js";
import { MapaPosterior } from "../../src/infer/mapa/posterior.js";
import { Dataset } from "../../src/infer/families/dataset.js";
import { elbo } from "../../src/infer/objectives/elbo.js";
import { vae, type VAE } from "../../src/infer/vae.js";
import { fit, type FitOptions, type FitResult } from "../../src/train/fit.js";

/** A tiny known-truth data set: z ~ N(0, 1), x = (z, sin(2 z)) + N(0, 0.1^2 I) in R^2, seeded. */
export function curveData(n: number, seed: number): number[][] {
  const rng = new Rng(seed);
  const e = rng.normal([n, 3]).toRows();
  return e.map(([z, a, b]) => [z + 0.1 * a, Math.sin(2 * z) + 0.1 * b]);
}

/** A small VAE for curveData: 2-H-H-2, Z = 1. */
export function smallVae(seed = 3, hidden = 32): VAE {
  return vae({ obsDim: 2, latentDim: 1, hidden, rng: seed });
}

/** fit of a VAE (model and encoder) on rows, the negative ELBO per datapoint by default. */
export function fitVae(v: VAE, rows: number[][], options: Partial<FitOptions> = {}): FitResult {
  return fit({ model: v.model, guide: v.guide, objective: elbo({ scale: "datapoint" }), data: new Dataset(rows, { dim: 2 }), ...options });
}

/** MAPA built from the rows (1-D latent): the library's fixed posterior, no parameters. */
export function mapaOf(rows: number[][], seed = 1): MapaPosterior {
  return MapaPosterior.fit(Float64Array.from(rows.flat()), rows[0].length, 1, new Rng(seed));
}
