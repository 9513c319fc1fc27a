// note-3 (amortized-inference note, model 3): a categorical z, then x | z and
// y | x, written once in the model language; its exact posterior (study code).
import { Tensor } from "../../../core/tensor.js";
import { pickCols, repeatRows } from "../../../autodiff/ops/shape.js";
import { Categorical } from "../../../distributions/categorical.js";
import { Normal } from "../../../distributions/normal.js";
import { defineModel, indicesOf, type ProbModel } from "../../../model/model.js";
import type { NormalMixture1D } from "./normal-mixture-1d.js";
import { MixturePrior, type MixturePriorOptions } from "./mixture-prior.js";

/**
 * note-3 model: z_n ~ Discrete(pi), x_n | z_n ~ N(mu_z, s_z^2), y_n | x_n ~
 * N(x_n, s^2); latent sites "z" (categorical K) and "x", observed site "y".
 */
export function discreteContinuousModel(options: MixturePriorOptions = {}): ProbModel {
  const { pi, mu, sK, s, K } = new MixturePrior(options);
  const row = (v: readonly number[]) => Tensor.from(v, [1, K], "persistent");
  const [logPi, means, logStds] = [row(pi.map(Math.log)), row(mu), row(sK.map(Math.log))];
  return defineModel("note-3", (m) => {
    m.plate("data", () => {
      const z = m.sample("z", new Categorical(repeatRows(logPi, m.rows)));
      const k = indicesOf(z);
      const x = m.sample("x", Normal.fromLogStd(perRow(means, k), perRow(logStds, k)));
      m.observe("y", new Normal(x, s));
    });
  });
}

/** out[b] = table[idx[b]] as [B, 1]: the component parameters of each datapoint (table: a constant [1, K]). */
function perRow(table: Tensor, idx: Int32Array): Tensor {
  return pickCols(repeatRows(table, idx.length), idx).reshape([idx.length, 1]);
}

/** Exact posterior of note-3 at one y. */
export interface DiscreteContinuousPosterior {
  /** p(z = k | y) = w_k(y). */
  z: number[];
  /** p(x | y, z = k) = N(mean_k, std_k^2). */
  xGivenZ: { mean: number; std: number }[];
  /** p(x | y) = sum_k w_k(y) p(x | y, k). */
  x: NormalMixture1D;
}

/** p(z | y) = w_z(y), p(x | y, z) closed form, p(x | y) their mixture. */
export function discreteContinuousPosterior(prior: MixturePrior, y: number): DiscreteContinuousPosterior {
  const x = prior.posterior(y);
  return { z: x.weights.slice(), xGivenZ: x.means.map((mean, k) => ({ mean, std: x.stds[k] })), x };
}
