// The public study drivers (src/experiments/index.ts) run on a user's data:
// a whole study through runStudy, the family comparison, guide training on
// observations, and the impossibility analysis of a given series.
import { describe, expect, it } from "vitest";
import { Rng } from "../../src/core/rng.js";
import { cosineDecay } from "../../src/optim/schedule.js";
import { Dataset } from "../../src/infer/families/dataset.js";
import { note1Guide } from "../../src/experiments/notes/note1.js";
import { affineCoefficients } from "../../src/experiments/notes/guide-readout.js";
import { linearModel, linearNegElboConstant } from "../../src/experiments/avi/models/linear.js";
import { gaussianGaussianModel, gaussianGaussianOptimum } from "../../src/experiments/notes/models/gaussian-gaussian.js";
import {
  compareFamilies,
  linearStudyGaussian,
  localGlobalFviOptimum,
  localGlobalNegElbo,
  meanFieldFactors,
  runStudy,
  trainGuide,
  type MethodSummary,
} from "../../src/experiments/index.js";

/** x_n = theta + tau z_n + s eps_n with the study's tau, s and a theta of our own. */
function userData(N: number, theta: number, seed: number): Float64Array {
  const e = new Rng(seed).normal([2 * N], "persistent");
  const v = e.toFloat64Array();
  e.dispose();
  return Float64Array.from({ length: N }, (_, n) => theta + 1.155 * v[2 * n] + 2.43 * v[2 * n + 1]);
}

describe("runStudy on user data", () => {
  it("avi-linear fits the given x_n: N and theta from the data, exact -ELBO >= the exact F-VI optimum, d=1 closes the gap", async () => {
    const x = userData(300, 5, 11);
    const r = await runStudy("avi-linear", { quick: true, seed: 3, iterations: 400, settings: { seeds: 1 }, data: { rows: 300, cols: 1, values: x } });
    const d = r.data as { settings: { N: number }; closedForm: { thetaMean: number }; exactOptimumNegElbo: number; summaries: MethodSummary[] };
    expect(d.settings.N).toBe(300);
    expect(d.closedForm.thetaMean).toBeCloseTo(x.reduce((a, b) => a + b, 0) / 300, 10);
    for (const s of d.summaries) {
      expect(s.perSeed.map((p) => p.seed)).toEqual([3]);
      expect(s.exactNegElbo).toBeGreaterThanOrEqual(d.exactOptimumNegElbo - 1e-9);
      // the Monte Carlo evaluation (50 draws) agrees with the exact value to within its noise
      expect(Math.abs(s.negElbo - s.exactNegElbo!)).toBeLessThan(0.01 * Math.abs(s.exactNegElbo!));
    }
    const d1 = d.summaries.find((s) => s.method === "A-VI d=1")!;
    expect((d1.exactNegElbo! - d.exactOptimumNegElbo) / Math.abs(d.exactOptimumNegElbo)).toBeLessThan(0.01);
    expect(d.summaries.find((s) => s.method === "Const")!.exactNegElbo! - d.exactOptimumNegElbo).toBeGreaterThan(10);
  });

  it("avi-hmm analyses the given series (the impossibility analysis on user data)", async () => {
    const series = Float64Array.from({ length: 30 }, (_, n) => Math.sin(n / 3) * 2);
    const r = await runStudy("avi-hmm", { quick: true, iterations: 300, settings: { windows: [1] }, data: { rows: 30, cols: 1, values: series } });
    const d = r.data as { series: number[]; settings: { N: number }; methods: { name: string; exactNegElbo: number }[]; optimum: { negElbo: number } };
    expect(d.series).toEqual(Array.from(series));
    expect(d.settings.N).toBe(30);
    expect(d.methods.map((m) => m.name)).toEqual(["F-VI", "Const", "A-VI w=1"]);
    for (const m of d.methods) expect(m.exactNegElbo).toBeGreaterThan(d.optimum.negElbo);
  });
});

describe("compareFamilies", () => {
  it("F-VI, Const and an A-VI network on the user's data, with exact -ELBOs and every seed", () => {
    const x = userData(200, -2, 5);
    const ms = { tau: 1.155, s: 2.43 };
    const model = linearModel(ms);
    const gaussian = linearStudyGaussian(x, ms.tau, ms.s);
    const data = new Dataset(x);
    const { runs, summaries } = compareFamilies({ model, negElboConstant: linearNegElboConstant(ms), data, iterations: 300, seeds: [1, 2], exactNegElbo: (family) => localGlobalNegElbo(gaussian, meanFieldFactors(family, data)) });
    data.dispose();
    expect(runs.map((r) => r.name)).toEqual(["F-VI", "Const", "A-VI k=16"]);
    const optimum = localGlobalNegElbo(gaussian, localGlobalFviOptimum(gaussian)) - 200 * linearNegElboConstant(ms);
    for (const s of summaries) {
      expect(s.perSeed.map((p) => p.seed)).toEqual([1, 2]);
      for (const p of s.perSeed) expect(p.exactNegElbo!).toBeGreaterThanOrEqual(optimum - 1e-9);
    }
    const constant = summaries.find((s) => s.method === "Const")!;
    expect(constant.gap).toBeGreaterThan(5);
    expect(() => compareFamilies({ model, data: x, methods: [] })).toThrow(/methods: expected a list including "F-VI"/);
  });
});

describe("trainGuide on observations", () => {
  it("qp on the user's y (not draws from p(y)) still recovers the exact affine posterior map", () => {
    const settings = { mu0: 1, s0: 2, s: 0.7 };
    const model = gaussianGaussianModel(settings);
    const ys = Float64Array.from({ length: 500 }, (_, n) => -4 + (8 * n) / 499);
    const guide = note1Guide(model, { a: 0, b: 0, c: 1 });
    const observations = new Dataset(ys);
    trainGuide({ model, guide, loss: "qp", iterations: 3000, batchSize: 64, lr: 0.05, schedule: cosineDecay(3000, 0.01), rng: new Rng(2), observations });
    observations.dispose();
    const truth = gaussianGaussianOptimum(settings);
    const v = affineCoefficients(guide);
    expect(Math.abs(v.a - truth.a)).toBeLessThan(0.03);
    expect(Math.abs(v.b - truth.b)).toBeLessThan(0.05);
    expect(Math.abs(v.c - truth.c)).toBeLessThan(0.03);
    expect(() => trainGuide({ model, guide, loss: "qp", iterations: 1, batchSize: 4, lr: 0.01, rng: new Rng(1), observations: new Dataset([1, 2, 3, 4], { dim: 2 }) })).toThrow(/observations: expected 1 column/);
  });
});
