import { describe, expect, it } from "vitest";
import { Rng, Tensor, tidy } from "../../../src/index.js";
import { makeObservation, type Matrix } from "../../../src/experiments/sbi/task.js";
import { SBI_TASK_NAMES, sbiTask } from "../../../src/experiments/sbi/tasks/index.js";
import { bernoulliGlmDesign } from "../../../src/experiments/sbi/tasks/bernoulli-glm.js";
import { IsotropicMixture } from "../../../src/experiments/sbi/tasks/gaussian-mixture.js";
import { lotkaVolterraLogPopulations } from "../../../src/experiments/sbi/tasks/lotka-volterra.js";
import { sirInfectedFraction } from "../../../src/experiments/sbi/tasks/sir.js";
import { SlcpLikelihood } from "../../../src/experiments/sbi/tasks/slcp.js";
import { TwoMoonsLikelihood } from "../../../src/experiments/sbi/tasks/two-moons.js";
import { gradCheck } from "../../helpers/gradcheck.js";
import { columnMoments, grid2dMoments, logIntegral1d, productNormalizationGap, repeatRow } from "./helpers.js";

/** sbibm's observation_seeds per task (task.py; the default is 1000000 + i). */
const SBIBM_SEEDS: Record<string, number[]> = {
  gaussian_linear: [1000000, 1000001, 1000002, 1000003, 1000004, 1000005, 1000006, 1000007, 1000008, 1000009],
  gaussian_linear_uniform: [1000000, 1000001, 1000002, 1000003, 1000004, 1000005, 1000006, 1000007, 1000008, 1000009],
  gaussian_mixture: [1000000, 1000001, 1000002, 1000003, 1000004, 1000005, 1000006, 1000007, 1000008, 1000009],
  two_moons: [1000011, 1000001, 1000002, 1000003, 1000013, 1000005, 1000006, 1000007, 1000008, 1000009],
  slcp: [1000000, 1000001, 1000002, 1000003, 1000004, 1000005, 1000010, 1000012, 1000008, 1000009],
  bernoulli_glm: [1000000, 1000001, 1000002, 1000003, 1000004, 1000005, 1000006, 1000007, 1000008, 1000009],
  sir: [1000000, 1000001, 1000010, 1000011, 1000004, 1000005, 1000006, 1000013, 1000008, 1000009],
  lotka_volterra: [1000020, 1000030, 1000034, 1000013, 1000004, 1000011, 1000012, 1000039, 1000041, 1000009],
};

const DIMS: Record<string, [number, number]> = {
  gaussian_linear: [10, 10],
  gaussian_linear_uniform: [10, 10],
  gaussian_mixture: [2, 2],
  two_moons: [2, 2],
  slcp: [5, 8],
  bernoulli_glm: [10, 10],
  sir: [2, 10],
  lotka_volterra: [4, 20],
};

/** n simulations at one prior draw (seeded) -> the draw and the simulations. */
function simulateAt(name: string, n: number, seed = 21): { theta: Float64Array; x: Matrix } {
  const task = sbiTask(name);
  const rng = new Rng(seed);
  const theta = task.prior.sample(1, rng).data;
  return { theta, x: task.simulate(repeatRow(theta, n), rng) };
}

describe("sbi tasks: observations", () => {
  it("each task has sbibm's dimensions and ten observations from sbibm's seeds, regenerated identically, inside the prior", () => {
    for (const name of SBI_TASK_NAMES) {
      const task = sbiTask(name);
      expect([task.dimTheta, task.dimX]).toEqual(DIMS[name]);
      expect(task.observationSeeds).toEqual(SBIBM_SEEDS[name]);
      const obs = task.observations();
      expect(obs.map((o) => o.index)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
      expect(obs.map((o) => o.seed)).toEqual(SBIBM_SEEDS[name]);
      const again = makeObservation({ ...task, simulateRaw: undefined }, 3, obs[2].seed);
      if (name !== "bernoulli_glm") expect(Array.from(again.x)).toEqual(Array.from(obs[2].x));
      expect(new Set(obs.map((o) => o.x.join(","))).size).toBe(10);
      for (const o of obs) {
        expect(o.x.length).toBe(task.dimX);
        expect(o.x.every(Number.isFinite)).toBe(true);
        expect(task.prior.logProb({ rows: 1, cols: task.dimTheta, data: o.theta })[0]).toBeGreaterThan(-Infinity);
      }
    }
  });

  it("bernoulli_glm keeps each observation's spike train, and x = X^T y", () => {
    const X = bernoulliGlmDesign();
    for (const o of sbiTask("bernoulli_glm").observations()) {
      expect(o.raw!.length).toBe(100);
      expect(o.raw!.every((v) => v === 0 || v === 1)).toBe(true);
      for (let j = 0; j < 10; j++) {
        let s = 0;
        for (let t = 0; t < 100; t++) s += X[t * 10 + j] * o.raw![t];
        expect(o.x[j]).toBeCloseTo(s, 9);
      }
    }
  });
});

describe("sbi tasks: simulators against closed-form moments", () => {
  const n = 20000;
  it("gaussian_linear and gaussian_linear_uniform: x | theta has mean theta and variance 0.1", () => {
    for (const name of ["gaussian_linear", "gaussian_linear_uniform"]) {
      const { theta, x } = simulateAt(name, n);
      const { mean, variance } = columnMoments(x);
      mean.forEach((m, j) => expect(Math.abs(m - theta[j])).toBeLessThan(5 * Math.sqrt(0.1 / n)));
      variance.forEach((v) => expect(Math.abs(v / 0.1 - 1)).toBeLessThan(0.05));
    }
  });

  it("gaussian_mixture: variance 0.5 (1 + 0.01) and one component per simulation (E[e0^2 e1^2] = 0.5 (1 + 1e-4))", () => {
    const { theta, x } = simulateAt("gaussian_mixture", n);
    const { mean, variance } = columnMoments(x);
    mean.forEach((m, j) => expect(Math.abs(m - theta[j])).toBeLessThan(5 * Math.sqrt(0.505 / n)));
    variance.forEach((v) => expect(Math.abs(v / 0.505 - 1)).toBeLessThan(0.05));
    let cross = 0;
    for (let i = 0; i < n; i++) cross += ((x.data[2 * i] - theta[0]) ** 2 * (x.data[2 * i + 1] - theta[1]) ** 2) / n;
    expect(Math.abs(cross - 0.50005)).toBeLessThan(0.05);
  });

  it("two_moons: x minus the shift is the half circle: radius N(0.1, 0.01^2), E[p0] = 0.25 + 0.2 / pi, E[p1] = 0", () => {
    const { theta, x } = simulateAt("two_moons", n);
    const z0 = (theta[0] + theta[1]) / Math.SQRT2;
    const z1 = (theta[1] - theta[0]) / Math.SQRT2;
    let m0 = 0;
    let m1 = 0;
    const radius = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const p0 = x.data[2 * i] + Math.abs(z0);
      const p1 = x.data[2 * i + 1] - z1;
      m0 += p0 / n;
      m1 += p1 / n;
      radius[i] = Math.hypot(p0 - 0.25, p1);
      expect(p0 - 0.25).toBeGreaterThan(0);
    }
    expect(Math.abs(m0 - (0.25 + 0.2 / Math.PI))).toBeLessThan(0.002);
    expect(Math.abs(m1)).toBeLessThan(0.002);
    const r = columnMoments({ rows: n, cols: 1, data: radius });
    expect(Math.abs(r.mean[0] - 0.1)).toBeLessThan(5 * Math.sqrt(1e-4 / n));
    expect(Math.abs(Math.sqrt(r.variance[0]) / 0.01 - 1)).toBeLessThan(0.03);
  });

  it("slcp: the four points have mean (theta1, theta2) and covariance S(theta) + 1e-6 I", () => {
    const { theta, x } = simulateAt("slcp", 10000);
    const s1 = theta[2] ** 2;
    const s2 = theta[3] ** 2;
    const rho = Math.tanh(theta[4]);
    const S = [s1 ** 2 + 1e-6, rho * s1 * s2, s2 ** 2 + 1e-6];
    const pts = new Float64Array(40000 * 2);
    for (let i = 0; i < 10000; i++) for (let j = 0; j < 4; j++) pts.set(x.data.subarray(i * 8 + 2 * j, i * 8 + 2 * j + 2), (i * 4 + j) * 2);
    const { mean, variance } = columnMoments({ rows: 40000, cols: 2, data: pts });
    expect(Math.abs(mean[0] - theta[0])).toBeLessThan(5 * Math.sqrt(S[0] / 40000));
    expect(Math.abs(mean[1] - theta[1])).toBeLessThan(5 * Math.sqrt(S[2] / 40000));
    expect(Math.abs(variance[0] / S[0] - 1)).toBeLessThan(0.05);
    expect(Math.abs(variance[1] / S[2] - 1)).toBeLessThan(0.05);
    let c = 0;
    for (let i = 0; i < 40000; i++) c += ((pts[2 * i] - mean[0]) * (pts[2 * i + 1] - mean[1])) / 40000;
    expect(Math.abs(c - S[1])).toBeLessThan(0.05 * Math.sqrt(S[0] * S[2]));
  });

  it("bernoulli_glm: E[x] = X^T sigmoid(X theta)", () => {
    const { theta, x } = simulateAt("bernoulli_glm", 5000);
    const X = bernoulliGlmDesign();
    const p = Array.from({ length: 100 }, (_, t) => 1 / (1 + Math.exp(-X.subarray(t * 10, t * 10 + 10).reduce((s, v, j) => s + v * theta[j], 0))));
    const { mean } = columnMoments(x);
    for (let j = 0; j < 10; j++) {
      const m = p.reduce((s, pt, t) => s + X[t * 10 + j] * pt, 0);
      const v = p.reduce((s, pt, t) => s + X[t * 10 + j] ** 2 * pt * (1 - pt), 0);
      expect(Math.abs(mean[j] - m)).toBeLessThan(5 * Math.sqrt(v / 5000) + 1e-9);
    }
  });

  it("sir: x_j ~ Binomial(1000, I(t_j) / N): mean 1000 p_j, variance 1000 p_j (1 - p_j)", () => {
    const { theta, x } = simulateAt("sir", 5000, 3);
    const p = sirInfectedFraction(theta[0], theta[1])!;
    const { mean, variance } = columnMoments(x);
    for (let j = 0; j < 10; j++) {
      const v = 1000 * p[j] * (1 - p[j]);
      expect(Math.abs(mean[j] - 1000 * p[j])).toBeLessThan(5 * Math.sqrt(v / 5000) + 1e-9);
      if (v > 1) expect(Math.abs(variance[j] / v - 1)).toBeLessThan(0.08);
    }
    expect(p[0]).toBeCloseTo(1e-6, 12);
  });

  it("lotka_volterra: log x ~ N(log u(t), 0.1^2) around the ODE solution", () => {
    const { theta, x } = simulateAt("lotka_volterra", 5000, 4);
    const logU = lotkaVolterraLogPopulations(theta[0], theta[1], theta[2], theta[3])!;
    const logX = { rows: 5000, cols: 20, data: x.data.map(Math.log) };
    const { mean, variance } = columnMoments(logX);
    for (let j = 0; j < 20; j++) {
      expect(Math.abs(mean[j] - logU[j])).toBeLessThan(5 * Math.sqrt(0.01 / 5000));
      expect(Math.abs(variance[j] / 0.01 - 1)).toBeLessThan(0.06);
    }
    expect(logU[0]).toBeCloseTo(Math.log(30), 12);
    expect(logU[10]).toBeCloseTo(0, 12);
  });
});

describe("sbi tasks: likelihoods", () => {
  const logLikRows = (make: (theta: Tensor) => { logProb(x: Tensor): Tensor }, theta: ArrayLike<number>, pts: Matrix) =>
    tidy(() => make(Tensor.from(repeatRow(theta, pts.rows).data, [pts.rows, theta.length])).logProb(Tensor.from(pts.data, [pts.rows, pts.cols])).toFloat64Array());

  it("two_moons and gaussian_mixture: p(x | theta) integrates to 1 over x (2-D Simpson)", () => {
    const theta = [0.3, -0.4];
    const z0 = (theta[0] + theta[1]) / Math.SQRT2;
    const z1 = (theta[1] - theta[0]) / Math.SQRT2;
    const cx = 0.25 - Math.abs(z0);
    const moons = grid2dMoments((pts) => logLikRows((t) => new TwoMoonsLikelihood(t), theta, pts), [cx + 1e-12, cx + 0.16], [z1 - 0.16, z1 + 0.16], 640);
    expect(Math.abs(Math.exp(moons.logMass) - 1)).toBeLessThan(0.01);
    const mixture = grid2dMoments((pts) => logLikRows((t) => new IsotropicMixture(t, [0.5, 0.5], [1, 0.1]), theta, pts), [-8, 8], [-8, 8], 800);
    expect(Math.abs(Math.exp(mixture.logMass) - 1)).toBeLessThan(1e-6);
  });

  it("slcp: log p(x | theta) is the sum of four bivariate Normal log densities with covariance S + 1e-6 I", () => {
    const task = sbiTask("slcp");
    const rng = new Rng(4);
    const theta = task.prior.sample(3, rng);
    const x = task.simulate(theta, rng);
    const ll = task.logLikelihood(theta, x.data.subarray(0, 8));
    for (let r = 0; r < 3; r++) {
      const t = theta.data.subarray(r * 5, r * 5 + 5);
      const [a, b, c] = [t[2] ** 4 + 1e-6, Math.tanh(t[4]) * t[2] ** 2 * t[3] ** 2, t[3] ** 4 + 1e-6];
      const det = a * c - b * b;
      let lp = 0;
      for (let j = 0; j < 4; j++) {
        const d0 = x.data[2 * j] - t[0];
        const d1 = x.data[2 * j + 1] - t[1];
        lp += -0.5 * ((c * d0 * d0 - 2 * b * d0 * d1 + a * d1 * d1) / det) - 0.5 * Math.log(det) - Math.log(2 * Math.PI);
      }
      expect(ll[r]).toBeCloseTo(lp, 7);
    }
  });

  it("bernoulli_glm: log p(x | theta) on the summary equals the spike train's Bernoulli log-likelihood", () => {
    const task = sbiTask("bernoulli_glm");
    const X = bernoulliGlmDesign();
    const o = task.observations()[0];
    const theta = task.prior.sample(4, new Rng(6));
    const ll = task.logLikelihood(theta, o.x);
    for (let r = 0; r < 4; r++) {
      let lp = 0;
      for (let t = 0; t < 100; t++) {
        const psi = X.subarray(t * 10, t * 10 + 10).reduce((s, v, j) => s + v * theta.data[r * 10 + j], 0);
        lp += o.raw![t] * psi - Math.log1p(Math.exp(psi));
      }
      expect(ll[r]).toBeCloseTo(lp, 8);
    }
  });

  it("sir and lotka_volterra: p(x | theta) normalizes (a sum over counts / 1-D quadrature of every factor)", () => {
    const sir = sbiTask("sir");
    const thetaS = sir.observations()[0].theta;
    const c = sir.observations()[0].x;
    // the likelihood is a product over the ten days: sum_j log sum_k g_j(k) = 9 log p(c)
    let lhs = 0;
    for (let j = 0; j < 10; j++) {
      const rows = repeatRow(c, 1001);
      for (let k = 0; k <= 1000; k++) rows.data[k * 10 + j] = k;
      const lp = Array.from({ length: 1001 }, (_, k) => sir.logLikelihood({ rows: 1, cols: 2, data: thetaS }, rows.data.subarray(k * 10, k * 10 + 10))[0]);
      const max = Math.max(...lp);
      lhs += max + Math.log(lp.reduce((s, v) => s + Math.exp(v - max), 0));
    }
    const lc = sir.logLikelihood({ rows: 1, cols: 2, data: thetaS }, c)[0];
    expect(Math.abs(lhs - 9 * lc)).toBeLessThan(1e-8);

    const lv = sbiTask("lotka_volterra");
    const o = lv.observations()[0];
    const logU = lotkaVolterraLogPopulations(o.theta[0], o.theta[1], o.theta[2], o.theta[3])!;
    const gap = productNormalizationGap(
      (rows) => Float64Array.from({ length: rows.rows }, (_, i) => lv.logLikelihood({ rows: 1, cols: 4, data: o.theta }, rows.data.subarray(i * 20, i * 20 + 20))[0]),
      o.x,
      Array.from(logU, (m) => [Math.exp(m - 1.2), Math.exp(m + 1.2)] as [number, number]),
      300,
    );
    expect(Math.abs(gap)).toBeLessThan(1e-6);
    expect(logIntegral1d((t) => t.map((v) => -0.5 * v * v - 0.5 * Math.log(2 * Math.PI)), -10, 10)).toBeCloseTo(0, 10);
  });

  it("the model-language likelihoods have gradients in theta and x matching central differences", () => {
    const rng = new Rng(12);
    for (const [name, make] of [
      ["two_moons", (t: Tensor) => new TwoMoonsLikelihood(t)],
      ["slcp", (t: Tensor) => new SlcpLikelihood(t)],
      ["gaussian_mixture", (t: Tensor) => new IsotropicMixture(t, [0.5, 0.5], [1, 0.1])],
    ] as const) {
      const task = sbiTask(name);
      const theta = task.prior.sample(4, rng);
      const x = task.simulate(theta, rng);
      const err = gradCheck((t, v) => make(t).logProb(v), [
        { shape: [4, task.dimTheta], values: Array.from(theta.data) },
        { shape: [4, task.dimX], values: Array.from(x.data) },
      ]);
      expect(err).toBeLessThan(1e-5);
    }
  });

  it("the model in the model language scores theta and x as prior.logProb + logLikelihood, row by row", () => {
    for (const name of SBI_TASK_NAMES) {
      const task = sbiTask(name);
      if (!task.model) {
        expect(["sir", "lotka_volterra"]).toContain(name);
        continue;
      }
      const o = task.observations()[0];
      const theta = task.prior.sample(3, new Rng(2));
      const observed = name === "bernoulli_glm" ? "spikes" : "x";
      const data = repeatRow(name === "bernoulli_glm" ? o.raw! : o.x, 3);
      const lp = tidy(() =>
        task
          .model!.run({ values: { theta: Tensor.from(theta.data, [3, task.dimTheta]) }, data: { [observed]: Tensor.from(data.data, [3, data.cols]) }, requireValues: true })
          .localLogProb()!
          .toFloat64Array(),
      );
      const expected = task.prior.logProb(theta).map((v, i) => v + task.logLikelihood(theta, o.x)[i]);
      lp.forEach((v, i) => expect(v).toBeCloseTo(expected[i], 8));
      const joint = tidy(() => task.model!.sampleJoint(5, new Rng(3)).data[observed].shape);
      expect(joint).toEqual([5, name === "bernoulli_glm" ? 100 : task.dimX]);
    }
  });
});
