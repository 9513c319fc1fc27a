import { DomainError } from "../core/errors.js";
import type { Tensor } from "../core/tensor.js";
import { Bernoulli } from "../distributions/bernoulli.js";
import type { Distribution } from "../distributions/distribution.js";
import { DiagNormal } from "../distributions/normal.js";
import { constant } from "../nn/init.js";
import type { ParamSpecs } from "../nn/module.js";

/**
 * The observation model of a VAE, p_theta(x | z) = likelihood(f_theta(z)):
 * `build` registers the likelihood's own learnable parameters (e.g. the
 * Gaussian's log-scale) in the decoder's collector, so they are part of the
 * decoder's store theta, and returns the distribution of x given the decoder
 * output f_theta(z) [B, D]. Its logProb must return one value per row [B].
 */
export interface Likelihood {
  readonly name: string;
  build(specs: ParamSpecs, obsDim: number): (decoded: Tensor) => Distribution;
}

/**
 * p(x | z) = N(x; f(z), diag exp(2 logSigma)) with logSigma [D] learned
 * (a parameter of the decoder's store, named "logSigma", starting at initLogSigma).
 */
export function gaussianLikelihood({ initLogSigma = Math.log(0.5) }: { initLogSigma?: number } = {}): Likelihood {
  if (!Number.isFinite(initLogSigma)) throw new DomainError("initLogSigma", "a finite number", String(initLogSigma));
  return {
    name: "Gaussian (learned noise scale)",
    build(specs, obsDim) {
      const logSigma = specs.add("logSigma", [obsDim], constant(initLogSigma));
      return (decoded) => new DiagNormal(decoded, logSigma.tensor);
    },
  };
}

/**
 * p(x | z) = prod_d Bernoulli(x_d; sigmoid(f_d(z))): the decoder outputs
 * logits; x in {0, 1}, or intensities in [0, 1] (the binary cross-entropy of image VAEs).
 */
export function bernoulliLikelihood(): Likelihood {
  return {
    name: "Bernoulli (logits)",
    build: () => (decoded) => new Bernoulli(decoded),
  };
}
