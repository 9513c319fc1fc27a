// sbibm "two_moons" (Lueckmann et al. 2021, appendix T.6; Greenberg et al.
// 2019): a noisy half circle shifted by (-|z0|, z1), z = theta rotated by
// -pi/4. The |z0| makes the posterior two crescents, mirror images under the
// reflection z0 -> -z0, i.e. (theta0, theta1) -> (-theta1, -theta0).
import { add, div, mul, sub } from "../../../autodiff/ops/binary.js";
import { concatCols, reshape, sliceCols } from "../../../autodiff/ops/shape.js";
import { cos, sin } from "../../../autodiff/ops/trig.js";
import { abs, log, neg, relu, scale, shift, sqrt, square } from "../../../autodiff/ops/unary.js";
import { noGrad } from "../../../autodiff/tape.js";
import { DomainError } from "../../../core/errors.js";
import type { Rng } from "../../../core/rng.js";
import type { Tensor } from "../../../core/tensor.js";
import type { Distribution } from "../../../distributions/distribution.js";
import { real, type Support } from "../../../distributions/support.js";
import { Uniform } from "../../../distributions/uniform.js";
import { RandomStream } from "../random.js";
import type { Symmetry } from "../reference/mcmc-reference.js";
import { distributionPrior, logLikelihoodFrom, simulateFrom, taskModel, type ModelTaskParts } from "../model-task.js";
import { defineTask, matrix, type Matrix, type Task } from "../task.js";

const BASE_OFFSET = 0.25;
const R_LOC = 0.1;
const R_SCALE = 0.01;
const BOUND = 1;
/** Added to |u| so that u = 0 gives log(0 / TINY) = -Infinity, not 0 / 0. */
const TINY = 1e-300;
/** sbibm's seeds for two_moons (task.py's observation_seeds: 1000011, 1000001, ...). */
const OBSERVATION_SEEDS = [1000011, 1000001, 1000002, 1000003, 1000013, 1000005, 1000006, 1000007, 1000008, 1000009];

/** (-|z0|, z1) with z0 = (theta0 + theta1) / sqrt 2, z1 = (theta1 - theta0) / sqrt 2 (rotation by -pi/4): [n, 2]. */
function moonShift(theta: Tensor): Tensor {
  const t0 = sliceCols(theta, 0, 1);
  const t1 = sliceCols(theta, 1, 2);
  return concatCols([neg(abs(scale(add(t0, t1), Math.SQRT1_2))), scale(sub(t1, t0), Math.SQRT1_2)]);
}

/**
 * x = p + (-|z0|, z1), p = (r cos a + 0.25, r sin a), a ~ U(-pi/2, pi/2),
 * r ~ N(0.1, 0.01^2). Its exact density: with (u, v) = x - shift - (0.25, 0)
 * and rho = |(u, v)|, p(x | theta) = N(rho; 0.1, 0.01^2) / (pi rho) for u > 0
 * (the polar Jacobian 1 / rho and a's density 1 / pi), 0 for u < 0. (sbibm's
 * _likelihood drops 1 / (pi rho); its reference posterior, drawn from the
 * simulator, is the exact one. The r < 0 branch, mass ~1e-23, is ignored.)
 * log 1[u > 0] is written as log(relu(u) / (|u| + 1e-300)) (0 for u > 1e-284,
 * -Infinity for u <= 0) so the density stays in kernels.
 */
export class TwoMoonsLikelihood implements Distribution {
  readonly support: Support = real;
  readonly reparameterized = false;
  readonly eventShape: readonly number[] = [2];
  readonly batchShape: readonly number[];

  constructor(readonly theta: Tensor) {
    this.batchShape = [theta.rows];
  }

  sample(rng: Rng, shape: readonly number[] = [this.theta.rows, 2]): Tensor {
    return noGrad(() => {
      const rows = shape[0];
      const a = shift(scale(rng.uniform([rows, 1]), Math.PI), -Math.PI / 2);
      const r = shift(scale(rng.normal([rows, 1]), R_SCALE), R_LOC);
      return add(concatCols([shift(mul(r, cos(a)), BASE_OFFSET), mul(r, sin(a))]), moonShift(this.theta));
    });
  }

  logProb(value: Tensor): Tensor {
    const p = sub(value, moonShift(this.theta));
    const u = shift(sliceCols(p, 0, 1), -BASE_OFFSET);
    const rho = sqrt(add(square(u), square(sliceCols(p, 1, 2))));
    const radial = shift(scale(square(shift(rho, -R_LOC)), -0.5 / (R_SCALE * R_SCALE)), -Math.log(R_SCALE * Math.sqrt(2 * Math.PI)) - Math.log(Math.PI));
    const lp = add(sub(radial, log(rho)), log(div(relu(u), shift(abs(u), TINY))));
    return reshape(lp, [value.rows]);
  }
}

/** The reflection (theta0, theta1) -> (-theta1, -theta0) that maps one crescent onto the other; folded: theta0 + theta1 >= 0. */
export const twoMoonsSymmetry: Symmetry = {
  fold(u, n) {
    for (let i = 0; i < n; i++) if (u[2 * i] + u[2 * i + 1] < 0) reflect(u, i);
  },
  unfold(u, n, stream) {
    for (let i = 0; i < n; i++) if (stream.uniform() < 0.5) reflect(u, i);
  },
};

function reflect(u: Float64Array, i: number): void {
  const a = u[2 * i];
  u[2 * i] = -u[2 * i + 1];
  u[2 * i + 1] = -a;
}

let task: Task | null = null;

/**
 * theta ~ U(-1, 1)^2, x | theta ~ TwoMoonsLikelihood. Reference (sbibm's
 * analytic sampler): draw p from the simulator at theta = 0, set
 * |z0| = p0 - x0 (rejecting p0 < x0, which has no preimage; sbibm keeps
 * those, a measure-small error), z1 = x1 - p1, a random sign for z0, rotate
 * back, and reject draws outside the prior.
 */
export function twoMoons(): Task {
  if (task) return task;
  const parts: ModelTaskParts = {
    name: "two_moons",
    dimTheta: 2,
    dimX: 2,
    prior: new Uniform(-BOUND, BOUND),
    likelihood: (theta) => new TwoMoonsLikelihood(theta),
  };
  task = defineTask({
    name: parts.name,
    displayName: "Two Moons",
    dimTheta: 2,
    dimX: 2,
    prior: distributionPrior(parts.prior, 2),
    observationSeeds: OBSERVATION_SEEDS,
    referenceMethod: "rejection",
    model: taskModel(parts),
    simulate: simulateFrom(parts),
    logLikelihood: logLikelihoodFrom(parts),
    reference: (_task, obs, n, rng) => twoMoonsPosterior(obs.x, n, rng),
  });
  return task;
}

/** n exact posterior draws for observation x by inverting the simulator (see twoMoons); DomainError if 1,000 n proposals give fewer. */
export function twoMoonsPosterior(x: ArrayLike<number>, n: number, rng: Rng): Matrix {
  const stream = new RandomStream(rng);
  const out = new Float64Array(2 * n);
  let accepted = 0;
  for (let tries = 0; accepted < n; tries++) {
    if (tries > 1000 * n) throw new DomainError("x", "an observation the two moons simulator can produce", `[${x[0]}, ${x[1]}] (acceptance ${accepted / tries})`);
    const a = Math.PI * stream.uniform() - Math.PI / 2;
    const r = R_LOC + R_SCALE * stream.normal();
    const p0 = r * Math.cos(a) + BASE_OFFSET;
    const p1 = r * Math.sin(a);
    const absZ0 = p0 - x[0];
    if (absZ0 < 0) continue;
    const z0 = stream.uniform() < 0.5 ? -absZ0 : absZ0;
    const z1 = x[1] - p1;
    const t0 = (z0 - z1) * Math.SQRT1_2;
    const t1 = (z0 + z1) * Math.SQRT1_2;
    if (Math.abs(t0) >= BOUND || Math.abs(t1) >= BOUND) continue;
    out[2 * accepted] = t0;
    out[2 * accepted + 1] = t1;
    accepted++;
  }
  return matrix(n, 2, out);
}
