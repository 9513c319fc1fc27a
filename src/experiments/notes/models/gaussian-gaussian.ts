// note-1 (amortized-inference note, model 1): the Gaussian-Gaussian model,
// written once in the model language, and its closed forms (study code).
import { Normal } from "../../../distributions/normal.js";
import { defineModel, type ProbModel } from "../../../model/model.js";
import { checkFinite, checkPositive, NormalMixture1D } from "./normal-mixture-1d.js";

export interface GaussianGaussianOptions {
  /** Prior mean (any finite number). Default 0. */
  mu0?: number;
  /** Prior std (> 0). Default 1. */
  s0?: number;
  /** Observation noise std (> 0). Default 1. */
  s?: number;
}

/** The settings with defaults filled in, validated: mu0 finite, s0 > 0, s > 0 (DomainError naming the setting otherwise). */
export function gaussianGaussianSettings({ mu0 = 0, s0 = 1, s = 1 }: GaussianGaussianOptions = {}): Required<GaussianGaussianOptions> {
  checkFinite("mu0", mu0);
  checkPositive("s0", s0);
  checkPositive("s", s);
  return { mu0, s0, s };
}

/**
 * note-1 model: x_n ~ N(mu0, s0^2), y_n | x_n ~ N(x_n, s^2); latent site "x"
 * and observed site "y", one of each per datapoint (plate "data").
 */
export function gaussianGaussianModel(options: GaussianGaussianOptions = {}): ProbModel {
  const { mu0, s0, s } = gaussianGaussianSettings(options);
  return defineModel("note-1", (m) => {
    m.plate("data", () => {
      const x = m.sample("x", new Normal(mu0, s0));
      m.observe("y", new Normal(x, s));
    });
  });
}

/** Exact posterior of note-1: p(x | y) = N(a* y + b*, c*^2). */
export interface GaussianGaussianPosterior {
  a: number;
  b: number;
  c: number;
}

/** a* = s0^2/(s0^2+s^2), b* = s^2 mu0/(s0^2+s^2), c* = s0 s / sqrt(s0^2+s^2) (the normal-normal conjugate update). */
export function gaussianGaussianOptimum(options: GaussianGaussianOptions = {}): GaussianGaussianPosterior {
  const { mu0, s0, s } = gaussianGaussianSettings(options);
  const v = s0 ** 2 + s ** 2;
  return { a: s0 ** 2 / v, b: (s ** 2 * mu0) / v, c: (s0 * s) / Math.sqrt(v) };
}

/** p(x | y) = N(a* y + b*, c*^2). */
export function gaussianGaussianPosterior(options: GaussianGaussianOptions, y: number): NormalMixture1D {
  checkFinite("y", y);
  const { a, b, c } = gaussianGaussianOptimum(options);
  return NormalMixture1D.normal(a * y + b, c);
}

/** p(y) = N(mu0, s0^2 + s^2) (the evidence). */
export function gaussianGaussianEvidence(options: GaussianGaussianOptions = {}): NormalMixture1D {
  const { mu0, s0, s } = gaussianGaussianSettings(options);
  return NormalMixture1D.normal(mu0, Math.sqrt(s0 ** 2 + s ** 2));
}
