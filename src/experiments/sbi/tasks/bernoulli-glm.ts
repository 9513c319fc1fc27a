// sbibm "bernoulli_glm" (Lueckmann et al. 2021, appendix T.8): a generalized
// linear model of a spiking neuron, 100 time bins, with a smoothness prior on
// its 9-tap stimulus filter; the data are the sufficient statistics X^T y.
import { mul, sub } from "../../../autodiff/ops/binary.js";
import { matmul } from "../../../autodiff/ops/linalg.js";
import { sumCols } from "../../../autodiff/ops/reduce.js";
import { softplus } from "../../../autodiff/ops/unary.js";
import { cholesky, inverseFromCholesky } from "../../../core/dense-matrix.js";
import { tidy } from "../../../core/scope.js";
import { Tensor } from "../../../core/tensor.js";
import { Bernoulli } from "../../../distributions/bernoulli.js";
import { MultivariateNormal } from "../../../distributions/multivariate-normal.js";
import { numpyRandn } from "../numpy-random.js";
import { mcmcReference } from "../reference/mcmc-reference.js";
import { distributionPrior, simulateFrom, taskModel, type ModelTaskParts } from "../model-task.js";
import { SBIBM_DEFAULT_SEEDS, defineTask, matrix, type Matrix, type Task } from "../task.js";

const BINS = 100;
const DIM = 10;
const STIMULUS_SEED = 42;

/**
 * The design matrix X [100, 10] of sbibm's _setup: column 0 ones (the
 * offset), column j + 1 the stimulus delayed by j bins, the stimulus being
 * float32(numpy RandomState(42).randn(100)) (white noise, regenerated
 * exactly by ./numpy-random.ts).
 */
export function bernoulliGlmDesign(): Float64Array {
  const stimulus = Float64Array.from(numpyRandn(STIMULUS_SEED, BINS), Math.fround);
  const X = new Float64Array(BINS * DIM);
  for (let t = 0; t < BINS; t++) {
    X[t * DIM] = 1;
    for (let j = 0; j < DIM - 1; j++) if (t >= j) X[t * DIM + j + 1] = stimulus[t - j];
  }
  return X;
}

/**
 * The prior's precision B^-1 [10, 10]: 0.5 for the offset, F^T F for the
 * filter, F = D^2 + diag(sqrt(k / 9)), k = 0..8, D the first-difference
 * matrix (ones on the diagonal, -1 below it): smooth filters are likely.
 */
export function bernoulliGlmPrecision(): Float64Array {
  const M = DIM - 1;
  const F = new Float64Array(M * M);
  for (let i = 0; i < M; i++) {
    // D^2 has 1, -2, 1 on its diagonal and first two subdiagonals
    F[i * M + i] = 1 + Math.sqrt(i / M);
    if (i >= 1) F[i * M + i - 1] = -2;
    if (i >= 2) F[i * M + i - 2] = 1;
  }
  const P = new Float64Array(DIM * DIM);
  P[0] = 0.5;
  for (let a = 0; a < M; a++) {
    for (let b = 0; b < M; b++) {
      let s = 0;
      for (let k = 0; k < M; k++) s += F[k * M + a] * F[k * M + b];
      P[(a + 1) * DIM + b + 1] = s;
    }
  }
  return P;
}

let task: Task | null = null;

/**
 * theta ~ N(0, B) (B from bernoulliGlmPrecision), spikes y_t ~
 * Bernoulli(sigmoid(X_t theta)), x = X^T y (the spike count and the 9
 * spike-triggered sums, sbibm's num_spikes and sta). The model in the
 * model language observes the spike train itself (site "spikes"); the
 * posterior given x equals the posterior given y (x is sufficient), and
 * log p(x | theta) = theta^T x - sum_t softplus(X_t theta) (the count of
 * spike trains with the same x is 1 for a continuous stimulus).
 * Reference: MCMC (sbibm: Polya-Gamma Gibbs sampling).
 */
export function bernoulliGlm(): Task {
  if (task) return task;
  const Xdata = bernoulliGlmDesign();
  const X = Tensor.from(Xdata, [BINS, DIM], "persistent");
  const cov = inverseFromCholesky(cholesky(bernoulliGlmPrecision(), DIM, "precision"), DIM);
  const rows = Array.from({ length: DIM }, (_, i) => Array.from({ length: DIM }, (_, j) => 0.5 * (cov[i * DIM + j] + cov[j * DIM + i])));
  const parts: ModelTaskParts = {
    name: "bernoulli_glm",
    dimTheta: DIM,
    dimX: BINS,
    observed: "spikes",
    prior: MultivariateNormal.fromCovariance(new Array<number>(DIM).fill(0), rows),
    likelihood: (theta) => new Bernoulli(matmul(theta, X, { transB: true })),
  };
  const simulateSpikes = simulateFrom(parts);
  const summarize = (y: Matrix): Matrix => {
    const x = new Float64Array(y.rows * DIM);
    for (let i = 0; i < y.rows; i++) {
      for (let t = 0; t < BINS; t++) {
        if (y.data[i * BINS + t] === 0) continue;
        for (let j = 0; j < DIM; j++) x[i * DIM + j] += Xdata[t * DIM + j];
      }
    }
    return matrix(y.rows, DIM, x);
  };
  task = defineTask({
    name: parts.name,
    displayName: "Bernoulli GLM",
    dimTheta: DIM,
    dimX: DIM,
    prior: distributionPrior(parts.prior, DIM),
    observationSeeds: SBIBM_DEFAULT_SEEDS,
    referenceMethod: "mcmc",
    model: taskModel(parts),
    simulate: (theta, rng) => summarize(simulateSpikes(theta, rng)),
    simulateRaw: (theta, rng) => {
      const raw = simulateSpikes(theta, rng);
      return { x: summarize(raw), raw };
    },
    logLikelihood: (theta, x) =>
      tidy(() => {
        const th = Tensor.from(theta.data, [theta.rows, DIM], "arena", undefined, "theta");
        const linear = sumCols(mul(th, Tensor.from(x, [1, DIM], "arena", undefined, "x")));
        return sub(linear, sumCols(softplus(matmul(th, X, { transB: true })))).toFloat64Array();
      }),
    reference: mcmcReference({ space: "identity" }),
  });
  return task;
}
