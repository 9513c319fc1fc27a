// sbibm "slcp" (Lueckmann et al. 2021, appendix T.5; Papamakarios et al.
// 2019): a simple likelihood (four draws of a 2-D Gaussian) whose mean and
// covariance depend on theta, giving a complex posterior: theta3 and theta4
// enter squared, so it has (at least) four mirror-image modes.
import { add, div, mul, sub } from "../../../autodiff/ops/binary.js";
import { concatCols, reshape, sliceCols } from "../../../autodiff/ops/shape.js";
import { log, scale, shift, sqrt, square, tanh } from "../../../autodiff/ops/unary.js";
import { noGrad } from "../../../autodiff/tape.js";
import type { Rng } from "../../../core/rng.js";
import type { Tensor } from "../../../core/tensor.js";
import type { Distribution } from "../../../distributions/distribution.js";
import { real, type Support } from "../../../distributions/support.js";
import { Uniform } from "../../../distributions/uniform.js";
import { mcmcReference, type Symmetry } from "../reference/mcmc-reference.js";
import { distributionPrior, logLikelihoodFrom, simulateFrom, taskModel, type ModelTaskParts } from "../model-task.js";
import { defineTask, type Task } from "../task.js";

const POINTS = 4;
const BOUND = 3;
/** sbibm adds 1e-6 to the covariance's diagonal "to ensure PSD". */
const EPS = 1e-6;
/** sbibm's seeds for slcp, "avoiding extremely spiked posteriors". */
const OBSERVATION_SEEDS = [1000000, 1000001, 1000002, 1000003, 1000004, 1000005, 1000010, 1000012, 1000008, 1000009];

/** The Cholesky factor of S(theta) + 1e-6 I, S = [[s1^2, rho s1 s2], [rho s1 s2, s2^2]], s1 = theta3^2, s2 = theta4^2, rho = tanh(theta5): entries [n, 1] each. */
function choleskyOf(theta: Tensor): { l00: Tensor; l10: Tensor; l11: Tensor } {
  const s1 = square(sliceCols(theta, 2, 3));
  const s2 = square(sliceCols(theta, 3, 4));
  const rho = tanh(sliceCols(theta, 4, 5));
  const l00 = sqrt(shift(square(s1), EPS));
  const l10 = div(mul(mul(rho, s1), s2), l00);
  const l11 = sqrt(sub(shift(square(s2), EPS), square(l10)));
  return { l00, l10, l11 };
}

/**
 * Four independent draws of N(m, S(theta)), m = (theta1, theta2), flattened
 * as sbibm does: x = (a1, b1, a2, b2, a3, b3, a4, b4). logProb through the
 * 2 x 2 Cholesky factor: sum_j -|L^-1 (x_j - m)|^2 / 2 - log L00 - log L11 - log 2 pi.
 */
export class SlcpLikelihood implements Distribution {
  readonly support: Support = real;
  readonly reparameterized = false;
  readonly eventShape: readonly number[] = [2 * POINTS];
  readonly batchShape: readonly number[];

  constructor(readonly theta: Tensor) {
    this.batchShape = [theta.rows];
  }

  sample(rng: Rng, shape: readonly number[] = [this.theta.rows, 2 * POINTS]): Tensor {
    return noGrad(() => {
      const { l00, l10, l11 } = choleskyOf(this.theta);
      const m0 = sliceCols(this.theta, 0, 1);
      const m1 = sliceCols(this.theta, 1, 2);
      const eps = rng.normal([shape[0], 2 * POINTS]);
      const cols: Tensor[] = [];
      for (let j = 0; j < POINTS; j++) {
        const e0 = sliceCols(eps, 2 * j, 2 * j + 1);
        const e1 = sliceCols(eps, 2 * j + 1, 2 * j + 2);
        cols.push(add(m0, mul(l00, e0)), add(m1, add(mul(l10, e0), mul(l11, e1))));
      }
      return concatCols(cols);
    });
  }

  logProb(value: Tensor): Tensor {
    const { l00, l10, l11 } = choleskyOf(this.theta);
    const m0 = sliceCols(this.theta, 0, 1);
    const m1 = sliceCols(this.theta, 1, 2);
    let quad: Tensor | null = null;
    for (let j = 0; j < POINTS; j++) {
      const w0 = div(sub(sliceCols(value, 2 * j, 2 * j + 1), m0), l00);
      const w1 = div(sub(sub(sliceCols(value, 2 * j + 1, 2 * j + 2), m1), mul(l10, w0)), l11);
      const q = add(square(w0), square(w1));
      quad = quad ? add(quad, q) : q;
    }
    const logDet = add(log(l00), log(l11));
    const lp = sub(scale(quad!, -0.5), shift(scale(logDet, POINTS), POINTS * Math.log(2 * Math.PI)));
    return reshape(lp, [value.rows]);
  }
}

/** theta3 and theta4 enter only squared: folded to theta3, theta4 >= 0, unfolded by independent random signs. */
export const slcpSymmetry: Symmetry = {
  fold(u, n) {
    for (let i = 0; i < n; i++) {
      u[i * 5 + 2] = Math.abs(u[i * 5 + 2]);
      u[i * 5 + 3] = Math.abs(u[i * 5 + 3]);
    }
  },
  unfold(u, n, stream) {
    for (let i = 0; i < n; i++) {
      if (stream.uniform() < 0.5) u[i * 5 + 2] = -u[i * 5 + 2];
      if (stream.uniform() < 0.5) u[i * 5 + 3] = -u[i * 5 + 3];
    }
  },
};

let task: Task | null = null;

/**
 * theta ~ U(-3, 3)^5, x | theta ~ SlcpLikelihood. Reference: MCMC on the
 * exact likelihood (sbibm: sampling-importance-resampling from the prior,
 * then a flow proposal and rejection), with the sign symmetry folded.
 */
export function slcp(): Task {
  if (task) return task;
  const parts: ModelTaskParts = {
    name: "slcp",
    dimTheta: 5,
    dimX: 2 * POINTS,
    prior: new Uniform(-BOUND, BOUND),
    likelihood: (theta) => new SlcpLikelihood(theta),
  };
  task = defineTask({
    name: parts.name,
    displayName: "SLCP",
    dimTheta: 5,
    dimX: 2 * POINTS,
    prior: distributionPrior(parts.prior, 5),
    observationSeeds: OBSERVATION_SEEDS,
    referenceMethod: "mcmc",
    model: taskModel(parts),
    simulate: simulateFrom(parts),
    logLikelihood: logLikelihoodFrom(parts),
    reference: mcmcReference({ space: "identity", symmetry: slcpSymmetry }),
  });
  return task;
}
