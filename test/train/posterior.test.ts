import { describe, expect, it } from "vitest";
import { amortizedPosterior, simulatePairs, type Simulator } from "../../src/train/posterior.js";
import { calibrate } from "../../src/train/calibrate.js";
import { defineModel } from "../../src/model/model.js";
import { DiagNormal, Normal } from "../../src/distributions/normal.js";
import { interval } from "../../src/distributions/support.js";
import { Rng } from "../../src/core/rng.js";
import { Tensor } from "../../src/core/tensor.js";

/** theta ~ N(0, I_2), x = theta + N(0, 0.5^2 I): p(theta | x) = N(0.8 x, 0.2 I). */
const gaussian = (nanEvery = 0): Simulator => ({
  dimTheta: 2,
  dimX: 2,
  prior: { sample: (n, rng) => ({ rows: n, cols: 2, data: rng.normal([n, 2], "persistent").toFloat64Array() }) },
  simulate(theta, rng) {
    const e = rng.normal([theta.rows, 2], "persistent").toFloat64Array();
    const data = theta.data.map((t, i) => t + 0.5 * e[i]);
    if (nanEvery) for (let i = 0; i < theta.rows; i += nanEvery) data[2 * i] = NaN;
    return { rows: theta.rows, cols: 2, data };
  },
});

const moments = (draws: number[][]) => {
  const n = draws.length;
  return [0, 1].map((j) => {
    const m = draws.reduce((s, r) => s + r[j], 0) / n;
    return { mean: m, sd: Math.sqrt(draws.reduce((s, r) => s + (r[j] - m) ** 2, 0) / (n - 1)) };
  });
};

describe("amortizedPosterior", () => {
  it("NPE on a fixed budget recovers the conjugate posterior at new observations, with early stopping on the validation loss", () => {
    const post = amortizedPosterior({ simulator: gaussian(), simulations: 10000, seed: 1, maxEpochs: 100, lr: 1e-3 });
    expect(post.training.simulations).toEqual({ drawn: 10000, used: 10000, dropped: 0 });
    expect(post.training.validationLoss.length).toBeGreaterThan(3);
    expect(post.training.stoppedBy).toMatch(/no better validation loss for 20 epochs/);
    // the best validation loss is within 0.03 nats of the exact posterior's entropy, log(2 pi e 0.2)
    expect(Math.min(...post.training.validationLoss) - Math.log(2 * Math.PI * Math.E * 0.2)).toBeLessThan(0.03);
    for (const x of [[1, -1], [0.5, 2]]) {
      const m = moments(post.sample(4000, x, 3));
      m.forEach((mj, j) => {
        expect(Math.abs(mj.mean - 0.8 * x[j])).toBeLessThan(0.1); // measured: at most 0.067 (x = (0.5, 2), 1.8 marginal sd out)
        expect(Math.abs(mj.sd - Math.sqrt(0.2))).toBeLessThan(0.05);
      });
      // logProb at the exact posterior mean is near the exact log-density there: -log(2 pi 0.2)
      const lp = post.logProb([[0.8 * x[0], 0.8 * x[1]]], x)[0];
      expect(Math.abs(lp + Math.log(2 * Math.PI * 0.2))).toBeLessThan(0.15);
    }
  });

  it("drops and counts simulations with a non-finite output, or stops with an error naming the simulation", () => {
    const dropped = simulatePairs(gaussian(10), 100, new Rng(1));
    expect(dropped.dropped).toBe(10);
    expect(dropped.theta.rows).toBe(90);
    expect(() => simulatePairs(gaussian(10), 100, new Rng(1), "error")).toThrow(/simulate.*simulation 0/);
    const post = amortizedPosterior({ simulator: gaussian(4), simulations: 400, seed: 1, maxEpochs: 2 });
    expect(post.training.simulations).toEqual({ drawn: 400, used: 300, dropped: 100 });
  });

  it("keeps draws inside a bounded prior's support (a box prior through the interval transform)", () => {
    const box: Simulator = {
      dimTheta: 1,
      dimX: 1,
      prior: { support: interval(-1, 1), sample: (n, rng) => ({ rows: n, cols: 1, data: rng.uniform([n, 1], "persistent").toFloat64Array().map((u) => 2 * u - 1) }) },
      simulate: (theta, rng) => ({ rows: theta.rows, cols: 1, data: theta.data.map((t, i) => t + 0.3 * rng.normal([1]).item() + 0 * i) }),
    };
    const post = amortizedPosterior({ simulator: box, simulations: 1000, seed: 2, maxEpochs: 20 });
    const draws = post.sample(2000, [0.95], 1).map((r) => r[0]);
    expect(Math.max(...draws)).toBeLessThan(1);
    expect(Math.min(...draws)).toBeGreaterThan(-1);
  });

  it("trains by the reverse-KL ELBO where the likelihood is tractable", () => {
    const zeros = Tensor.from([[0, 0]], [1, 2], "persistent");
    const model = defineModel("gaussian", (m) => {
      m.plate("data", () => {
        const theta = m.sample("theta", new DiagNormal(zeros, zeros));
        m.observe("x", Normal.fromLogStd(theta, Math.log(0.5)));
      });
    });
    const post = amortizedPosterior({ model, method: "elbo", maxSteps: 2000, lr: 5e-3, batchSize: 128, seed: 1 });
    const m = moments(post.sample(4000, [1, -1], 2));
    expect(Math.abs(m[0].mean - 0.8)).toBeLessThan(0.06);
    expect(Math.abs(m[1].mean + 0.8)).toBeLessThan(0.06);
    expect(Math.abs(m[0].sd - Math.sqrt(0.2))).toBeLessThan(0.05);
  });

  it("bad input: typed errors naming the argument", () => {
    expect(() => amortizedPosterior({ simulator: gaussian(), simulations: 0 })).toThrow(/simulations/);
    expect(() => amortizedPosterior({})).toThrow(/exactly one of simulator and model/);
    expect(() => amortizedPosterior({ simulator: gaussian(), method: "elbo" })).toThrow(/method.*needs the likelihood/);
    const outside: Simulator = { ...gaussian(), prior: { support: interval(0, 1), sample: (n) => ({ rows: n, cols: 2, data: new Float64Array(2 * n).fill(2) }) } };
    expect(() => simulatePairs(outside, 5, new Rng(1))).toThrow(/prior.sample.*\[0, 1\]|prior.sample.*interval/);
    const post = amortizedPosterior({ simulator: gaussian(), simulations: 100, maxEpochs: 1 });
    expect(() => post.sample(10, [1])).toThrow(/x.*2 values/);
    expect(() => post.logProb([[1]], [1, 1])).toThrow(/theta\[0\].*2 values/);
  });
});

describe("calibrate", () => {
  /** The exact conjugate posterior N(0.8 x, 0.2 I), its sd scaled by `s` (s < 1: over-confident). */
  const exact = (s: number) => {
    const sd = s * Math.sqrt(0.2);
    return {
      sample(n: number, x: ArrayLike<number>, rng: Rng | number = 0) {
        const r = rng instanceof Rng ? rng : new Rng(rng);
        const e = r.normal([n, 2], "persistent").toArray();
        return Array.from({ length: n }, (_, i) => [0.8 * x[0] + sd * e[2 * i], 0.8 * x[1] + sd * e[2 * i + 1]]);
      },
      logProb(theta: readonly (readonly number[])[], x: ArrayLike<number>) {
        return Float64Array.from(theta, (t) => t.reduce((a, v, j) => a - 0.5 * ((v - 0.8 * x[j]) / sd) ** 2 - Math.log(sd * Math.sqrt(2 * Math.PI)), 0));
      },
    };
  };
  it("passes the exact posterior and fails an over-confident one (sd halved)", () => {
    const good = calibrate(exact(1), gaussian(), { simulations: 200, draws: 99, seed: 1 });
    expect(good.calibrated, good.verdicts.join("; ")).toBe(true);
    const bad = calibrate(exact(0.5), gaussian(), { simulations: 200, draws: 99, seed: 1 });
    expect(bad.calibrated).toBe(false);
    expect(bad.sbc.calibrated).toBe(false);
    expect(bad.zScore.parameters.every((p) => p.rmsZ > 1.5)).toBe(true);
  });
  it("a trained NPE posterior on the same simulator is calibrated", () => {
    const post = amortizedPosterior({ simulator: gaussian(), simulations: 5000, seed: 3, maxEpochs: 60, lr: 1e-3 });
    const report = calibrate(post, gaussian(), { simulations: 200, draws: 99, seed: 2 });
    expect(report.calibrated, report.verdicts.join("; ")).toBe(true);
  });
});
