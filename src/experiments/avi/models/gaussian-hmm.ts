import { assertInteger, assertPositive } from "../../../core/errors.js";
import { Normal } from "../../../distributions/normal.js";
import { defineModel, type ProbModel } from "../../../model/model.js";
import { GaussianRandomWalk } from "./gaussian-random-walk.js";
import { checkSeries, linearGaussianPosterior, type ExactSeries, type GaussianPosterior } from "./linear-gaussian-posterior.js";

export * from "./linear-gaussian-posterior.js";

/** Settings of the Gaussian random-walk HMM. */
export interface GaussianHmmSettings {
  /** Length of the series. */
  readonly N: number;
  /** Std of z_1. */
  readonly initialStd: number;
  /** Std of the random-walk step z_n - z_{n-1}. */
  readonly transitionStd: number;
  /** Observation noise std s. */
  readonly noiseStd: number;
}

/** The settings with defaults (N = 100, every std 1), validated (DomainError naming the setting). */
export function gaussianHmmSettings({ N = 100, initialStd = 1, transitionStd = 1, noiseStd = 1 }: Partial<GaussianHmmSettings> = {}): GaussianHmmSettings {
  assertInteger("N", N, 2);
  assertPositive("initialStd", initialStd);
  assertPositive("transitionStd", transitionStd);
  assertPositive("noiseStd", noiseStd);
  return { N, initialStd, transitionStd, noiseStd };
}

/**
 * Gaussian random-walk state-space model (avi-hmm, document 000):
 * z_1 ~ N(0, s0^2), z_n ~ N(z_{n-1}, st^2), x_n ~ N(z_n, s^2), n = 1..N.
 * The prior couples neighbouring rows (a GaussianRandomWalk over the plate's
 * rows jointly), so the model runs on the full ordered series only.
 */
export function gaussianHmm(options: Partial<GaussianHmmSettings> = {}): ProbModel {
  const { N, initialStd, transitionStd, noiseStd } = gaussianHmmSettings(options);
  const walk = new GaussianRandomWalk({ N, initialStd, stepStd: transitionStd });
  return defineModel("gaussian-hmm", (m) =>
    m.plate(
      "time",
      () => {
        const z = m.sample("z", walk);
        m.observe("x", new Normal(z, noiseStd));
      },
      { size: N },
    ),
  );
}

/** Prior precision D^T diag(1/std^2) D of the random walk (D = first differences), dense [N * N]. */
export function randomWalkPrecision({ N, initialStd, transitionStd }: GaussianHmmSettings): Float64Array {
  const P = new Float64Array(N * N);
  const a0 = 1 / initialStd ** 2;
  const a = 1 / transitionStd ** 2;
  for (let i = 0; i < N; i++) {
    P[i * N + i] = (i === 0 ? a0 : a) + (i < N - 1 ? a : 0);
    if (i > 0) P[i * N + i - 1] = P[(i - 1) * N + i] = -a;
  }
  return P;
}

/** Exact posterior p(z | x) of the HMM (Gaussian; its mean is the F-VI optimum) for a finite series x of length N. */
export function gaussianHmmPosterior(settings: GaussianHmmSettings, x: ArrayLike<number>): GaussianPosterior {
  checkSeries("x", x, settings.N);
  const logDetCov = 2 * (Math.log(settings.initialStd) + (settings.N - 1) * Math.log(settings.transitionStd));
  return linearGaussianPosterior(randomWalkPrecision(settings), logDetCov, settings.noiseStd, x);
}

/** avi-hmm's model with its settings and exact posterior. */
export function exactGaussianHmm(options: Partial<GaussianHmmSettings> = {}): ExactSeries & { settings: GaussianHmmSettings } {
  const settings = gaussianHmmSettings(options);
  return { model: gaussianHmm(settings), settings, N: settings.N, noiseStd: settings.noiseStd, posterior: (x) => gaussianHmmPosterior(settings, x) };
}
