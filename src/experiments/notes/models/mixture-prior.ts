// note-2 (amortized-inference note, model 2): a Normal-mixture prior with a
// Gaussian likelihood, written once in the model language; MixturePrior holds
// the validated settings and the closed forms (study code) that note-2 and
// note-3 share.
import { MixtureOfNormals } from "../../../distributions/mixture.js";
import { Normal } from "../../../distributions/normal.js";
import { defineModel, type ProbModel } from "../../../model/model.js";
import { checkFinite, checkMixture, checkPositive, logNormalDensity, logSumExpNumbers, NormalMixture1D } from "./normal-mixture-1d.js";

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

/**
 * Validated mixture-prior settings and the closed forms of the model
 * k ~ pi, x | k ~ N(mu_k, s_k^2), y | x ~ N(x, s^2).
 */
export class MixturePrior {
  readonly pi: readonly number[];
  readonly mu: readonly number[];
  readonly sK: readonly number[];
  readonly s: number;
  readonly K: number;

  constructor({ pi = [0.3, 0.7], mu = [-4, 4], sK = [1, 1], s = 1 }: MixturePriorOptions = {}) {
    this.K = checkMixture(pi, mu, sK);
    checkPositive("s", s);
    [this.pi, this.mu, this.sK, this.s] = [pi.slice(), mu.slice(), sK.slice(), s];
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
}

/**
 * note-2 model: x_n ~ sum_k pi_k N(mu_k, s_k^2) (the component summed out),
 * y_n | x_n ~ N(x_n, s^2); latent site "x", observed site "y".
 */
export function mixturePriorModel(options: MixturePriorOptions = {}): ProbModel {
  const p = new MixturePrior(options);
  // built once: the number form of MixtureOfNormals keeps its parameters as persistent constants
  const prior = new MixtureOfNormals(p.pi, p.mu, p.sK);
  return defineModel("note-2", (m) => {
    m.plate("data", () => {
      const x = m.sample("x", prior);
      m.observe("y", new Normal(x, p.s));
    });
  });
}
