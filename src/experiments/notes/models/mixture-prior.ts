import type { Rng } from "../../../core/rng.js";
import { Tensor } from "../../../core/tensor.js";
import { add } from "../../../autodiff/ops/binary.js";
import { mixtureNormalLogProb, normalLogProb, normalRsample } from "../../../autodiff/ops/gaussian.js";
import { sampleCategorical } from "../../../autodiff/ops/categorical.js";
import type { Batch, LatentSite, LatentValues, Model } from "../../../models/model.js";
import { checkFinite, checkMixture, checkPositive, logNormalDensity, logSumExpNumbers, NormalMixture1D } from "./normal-mixture-1d.js";
import { continuousValue, gather } from "./latent-values.js";

/** Parameters of the note-2 / note-3 models: mixture prior (pi, mu, sK) and observation noise s. */
export interface MixturePriorOptions {
  /** Component weights pi_k > 0 summing to 1. Default [0.3, 0.7]. */
  pi?: readonly number[];
  /** Component means. Default [-4, 4]. */
  mu?: readonly number[];
  /** Component stds s_k > 0. Default [1, 1]. */
  sK?: readonly number[];
  /** Observation noise std s > 0. Default 1. */
  s?: number;
}

/** Validated mixture-prior parameters plus their constant tensors. */
export class MixturePrior {
  readonly pi: readonly number[];
  readonly mu: readonly number[];
  readonly sK: readonly number[];
  readonly s: number;
  readonly K: number;
  /** Constants [1, K]: log pi, mu, log s_k; [1]: log s. */
  readonly t: { logPi: Tensor; mu: Tensor; logSK: Tensor; logS: Tensor };

  constructor({ pi = [0.3, 0.7], mu = [-4, 4], sK = [1, 1], s = 1 }: MixturePriorOptions = {}) {
    this.K = checkMixture(pi, mu, sK);
    checkPositive("s", s);
    [this.pi, this.mu, this.sK, this.s] = [pi.slice(), mu.slice(), sK.slice(), s];
    const row = (v: readonly number[]) => Tensor.from(v, [1, this.K], "persistent");
    this.t = { logPi: row(pi.map(Math.log)), mu: row(mu), logSK: row(sK.map(Math.log)), logS: Tensor.scalar(Math.log(s), "persistent") };
  }

  /** w_k(y) = p(k | y) ∝ pi_k N(y; mu_k, s_k^2 + s^2). */
  componentWeights(y: number): number[] {
    checkFinite("y", y);
    const logs = this.pi.map((p, k) => Math.log(p) + logNormalDensity(y, this.mu[k], Math.sqrt(this.sK[k] ** 2 + this.s ** 2)));
    const z = logSumExpNumbers(logs);
    return logs.map((l) => Math.exp(l - z));
  }

  /** p(x | y, k) = N((s^2 mu_k + s_k^2 y)/(s_k^2 + s^2), s_k^2 s^2/(s_k^2 + s^2)). */
  componentPosterior(y: number, k: number): { mean: number; std: number } {
    const v = this.sK[k] ** 2 + this.s ** 2;
    return { mean: (this.s ** 2 * this.mu[k] + this.sK[k] ** 2 * y) / v, std: (this.sK[k] * this.s) / Math.sqrt(v) };
  }

  /** p(x | y) = sum_k w_k(y) p(x | y, k). */
  posterior(y: number): NormalMixture1D {
    const w = this.componentWeights(y);
    const comps = w.map((_, k) => this.componentPosterior(y, k));
    return new NormalMixture1D(w, comps.map((c) => c.mean), comps.map((c) => c.std));
  }

  /** p(x) = sum_k pi_k N(mu_k, s_k^2). */
  prior(): NormalMixture1D {
    return new NormalMixture1D(this.pi, this.mu, this.sK);
  }

  /** p(y) = sum_k pi_k N(y; mu_k, s_k^2 + s^2). */
  evidence(): NormalMixture1D {
    return new NormalMixture1D(this.pi, this.mu, this.sK.map((sk) => Math.sqrt(sk ** 2 + this.s ** 2)));
  }

  /** n draws k ~ pi, x ~ N(mu_k, s_k^2), y ~ N(x, s^2): k Int32Array, x and y [n, 1]. */
  sample(n: number, rng: Rng): { k: Int32Array; x: Tensor; y: Tensor } {
    const k = sampleCategorical(this.t.logPi.reshape([this.K]), rng, n);
    const x = normalRsample(gather(this.t.mu, k), gather(this.t.logSK, k), rng.normal([n, 1]));
    const y = normalRsample(x, this.t.logS, rng.normal([n, 1]));
    return { k, x, y };
  }
}

/**
 * note-2 model (amortized-inference note, model 2): p(x) = sum_k pi_k
 * N(x; mu_k, s_k^2), p(y | x) = N(x, s^2); latent "x" [B, 1].
 */
export class GaussianMixtureModel implements Model {
  readonly name = "note-2";
  readonly latents: readonly LatentSite[] = [{ name: "x", scope: "local", dim: 1, support: { kind: "real" } }];
  readonly obsDim = 1;
  readonly mixture: MixturePrior;

  constructor(options: MixturePriorOptions = {}) {
    this.mixture = new MixturePrior(options);
  }

  /** log p(x, y) = log sum_k pi_k N(x; mu_k, s_k^2) + log N(y; x, s^2) -> [B]. */
  logJoint(values: LatentValues, batch: Batch): Tensor {
    const x = continuousValue(values, "x", batch);
    const { logPi, mu, logSK, logS } = this.mixture.t;
    return add(mixtureNormalLogProb(x, logPi, mu, logSK), normalLogProb(batch.obs, x, logS));
  }

  /** log p(y | x) = log N(y; x, s^2) -> [B] (the importance weight of sampling from the prior). */
  logLikelihood(values: LatentValues, batch: Batch): Tensor {
    return normalLogProb(batch.obs, continuousValue(values, "x", batch), this.mixture.t.logS);
  }

  sampleJoint(n: number, rng: Rng): { values: LatentValues; batch: Batch } {
    const { x, y } = this.mixture.sample(n, rng);
    return { values: { x }, batch: { obs: y } };
  }

  /** p(x | y): mixture with weights w_k(y) ∝ pi_k N(y; mu_k, s_k^2 + s^2) (closed form). */
  exactPosterior(y: number): NormalMixture1D {
    return this.mixture.posterior(y);
  }

  prior(): NormalMixture1D {
    return this.mixture.prior();
  }
}
