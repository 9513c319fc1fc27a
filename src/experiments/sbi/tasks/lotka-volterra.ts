// sbibm "lotka_volterra" (Lueckmann et al. 2021, appendix T.10): the
// predator-prey ODE; the data are log-normal observations of both
// populations at 10 times.
import { LogNormal } from "../../../distributions/log-normal.js";
import { dormandPrince, solveRows } from "../ode.js";
import { normals } from "../random.js";
import { mcmcReference } from "../reference/mcmc-reference.js";
import { distributionPrior } from "../model-task.js";
import { defineTask, matrix, type Task } from "../task.js";

/** sbibm solves t in [0, 20] saved every 0.1 and keeps every 21st: t = 0, 2.1, ..., 18.9. */
export const LV_TIMES: readonly number[] = Object.freeze(Array.from({ length: 10 }, (_, j) => (21 * j) / 10));
const INITIAL = [30, 1];
const NOISE_SD = 0.1;
const CLAMP_LOW = 1e-10;
const CLAMP_HIGH = 1e4;
/** sbibm's seeds for lotka_volterra (task.py's observation_seeds). */
const OBSERVATION_SEEDS = [1000020, 1000030, 1000034, 1000013, 1000004, 1000011, 1000012, 1000039, 1000041, 1000009];
const ODE_TOLERANCE = { rtol: 1e-6, atol: 1e-9 };

/**
 * log of the populations (prey at LV_TIMES, then predators) of dx/dt = alpha x - beta x y,
 * dy/dt = -gamma y + delta x y, (x, y)(0) = (30, 1), clipped to [1e-10, 1e4]
 * (sbibm's clamp) -> [20]; null when the solver fails.
 */
export function lotkaVolterraLogPopulations(alpha: number, beta: number, gamma: number, delta: number): Float64Array | null {
  const s = dormandPrince(
    (_t, y, dy) => {
      dy[0] = alpha * y[0] - beta * y[0] * y[1];
      dy[1] = -gamma * y[1] + delta * y[0] * y[1];
    },
    INITIAL,
    LV_TIMES,
    ODE_TOLERANCE,
  );
  if (!s.y) return null;
  const T = LV_TIMES.length;
  const out = new Float64Array(2 * T);
  for (let j = 0; j < T; j++) {
    out[j] = Math.log(Math.min(CLAMP_HIGH, Math.max(CLAMP_LOW, s.y[2 * j])));
    out[T + j] = Math.log(Math.min(CLAMP_HIGH, Math.max(CLAMP_LOW, s.y[2 * j + 1])));
  }
  return out;
}

let task: Task | null = null;

/**
 * theta = (alpha, beta, gamma, delta) ~ LogNormal((-0.125, -3, -0.125, -3), 0.5),
 * x ~ LogNormal(log u(t), 0.1) elementwise, u the clipped populations
 * (solver: Dormand-Prince 5(4), rtol 1e-6). No model-language version (the
 * ODE has no differentiable op here). Reference: MCMC in log theta (sbibm:
 * slice sampling, then a flow proposal and rejection).
 */
export function lotkaVolterra(): Task {
  if (task) return task;
  const prior = new LogNormal([-0.125, -3, -0.125, -3], 0.5);
  const dimX = 2 * LV_TIMES.length;
  const logMeans = (theta: Float64Array, n: number) => solveRows(theta, n, dimX, (r) => lotkaVolterraLogPopulations(r[0], r[1], r[2], r[3]));
  const logNorm = Math.log(NOISE_SD * Math.sqrt(2 * Math.PI));
  task = defineTask({
    name: "lotka_volterra",
    displayName: "Lotka-Volterra",
    dimTheta: 4,
    dimX,
    prior: distributionPrior(prior, 4),
    observationSeeds: OBSERVATION_SEEDS,
    referenceMethod: "mcmc",
    simulate: (theta, rng) => {
      const m = logMeans(theta.data, theta.rows);
      const z = normals(rng, m.length);
      return matrix(theta.rows, dimX, m.map((v, i) => Math.exp(v + NOISE_SD * z[i])));
    },
    logLikelihood: (theta, x) => {
      const m = logMeans(theta.data, theta.rows);
      const logX = Array.from(x, (v) => Math.log(v));
      const out = new Float64Array(theta.rows);
      for (let i = 0; i < theta.rows; i++) {
        for (let j = 0; j < dimX; j++) out[i] += -0.5 * ((logX[j] - m[i * dimX + j]) / NOISE_SD) ** 2 - logNorm - logX[j];
      }
      return out;
    },
    reference: mcmcReference({ space: "log" }),
  });
  return task;
}
