// sbibm "gaussian_linear" (Lueckmann et al. 2021, appendix T.1): the mean of a
// 10-D Gaussian under a Gaussian prior, with the conjugate posterior.
import { Normal } from "../../../distributions/normal.js";
import { normals } from "../random.js";
import { distributionPrior, logLikelihoodFrom, simulateFrom, taskModel, type ModelTaskParts } from "../model-task.js";
import { SBIBM_DEFAULT_SEEDS, defineTask, matrix, type Task } from "../task.js";

const DIM = 10;
/** sbibm's prior_scale and simulator_scale are covariances: precision_matrix = inverse(0.1 I). */
const PRIOR_VARIANCE = 0.1;
const NOISE_VARIANCE = 0.1;

let task: Task | null = null;

/**
 * theta ~ N(0, 0.1 I_10), x | theta ~ N(theta, 0.1 I_10). Reference: the
 * conjugate posterior N(m, s^2 I) with s^2 = (1/0.1 + 1/0.1)^-1 = 0.05 and
 * m = s^2 x / 0.1 = x / 2 (sbibm's _get_reference_posterior with N = 1).
 */
export function gaussianLinear(): Task {
  if (task) return task;
  const parts: ModelTaskParts = {
    name: "gaussian_linear",
    dimTheta: DIM,
    dimX: DIM,
    prior: new Normal(0, Math.sqrt(PRIOR_VARIANCE)),
    likelihood: (theta) => new Normal(theta, Math.sqrt(NOISE_VARIANCE)),
  };
  task = defineTask({
    name: parts.name,
    displayName: "Gaussian Linear",
    dimTheta: DIM,
    dimX: DIM,
    prior: distributionPrior(parts.prior, DIM),
    observationSeeds: SBIBM_DEFAULT_SEEDS,
    referenceMethod: "closed form",
    model: taskModel(parts),
    simulate: simulateFrom(parts),
    logLikelihood: logLikelihoodFrom(parts),
    reference: (_task, obs, n, rng) => {
      const { mean, variance } = gaussianLinearPosterior(obs.x);
      const z = normals(rng, n * DIM);
      const sd = Math.sqrt(variance);
      for (let i = 0; i < n; i++) for (let j = 0; j < DIM; j++) z[i * DIM + j] = mean[j] + sd * z[i * DIM + j];
      return matrix(n, DIM, z);
    },
  });
  return task;
}

/** The conjugate posterior of one observation: N(mean, variance I), precision 1/0.1 + 1/0.1. */
export function gaussianLinearPosterior(x: ArrayLike<number>): { mean: Float64Array; variance: number } {
  const variance = 1 / (1 / PRIOR_VARIANCE + 1 / NOISE_VARIANCE);
  return { mean: Float64Array.from(x, (v) => (variance * v) / NOISE_VARIANCE), variance };
}
