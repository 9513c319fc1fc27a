import { describe, expect, it } from "vitest";
import { Rng } from "../../../src/index.js";
import { cholesky, inverseFromCholesky } from "../../../src/core/dense-matrix.js";
import { SBI_TASK_NAMES, sbiTask } from "../../../src/experiments/sbi/tasks/index.js";
import { bernoulliGlmPrecision } from "../../../src/experiments/sbi/tasks/bernoulli-glm.js";
import { columnMoments, grid2dMoments, productNormalizationGap } from "./helpers.js";

const inside = (a: number, b: number): [number, number] => [a + 1e-12, b - 1e-12];

/** The 1-D factor ranges holding all the mass of each product prior. */
const PRODUCT_PRIORS: Record<string, [number, number][]> = {
  gaussian_linear: Array.from({ length: 10 }, () => [-3, 3]),
  gaussian_linear_uniform: Array.from({ length: 10 }, () => inside(-1, 1)),
  gaussian_mixture: [inside(-10, 10), inside(-10, 10)],
  two_moons: [inside(-1, 1), inside(-1, 1)],
  slcp: Array.from({ length: 5 }, () => inside(-3, 3)),
  sir: [
    [1e-6, 25],
    [1e-4, 1],
  ],
  lotka_volterra: [
    [1e-6, 50],
    [1e-8, 3],
    [1e-6, 50],
    [1e-8, 3],
  ],
};

/** Closed-form means of each coordinate of the product priors. */
const PRIOR_MEANS: Record<string, number[]> = {
  gaussian_linear: new Array(10).fill(0),
  gaussian_linear_uniform: new Array(10).fill(0),
  gaussian_mixture: [0, 0],
  two_moons: [0, 0],
  slcp: new Array(5).fill(0),
  sir: [0.4 * Math.exp(0.125), 0.125 * Math.exp(0.02)],
  lotka_volterra: [Math.exp(-0.125 + 0.125), Math.exp(-3 + 0.125), Math.exp(-0.125 + 0.125), Math.exp(-3 + 0.125)],
};

describe("sbi task priors", () => {
  for (const name of Object.keys(PRODUCT_PRIORS)) {
    it(`${name}: the product prior's logProb normalizes (1-D quadrature of every factor)`, () => {
      const task = sbiTask(name);
      const c = task.prior.sample(1, new Rng(11)).data;
      const gap = productNormalizationGap((rows) => task.prior.logProb(rows), c, PRODUCT_PRIORS[name], 4000);
      expect(Math.abs(gap)).toBeLessThan(2e-4);
    });
  }

  it("every prior: -Infinity outside the support, draws inside it with the closed-form means", () => {
    for (const name of SBI_TASK_NAMES) {
      const task = sbiTask(name);
      const draws = task.prior.sample(20000, new Rng(5));
      expect(draws.rows).toBe(20000);
      expect(draws.cols).toBe(task.dimTheta);
      expect(task.prior.logProb(draws).every(Number.isFinite)).toBe(true);
      const outside = new Float64Array(task.dimTheta).fill(name === "gaussian_linear" || name === "bernoulli_glm" ? NaN : -20);
      expect(task.prior.logProb({ rows: 1, cols: task.dimTheta, data: outside })[0]).toBe(-Infinity);
      if (PRIOR_MEANS[name]) {
        const { mean, variance } = columnMoments(draws);
        mean.forEach((m, j) => expect(Math.abs(m - PRIOR_MEANS[name][j])).toBeLessThan(5 * Math.sqrt(variance[j] / draws.rows)));
      }
    }
  });

  it("bernoulli_glm: the Gaussian prior has sbibm's precision, the closed-form density, a 2-D marginal that integrates to the rest's marginal, and draws of covariance P^-1", () => {
    const P = bernoulliGlmPrecision();
    // numbers of sbibm's construction evaluated with numpy
    expect(P.reduce((s, v) => s + v, 0)).toBeCloseTo(5.833333333333334, 10);
    expect(Array.from({ length: 10 }, (_, i) => P[i * 11]).reduce((s, v) => s + v, 0)).toBeCloseTo(63.37066701735714, 10);
    const Sigma = inverseFromCholesky(cholesky(P, 10), 10);
    const numpyVariances = [2.0, 1.0, 2.8125, 3.34868144, 2.40891022, 1.4795062, 1.21096247, 1.14320898, 0.96158691, 0.77490754];
    numpyVariances.forEach((v, i) => expect(Sigma[i * 11]).toBeCloseTo(v, 6));

    const task = sbiTask("bernoulli_glm");
    const LP = cholesky(P, 10);
    const logDetP = 2 * Array.from({ length: 10 }, (_, i) => Math.log(LP[i * 11])).reduce((s, v) => s + v, 0);
    const theta = task.prior.sample(5, new Rng(2));
    const lp = task.prior.logProb(theta);
    for (let r = 0; r < 5; r++) {
      const t = theta.data.subarray(r * 10, r * 10 + 10);
      let q = 0;
      for (let i = 0; i < 10; i++) for (let j = 0; j < 10; j++) q += t[i] * P[i * 10 + j] * t[j];
      expect(lp[r]).toBeCloseTo(-0.5 * q - 5 * Math.log(2 * Math.PI) + 0.5 * logDetP, 9);
    }

    // int int p(t0, t1, c_rest) dt0 dt1 = N(c_rest; 0, Sigma_rest)
    const c = theta.data.slice(0, 10);
    const { logMass } = grid2dMoments(
      (pts) => {
        const rows = new Float64Array(pts.rows * 10);
        for (let i = 0; i < pts.rows; i++) {
          rows.set(c, i * 10);
          rows[i * 10] = pts.data[2 * i];
          rows[i * 10 + 1] = pts.data[2 * i + 1];
        }
        return task.prior.logProb({ rows: pts.rows, cols: 10, data: rows });
      },
      [-9, 9],
      [-7, 7],
      240,
    );
    const rest = new Float64Array(64);
    for (let i = 0; i < 8; i++) for (let j = 0; j < 8; j++) rest[i * 8 + j] = Sigma[(i + 2) * 10 + j + 2];
    const LR = cholesky(rest, 8);
    const z = new Float64Array(8);
    for (let i = 0; i < 8; i++) {
      let s = c[i + 2];
      for (let k = 0; k < i; k++) s -= LR[i * 8 + k] * z[k];
      z[i] = s / LR[i * 9];
    }
    const logRest = -0.5 * z.reduce((s, v) => s + v * v, 0) - 4 * Math.log(2 * Math.PI) - Array.from({ length: 8 }, (_, i) => Math.log(LR[i * 9])).reduce((s, v) => s + v, 0);
    expect(Math.abs(logMass - logRest)).toBeLessThan(1e-5);

    const draws = task.prior.sample(20000, new Rng(9));
    const { variance } = columnMoments(draws);
    variance.forEach((v, i) => expect(Math.abs(v / Sigma[i * 11] - 1)).toBeLessThan(0.05));
  });
});
