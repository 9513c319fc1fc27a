import { DomainError, assertInteger, assertPositive } from "../../../core/errors.js";
import { Normal } from "../../../distributions/normal.js";
import { defineModel, type ProbModel } from "../../../model/model.js";
import { checkSeries, inverseFromCholesky, linearGaussianPosterior, type ExactSeries, type GaussianPosterior } from "./linear-gaussian-posterior.js";
import { WhitenedGaussian } from "./whitened-gaussian.js";

/** Settings of the GP regression on the grid t_n = n. */
export interface GaussianProcessSettings {
  /** Grid points t_n = n (n = 0..N-1). */
  readonly N: number;
  /** RBF length scale in grid steps. */
  readonly lengthScale: number;
  /** RBF variance. */
  readonly variance: number;
  /** Observation noise std s. */
  readonly noiseStd: number;
  /** Added to the kernel's diagonal (a nugget that keeps K well conditioned; a white-noise part of the prior). */
  readonly jitter: number;
}

/** The settings with defaults (N = 60, l = 2, v = 1, s = 0.5, jitter 0.01 v), validated (DomainError naming the setting). */
export function gaussianProcessSettings({ N = 60, lengthScale = 2, variance = 1, noiseStd = 0.5, jitter }: Partial<GaussianProcessSettings> = {}): GaussianProcessSettings {
  assertInteger("N", N, 2);
  assertPositive("lengthScale", lengthScale);
  assertPositive("variance", variance);
  assertPositive("noiseStd", noiseStd);
  const nugget = jitter ?? 1e-2 * variance;
  if (!(nugget >= 0) || !Number.isFinite(nugget)) throw new DomainError("jitter", "a finite value >= 0", String(jitter));
  return { N, lengthScale, variance, noiseStd, jitter: nugget };
}

/** Kernel matrix K_ij = v exp(-(i - j)^2 / (2 l^2)) + jitter [i = j], row-major [N * N]. */
export function rbfKernel({ N, lengthScale, variance, jitter }: GaussianProcessSettings): Float64Array {
  const K = new Float64Array(N * N);
  for (let i = 0; i < N; i++) {
    for (let j = 0; j < N; j++) K[i * N + j] = variance * Math.exp(-((i - j) ** 2) / (2 * lengthScale ** 2)) + (i === j ? jitter : 0);
  }
  return K;
}

/**
 * Gaussian-process regression on a 1-D grid (avi-gp, our construction):
 * z ~ GP(0, k) at t_n = n, k(t, t') = v exp(-(t - t')^2 / (2 l^2)) (+ jitter on the diagonal),
 * x_n ~ N(z_n, s^2). The prior is dense over the plate's rows (a WhitenedGaussian:
 * per-row terms log N(u_n; 0, 1) - log L_nn, u = L^{-1} z), so the model runs on the full grid only.
 */
export function gaussianProcessGrid(options: Partial<GaussianProcessSettings> = {}): ProbModel {
  const settings = gaussianProcessSettings(options);
  return gpModel(settings, new WhitenedGaussian(rbfKernel(settings), settings.N));
}

function gpModel({ N, noiseStd }: GaussianProcessSettings, prior: WhitenedGaussian): ProbModel {
  return defineModel("gaussian-process-grid", (m) =>
    m.plate(
      "grid",
      () => {
        const z = m.sample("z", prior);
        m.observe("x", new Normal(z, noiseStd));
      },
      { size: N },
    ),
  );
}

/** Exact posterior p(z | x) for a finite series x of length N (mean = K (K + s^2 I)^{-1} x), from the prior's Cholesky factor. */
export function gaussianProcessPosterior(settings: GaussianProcessSettings, prior: WhitenedGaussian, x: ArrayLike<number>): GaussianPosterior {
  checkSeries("x", x, settings.N);
  return linearGaussianPosterior(inverseFromCholesky(prior.choleskyFactor, settings.N), prior.logDetCovariance, settings.noiseStd, x);
}

/** avi-gp's model with its settings and exact posterior (one Cholesky of K serves both). */
export function exactGaussianProcess(options: Partial<GaussianProcessSettings> = {}): ExactSeries & { settings: GaussianProcessSettings; kernel: Float64Array } {
  const settings = gaussianProcessSettings(options);
  const kernel = rbfKernel(settings);
  const prior = new WhitenedGaussian(kernel, settings.N);
  return {
    model: gpModel(settings, prior),
    settings,
    kernel,
    N: settings.N,
    noiseStd: settings.noiseStd,
    posterior: (x) => gaussianProcessPosterior(settings, prior, x),
  };
}
