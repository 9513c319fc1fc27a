// sbibm "gaussian_mixture" (Lueckmann et al. 2021, appendix T.3; Sisson et al.
// 2007): x is drawn from one of two isotropic Gaussians around theta, a broad
// and a narrow one, chosen once per simulation (both coordinates share it).
import { add, mul } from "../../../autodiff/ops/binary.js";
import { normalLogProb } from "../../../autodiff/ops/gaussian.js";
import { logSumExp } from "../../../autodiff/ops/reduce.js";
import { concatCols, reshape } from "../../../autodiff/ops/shape.js";
import { shift } from "../../../autodiff/ops/unary.js";
import { noGrad } from "../../../autodiff/tape.js";
import type { Rng } from "../../../core/rng.js";
import { Tensor } from "../../../core/tensor.js";
import type { Distribution } from "../../../distributions/distribution.js";
import { real, type Support } from "../../../distributions/support.js";
import { Uniform } from "../../../distributions/uniform.js";
import { RandomStream, normalCdf, truncatedNormal, uniforms } from "../random.js";
import { distributionPrior, logLikelihoodFrom, simulateFrom, taskModel, type ModelTaskParts } from "../model-task.js";
import { SBIBM_DEFAULT_SEEDS, defineTask, matrix, type Task } from "../task.js";

const DIM = 2;
const BOUND = 10;
const WEIGHTS = [0.5, 0.5];
const SCALES = [1.0, 0.1];

/**
 * p(x | loc) = sum_k w_k N(x; loc, s_k^2 I) over rows x [B, d] (one
 * component per row): logProb = logSumExp_k (log w_k + sum_j log N(x_j; loc_j, s_k^2)).
 */
export class IsotropicMixture implements Distribution {
  readonly support: Support = real;
  readonly reparameterized = false;
  readonly eventShape: readonly number[];
  readonly batchShape: readonly number[];

  constructor(
    readonly loc: Tensor,
    readonly weights: readonly number[],
    readonly scales: readonly number[],
  ) {
    this.batchShape = [loc.rows];
    this.eventShape = [loc.cols];
  }

  /** k ~ Categorical(w) per row, x = loc + s_k eps. */
  sample(rng: Rng, shape: readonly number[] = [this.loc.rows, this.loc.cols]): Tensor {
    return noGrad(() => {
      const rows = shape[0];
      const u = uniforms(rng, rows);
      const scale = Float64Array.from(u, (v) => {
        let k = 0;
        for (let acc = this.weights[0]; k < this.weights.length - 1 && v >= acc; acc += this.weights[++k]);
        return this.scales[k];
      });
      return add(mul(rng.normal(shape), Tensor.from(scale, [rows, 1])), this.loc);
    });
  }

  logProb(value: Tensor): Tensor {
    const parts = this.weights.map((w, k) => reshape(shift(normalLogProb(value, this.loc, Math.log(this.scales[k])), Math.log(w)), [value.rows, 1]));
    return logSumExp(concatCols(parts));
  }
}

let task: Task | null = null;

/**
 * theta ~ U(-10, 10)^2, x | theta ~ 0.5 N(theta, I) + 0.5 N(theta, 0.01 I).
 * Reference: the posterior is the same mixture around x truncated to the
 * box, whose component weights are w_k Z_k with Z_k = prod_j P(-10 < theta_j < 10)
 * under component k; a component is drawn with those weights, then each
 * coordinate from its truncated Normal (exact; sbibm rejects mixture draws
 * outside the box, the same distribution).
 */
export function gaussianMixture(): Task {
  if (task) return task;
  const parts: ModelTaskParts = {
    name: "gaussian_mixture",
    dimTheta: DIM,
    dimX: DIM,
    prior: new Uniform(-BOUND, BOUND),
    likelihood: (theta) => new IsotropicMixture(theta, WEIGHTS, SCALES),
  };
  task = defineTask({
    name: parts.name,
    displayName: "Gaussian Mixture",
    dimTheta: DIM,
    dimX: DIM,
    prior: distributionPrior(parts.prior, DIM),
    observationSeeds: SBIBM_DEFAULT_SEEDS,
    referenceMethod: "rejection",
    model: taskModel(parts),
    simulate: simulateFrom(parts),
    logLikelihood: logLikelihoodFrom(parts),
    reference: (_task, obs, n, rng) => {
      const mass = SCALES.map((s) => Array.from(obs.x).reduce((p, m) => p * (normalCdf((BOUND - m) / s) - normalCdf((-BOUND - m) / s)), 1));
      const w = WEIGHTS.map((v, k) => v * mass[k]);
      const total = w.reduce((a, b) => a + b, 0);
      const stream = new RandomStream(rng);
      const out = new Float64Array(n * DIM);
      for (let i = 0; i < n; i++) {
        const k = stream.uniform() * total < w[0] ? 0 : 1;
        const s = SCALES[k];
        for (let j = 0; j < DIM; j++) {
          const m = obs.x[j];
          out[i * DIM + j] = m + s * truncatedNormal(stream, (-BOUND - m) / s, (BOUND - m) / s);
        }
      }
      return matrix(n, DIM, out);
    },
  });
  return task;
}
