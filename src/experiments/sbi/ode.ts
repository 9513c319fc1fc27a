// An explicit Runge-Kutta solver for the ODE simulators of the sbibm tasks
// (SIR, Lotka-Volterra). Plain JS: a simulator is data preparation, solved
// once per parameter row, and the systems have 2-3 states.
import { DomainError, ShapeError, assertInteger, assertPositive } from "../../core/errors.js";

/** dy/dt = f(t, y): writes f(t, y) into `dydt` (no allocation per call). */
export type OdeRhs = (t: number, y: Float64Array, dydt: Float64Array) => void;

export interface OdeOptions {
  /** Relative tolerance of the local error (default 1e-6). */
  rtol?: number;
  /** Absolute tolerance of the local error (default 1e-9). */
  atol?: number;
  /** Accepted + rejected steps before giving up (default 100,000). */
  maxSteps?: number;
}

/** The solution at the requested times, row-major [times, dim]; `failure` says why it stopped early (then `y` is null). */
export interface OdeSolution {
  y: Float64Array | null;
  steps: number;
  rejected: number;
  evaluations: number;
  failure?: string;
}

// Dormand & Prince (1980), "A family of embedded Runge-Kutta formulae", J. Comp. Appl. Math. 6:
// the 5th-order weights are the last stage's row (FSAL), E = b5 - b4 the error weights.
const C = [0, 1 / 5, 3 / 10, 4 / 5, 8 / 9, 1, 1];
const A = [
  [],
  [1 / 5],
  [3 / 40, 9 / 40],
  [44 / 45, -56 / 15, 32 / 9],
  [19372 / 6561, -25360 / 2187, 64448 / 6561, -212 / 729],
  [9017 / 3168, -355 / 33, 46732 / 5247, 49 / 176, -5103 / 18656],
  [35 / 384, 0, 500 / 1113, 125 / 192, -2187 / 6784, 11 / 84],
];
const E = [71 / 57600, 0, -71 / 16695, 71 / 1920, -17253 / 339200, 22 / 525, -1 / 40];

const SAFETY = 0.9;
const MIN_FACTOR = 0.2;
const MAX_FACTOR = 10;

/**
 * Solves y' = f(t, y), y(times[0]) = y0 with the adaptive Dormand-Prince 5(4)
 * pair (Hairer, Norsett & Wanner, Solving ODEs I, sec. II.4-5): local
 * extrapolation, error norm sqrt(mean((e_i / (atol + rtol max(|y_i|, |y'_i|)))^2)),
 * step factor 0.9 err^(-1/5) clipped to [0.2, 10], initial step from
 * Hairer's starting-step heuristic. Steps end exactly on each output time,
 * so no interpolation error enters the returned values. `times` must be
 * non-decreasing; the first is the initial time.
 */
export function dormandPrince(f: OdeRhs, y0: ArrayLike<number>, times: ArrayLike<number>, options: OdeOptions = {}): OdeSolution {
  const rtol = options.rtol ?? 1e-6;
  const atol = options.atol ?? 1e-9;
  const maxSteps = options.maxSteps ?? 100_000;
  assertPositive("options.rtol", rtol);
  assertPositive("options.atol", atol);
  assertInteger("options.maxSteps", maxSteps, 1);
  const dim = y0.length;
  if (dim < 1) throw new ShapeError("y0", "at least one state", "0 values");
  if (times.length < 1) throw new ShapeError("times", "at least one time", "0 values");
  for (let i = 1; i < times.length; i++) {
    if (!(times[i] >= times[i - 1])) throw new DomainError("times", "non-decreasing finite times", `${times[i]} after ${times[i - 1]} at index ${i}`);
  }

  const out = new Float64Array(times.length * dim);
  const y = Float64Array.from(y0);
  const yNew = new Float64Array(dim);
  const stage = new Float64Array(dim);
  const k = Array.from({ length: 7 }, () => new Float64Array(dim));
  out.set(y, 0);
  let t = times[0];
  let evaluations = 1;
  f(t, y, k[0]);
  let h = initialStep(f, t, y, k[0], rtol, atol, times[times.length - 1] - t, stage, yNew);
  evaluations++;
  let steps = 0;
  let rejected = 0;

  for (let j = 1; j < times.length; j++) {
    const target = times[j];
    while (t < target) {
      if (steps + rejected >= maxSteps) return { y: null, steps, rejected, evaluations, failure: `more than ${maxSteps} steps before t = ${target}` };
      const last = t + h >= target;
      const hStep = last ? target - t : h;
      for (let s = 1; s < 7; s++) {
        for (let i = 0; i < dim; i++) {
          let acc = y[i];
          const row = A[s];
          for (let r = 0; r < s; r++) acc += hStep * row[r] * k[r][i];
          stage[i] = acc;
        }
        f(t + C[s] * hStep, stage, k[s]);
      }
      evaluations += 6;
      yNew.set(stage); // the 7th stage's point is the 5th-order solution (FSAL)
      let err = 0;
      for (let i = 0; i < dim; i++) {
        let e = 0;
        for (let r = 0; r < 7; r++) e += E[r] * k[r][i];
        const sc = atol + rtol * Math.max(Math.abs(y[i]), Math.abs(yNew[i]));
        err += ((hStep * e) / sc) ** 2;
      }
      err = Math.sqrt(err / dim);
      if (!Number.isFinite(err)) {
        // an overflow inside the step: retry smaller, as for a too-large error
        rejected++;
        h = hStep * MIN_FACTOR;
        if (!(h > 1e-14 * Math.max(1, Math.abs(t)))) return { y: null, steps, rejected, evaluations, failure: `non-finite state near t = ${t}` };
        continue;
      }
      const factor = Math.min(MAX_FACTOR, Math.max(MIN_FACTOR, SAFETY * Math.pow(Math.max(err, 1e-10), -0.2)));
      if (err <= 1) {
        t = last ? target : t + hStep;
        y.set(yNew);
        k[0].set(k[6]);
        steps++;
        // after a step shortened to hit the output time, keep the controller's proposal for h
        h = last ? Math.max(h, hStep * factor) : hStep * factor;
      } else {
        rejected++;
        h = hStep * Math.min(1, factor);
        if (!(h > 1e-14 * Math.max(1, Math.abs(t)))) return { y: null, steps, rejected, evaluations, failure: `step size underflow near t = ${t}` };
      }
    }
    out.set(y, j * dim);
  }
  return { y: out, steps, rejected, evaluations };
}

/** Hairer, Norsett & Wanner (1993) sec. II.4 starting step: h from |y0|, |f0| and a trial Euler step's change of f. */
function initialStep(f: OdeRhs, t: number, y: Float64Array, f0: Float64Array, rtol: number, atol: number, span: number, trial: Float64Array, f1: Float64Array): number {
  if (!(span > 0)) return 1;
  const dim = y.length;
  let d0 = 0;
  let d1 = 0;
  for (let i = 0; i < dim; i++) {
    const sc = atol + rtol * Math.abs(y[i]);
    d0 += (y[i] / sc) ** 2;
    d1 += (f0[i] / sc) ** 2;
  }
  d0 = Math.sqrt(d0 / dim);
  d1 = Math.sqrt(d1 / dim);
  const h0 = d0 < 1e-5 || d1 < 1e-5 ? 1e-6 : (0.01 * d0) / d1;
  for (let i = 0; i < dim; i++) trial[i] = y[i] + h0 * f0[i];
  f(t + h0, trial, f1);
  let d2 = 0;
  for (let i = 0; i < dim; i++) d2 += ((f1[i] - f0[i]) / (atol + rtol * Math.abs(y[i]))) ** 2;
  d2 = Math.sqrt(d2 / dim) / h0;
  const h1 = Math.max(d1, d2) <= 1e-15 ? Math.max(1e-6, h0 * 1e-3) : Math.pow(0.01 / Math.max(d1, d2), 1 / 5);
  return Math.min(100 * h0, h1, span);
}

/**
 * Applies `solve` to each row of theta [n, d] (row-major) and stacks the
 * results [n, width]; a row whose solve fails (null) is all NaN, as sbibm's
 * simulators return NaN for a failed solve.
 */
export function solveRows(theta: Float64Array, n: number, width: number, solve: (row: Float64Array) => Float64Array | null): Float64Array {
  const d = theta.length / n;
  const out = new Float64Array(n * width);
  for (let i = 0; i < n; i++) {
    const y = solve(theta.subarray(i * d, (i + 1) * d));
    if (y && y.length === width) out.set(y, i * width);
    else out.fill(NaN, i * width, (i + 1) * width);
  }
  return out;
}
