// sbibm "gaussian_linear_uniform" (Lueckmann et al. 2021, appendix T.2): the
// mean of a 10-D Gaussian under a uniform prior; the posterior is the
// likelihood truncated to the prior's box, independent across coordinates.
import { Normal } from "../../../distributions/normal.js";
import { Uniform } from "../../../distributions/uniform.js";
import { RandomStream, truncatedNormal } from "../random.js";
import { distributionPrior, logLikelihoodFrom, simulateFrom, taskModel, type ModelTaskParts } from "../model-task.js";
import { SBIBM_DEFAULT_SEEDS, defineTask, matrix, type Task } from "../task.js";

const DIM = 10;
const BOUND = 1;
const NOISE_VARIANCE = 0.1;

let task: Task | null = null;

/**
 * theta ~ U(-1, 1)^10, x | theta ~ N(theta, 0.1 I_10). Reference: each
 * theta_j ~ N(x_j, 0.1) truncated to [-1, 1], drawn exactly (Robert 1995);
 * sbibm rejects whole vectors of N(x, 0.1 I) outside the box, the same
 * distribution, which can take very many proposals for an x near a corner.
 */
export function gaussianLinearUniform(): Task {
  if (task) return task;
  const sd = Math.sqrt(NOISE_VARIANCE);
  const parts: ModelTaskParts = {
    name: "gaussian_linear_uniform",
    dimTheta: DIM,
    dimX: DIM,
    prior: new Uniform(-BOUND, BOUND),
    likelihood: (theta) => new Normal(theta, sd),
  };
  task = defineTask({
    name: parts.name,
    displayName: "Gaussian Linear Uniform",
    dimTheta: DIM,
    dimX: DIM,
    prior: distributionPrior(parts.prior, DIM),
    observationSeeds: SBIBM_DEFAULT_SEEDS,
    referenceMethod: "rejection",
    model: taskModel(parts),
    simulate: simulateFrom(parts),
    logLikelihood: logLikelihoodFrom(parts),
    reference: (_task, obs, n, rng) => {
      const stream = new RandomStream(rng);
      const out = new Float64Array(n * DIM);
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < DIM; j++) {
          const m = obs.x[j];
          out[i * DIM + j] = m + sd * truncatedNormal(stream, (-BOUND - m) / sd, (BOUND - m) / sd);
        }
      }
      return matrix(n, DIM, out);
    },
  });
  return task;
}
