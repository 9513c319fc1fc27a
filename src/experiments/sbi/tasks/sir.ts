// sbibm "sir" (Lueckmann et al. 2021, appendix T.9): the SIR epidemic ODE;
// the data are Binomial(1000) samples of the infected fraction on 10 days.
import { LogNormal } from "../../../distributions/log-normal.js";
import { dormandPrince, solveRows } from "../ode.js";
import { RandomStream, binomial, logBinomialCoefficient } from "../random.js";
import { mcmcReference } from "../reference/mcmc-reference.js";
import { distributionPrior } from "../model-task.js";
import { defineTask, matrix, type Task } from "../task.js";

const POPULATION = 1_000_000;
const INFECTED_0 = 1;
const RECOVERED_0 = 0;
const TOTAL_COUNT = 1000;
/** sbibm solves days 0..160 saved daily and keeps every 17th: days 0, 17, ..., 153. */
export const SIR_DAYS: readonly number[] = Object.freeze(Array.from({ length: 10 }, (_, j) => 17 * j));
/** sbibm's seeds for sir (task.py's observation_seeds). */
const OBSERVATION_SEEDS = [1000000, 1000001, 1000010, 1000011, 1000004, 1000005, 1000006, 1000013, 1000008, 1000009];
const ODE_TOLERANCE = { rtol: 1e-6, atol: 1e-6 };

/**
 * The infected fraction I(t) / N on SIR_DAYS of dS/dt = -beta S I / N,
 * dI/dt = beta S I / N - gamma I, dR/dt = gamma I, (S, I, R)(0) = (N - 1, 1, 0),
 * N = 10^6, clipped to [0, 1] (sbibm's clamp); null when the solver fails.
 */
export function sirInfectedFraction(beta: number, gamma: number): Float64Array | null {
  const s = dormandPrince(
    (_t, y, dy) => {
      const infections = (beta * y[0] * y[1]) / POPULATION;
      dy[0] = -infections;
      dy[1] = infections - gamma * y[1];
      dy[2] = gamma * y[1];
    },
    [POPULATION - INFECTED_0 - RECOVERED_0, INFECTED_0, RECOVERED_0],
    SIR_DAYS,
    ODE_TOLERANCE,
  );
  if (!s.y) return null;
  return Float64Array.from(SIR_DAYS, (_, j) => Math.min(1, Math.max(0, s.y![3 * j + 1] / POPULATION)));
}

let task: Task | null = null;

/**
 * theta = (beta, gamma) ~ LogNormal((log 0.4, log 0.125), (0.5, 0.2)),
 * x_j ~ Binomial(1000, I(t_j) / N) on days 0, 17, ..., 153 (solver:
 * Dormand-Prince 5(4), rtol 1e-6; sbibm uses DifferentialEquations.jl's
 * defaults). The likelihood is tractable but needs the ODE's sensitivities
 * for gradients, so there is no model-language version. Reference: MCMC in
 * log theta (sbibm: slice sampling, then a flow proposal and rejection).
 */
export function sir(): Task {
  if (task) return task;
  const prior = new LogNormal([Math.log(0.4), Math.log(0.125)], [0.5, 0.2]);
  const dimX = SIR_DAYS.length;
  const fractions = (theta: Float64Array, n: number) => solveRows(theta, n, dimX, (r) => sirInfectedFraction(r[0], r[1]));
  task = defineTask({
    name: "sir",
    displayName: "SIR",
    dimTheta: 2,
    dimX,
    prior: distributionPrior(prior, 2),
    observationSeeds: OBSERVATION_SEEDS,
    referenceMethod: "mcmc",
    simulate: (theta, rng) => {
      const p = fractions(theta.data, theta.rows);
      const stream = new RandomStream(rng);
      return matrix(theta.rows, dimX, p.map((v) => (Number.isNaN(v) ? NaN : binomial(stream, TOTAL_COUNT, v))));
    },
    logLikelihood: (theta, x) => {
      const p = fractions(theta.data, theta.rows);
      const out = new Float64Array(theta.rows);
      for (let i = 0; i < theta.rows; i++) {
        for (let j = 0; j < dimX; j++) out[i] += binomialLogPmf(x[j], TOTAL_COUNT, p[i * dimX + j]);
      }
      return out;
    },
    reference: mcmcReference({ space: "log" }),
  });
  return task;
}

/** log Binomial(k; n, p), with 0 log 0 = 0 at p in {0, 1}. */
function binomialLogPmf(k: number, n: number, p: number): number {
  if (Number.isNaN(p)) return NaN;
  const a = k === 0 ? 0 : k * Math.log(p);
  const b = k === n ? 0 : (n - k) * Math.log1p(-p);
  return logBinomialCoefficient(n, k) + a + b;
}
