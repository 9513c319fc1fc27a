// Quadrature and moment helpers for the sbi task tests.
import { grid, simpson } from "../../helpers/quadrature.js";
import type { Matrix } from "../../../src/experiments/sbi/task.js";

/** Per-column mean and variance of a matrix's rows. */
export function columnMoments(m: Matrix): { mean: number[]; variance: number[] } {
  const mean = new Array<number>(m.cols).fill(0);
  const variance = new Array<number>(m.cols).fill(0);
  for (let i = 0; i < m.rows; i++) for (let j = 0; j < m.cols; j++) mean[j] += m.data[i * m.cols + j] / m.rows;
  for (let i = 0; i < m.rows; i++) for (let j = 0; j < m.cols; j++) variance[j] += (m.data[i * m.cols + j] - mean[j]) ** 2 / (m.rows - 1);
  return { mean, variance };
}

/** A matrix of n copies of one row. */
export function repeatRow(row: ArrayLike<number>, n: number): Matrix {
  const d = row.length;
  const data = new Float64Array(n * d);
  for (let i = 0; i < n; i++) data.set(row, i * d);
  return { rows: n, cols: d, data };
}

/** log of Simpson's integral over [a, b] of exp(f(t)) (f evaluated on n + 1 points at once), stabilized by the max. */
export function logIntegral1d(f: (t: Float64Array) => Float64Array, a: number, b: number, n = 2000): number {
  const ts = Float64Array.from(grid(a, b, n));
  const lp = f(ts);
  const max = lp.reduce((a, v) => (v > a ? v : a), -Infinity);
  return max + Math.log(simpson(Array.from(lp, (v) => Math.exp(v - max)), a, b));
}

/**
 * For a density that is a product of 1-D factors, p(theta) = prod_j p_j(theta_j),
 * profiles g_j(t) = p(c with theta_j = t) integrate to prod_{k != j} p_k(c_k), so
 * sum_j log int g_j = (d - 1) log p(c) exactly when p is normalized (a wrong
 * constant kappa shifts the left side by d kappa and the right by (d - 1) kappa).
 * Returns the difference of the two sides.
 */
export function productNormalizationGap(logProb: (rows: Matrix) => Float64Array, c: ArrayLike<number>, ranges: readonly [number, number][], n = 2000): number {
  const d = c.length;
  let lhs = 0;
  for (let j = 0; j < d; j++) {
    lhs += logIntegral1d(
      (ts) => {
        const rows = repeatRow(c, ts.length);
        ts.forEach((t, i) => (rows.data[i * d + j] = t));
        return logProb(rows);
      },
      ranges[j][0],
      ranges[j][1],
      n,
    );
  }
  const lc = logProb(repeatRow(c, 1))[0];
  return lhs - (d - 1) * lc;
}

/** Mass, mean and covariance [xx, xy, yy] of exp(logDensity) over [a0, b0] x [a1, b1] by 2-D Simpson on (n + 1)^2 points. */
export function grid2dMoments(logDensity: (points: Matrix) => Float64Array, [a0, b0]: [number, number], [a1, b1]: [number, number], n = 200) {
  const xs = grid(a0, b0, n);
  const ys = grid(a1, b1, n);
  const m = n + 1;
  const pts = new Float64Array(m * m * 2);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < m; j++) {
      pts[(i * m + j) * 2] = xs[i];
      pts[(i * m + j) * 2 + 1] = ys[j];
    }
  }
  const lp = logDensity({ rows: m * m, cols: 2, data: pts });
  const max = lp.reduce((a, v) => (Number.isFinite(v) && v > a ? v : a), -Infinity);
  const integrate = (f: (p: number, x: number, y: number) => number) =>
    simpson(
      xs.map((x, i) => simpson(ys.map((y, j) => f(Math.exp(lp[i * m + j] - max), x, y)), a1, b1)),
      a0,
      b0,
    );
  const mass = integrate((p) => p);
  const mean = [integrate((p, x) => p * x) / mass, integrate((p, _x, y) => p * y) / mass];
  const cov = [
    integrate((p, x) => p * x * x) / mass - mean[0] ** 2,
    integrate((p, x, y) => p * x * y) / mass - mean[0] * mean[1],
    integrate((p, _x, y) => p * y * y) / mass - mean[1] ** 2,
  ];
  return { logMass: Math.log(mass) + max, mean, cov };
}

/** Sample covariance [xx, xy, yy] of a 2-column matrix. */
export function covariance2d(m: Matrix): number[] {
  const { mean } = columnMoments(m);
  const c = [0, 0, 0];
  for (let i = 0; i < m.rows; i++) {
    const a = m.data[2 * i] - mean[0];
    const b = m.data[2 * i + 1] - mean[1];
    c[0] += (a * a) / (m.rows - 1);
    c[1] += (a * b) / (m.rows - 1);
    c[2] += (b * b) / (m.rows - 1);
  }
  return c;
}
