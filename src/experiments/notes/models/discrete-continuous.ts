import type { Rng } from "../../../core/rng.js";
import type { Tensor } from "../../../core/tensor.js";
import { add } from "../../../autodiff/ops/binary.js";
import { normalLogProb } from "../../../autodiff/ops/gaussian.js";
import { pickCols, repeatRows } from "../../../autodiff/ops/shape.js";
import type { Batch, LatentSite, LatentValues, Model } from "../../../models/model.js";
import type { NormalMixture1D } from "./normal-mixture-1d.js";
import { MixturePrior, type MixturePriorOptions } from "./mixture-prior.js";
import { continuousValue, discreteValue, gather } from "./latent-values.js";

/** Exact posterior of note-3 at one y. */
export interface DiscreteContinuousPosterior {
  /** p(z = k | y) = w_k(y). */
  z: number[];
  /** p(x | y, z = k) = N(mean_k, std_k^2). */
  xGivenZ: { mean: number; std: number }[];
  /** p(x | y) = sum_k w_k(y) p(x | y, k). */
  x: NormalMixture1D;
}

/**
 * note-3 model (amortized-inference note, model 3): z ~ Discrete(pi),
 * x | z ~ N(mu_z, s_z^2), y | x ~ N(x, s^2); latents "z" (categorical K) and "x" [B, 1].
 */
export class DiscreteContinuousModel implements Model {
  readonly name = "note-3";
  readonly latents: readonly LatentSite[];
  readonly obsDim = 1;
  readonly mixture: MixturePrior;

  constructor(options: MixturePriorOptions = {}) {
    this.mixture = new MixturePrior(options);
    this.latents = [
      { name: "z", scope: "local", dim: 1, support: { kind: "categorical", K: this.mixture.K } },
      { name: "x", scope: "local", dim: 1, support: { kind: "real" } },
    ];
  }

  get K(): number {
    return this.mixture.K;
  }

  /** log p(z, x, y) = log pi_z + log N(x; mu_z, s_z^2) + log N(y; x, s^2) -> [B]. */
  logJoint(values: LatentValues, batch: Batch): Tensor {
    const z = discreteValue(values, "z", batch);
    const x = continuousValue(values, "x", batch);
    const { logPi, mu, logSK, logS } = this.mixture.t;
    const logPz = pickCols(repeatRows(logPi, z.length), z);
    const logPx = normalLogProb(x, gather(mu, z), gather(logSK, z));
    return add(add(logPz, logPx), normalLogProb(batch.obs, x, logS));
  }

  /** log p(y | x) = log N(y; x, s^2) -> [B] (the importance weight of sampling from the prior). */
  logLikelihood(values: LatentValues, batch: Batch): Tensor {
    return normalLogProb(batch.obs, continuousValue(values, "x", batch), this.mixture.t.logS);
  }

  sampleJoint(n: number, rng: Rng): { values: LatentValues; batch: Batch } {
    const { k, x, y } = this.mixture.sample(n, rng);
    return { values: { z: k, x }, batch: { obs: y } };
  }

  /** p(z | y) = w_z(y), p(x | y, z) closed form, p(x | y) their mixture. */
  exactPosterior(y: number): DiscreteContinuousPosterior {
    const x = this.mixture.posterior(y);
    return { z: x.weights.slice(), xGivenZ: x.means.map((mean, k) => ({ mean, std: x.stds[k] })), x };
  }

  prior(): NormalMixture1D {
    return this.mixture.prior();
  }
}
