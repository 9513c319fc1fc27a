import { describe, it, expect } from "vitest";
import { Rng, Tensor, DomainError, noGrad } from "../../../../src/index.js";
import { engineModel } from "../../../../src/low-level.js";
import { linearFviOptimum, linearModel, linearNegElboConstant, linearPosteriorKL, linearSettings } from "../../../../src/experiments/avi/models/linear.js";
import { meanFieldGaussianKL } from "../../../../src/diagnostics/amortization.js";

describe("linearModel (avi-linear in the model language)", () => {
  const model = linearModel({ tau: 1.155, s: 2.43 });
  const ln = (x: number, m: number, s: number) => -0.5 * Math.log(2 * Math.PI) - Math.log(s) - 0.5 * ((x - m) / s) ** 2;
  it("sites: a global theta with a flat prior, a local z, an observed x", () => {
    expect(model.sites().map((s) => [s.name, s.scope, s.observed, s.distribution])).toEqual([
      ["theta", "global", false, "Flat"],
      ["z", "local", false, "Normal"],
      ["x", "local", true, "Normal"],
    ]);
  });
  it("log p = 0 (flat theta) + sum_n log N(z_n; 0, 1) + log N(x_n; theta + tau z_n, s^2)", () => {
    const values = { z: Tensor.from([0.5, -1], [2, 1]), theta: Tensor.from([1], [1, 1]) };
    const lp = noGrad(() => model.logJoint(values, { x: Tensor.from([2, 0.3], [2, 1]) })).item();
    expect(lp).toBeCloseTo(ln(0.5, 0, 1) + ln(2, 1 + 1.155 * 0.5, 2.43) + ln(-1, 0, 1) + ln(0.3, 1 - 1.155, 2.43), 12);
    // the engine's view: per-datapoint terms, and a zero global prior
    const engine = engineModel(model);
    const per = noGrad(() => engine.logJoint(values, { obs: Tensor.from([2, 0.3], [2, 1]) })).toArray();
    expect(per[0]).toBeCloseTo(ln(0.5, 0, 1) + ln(2, 1 + 1.155 * 0.5, 2.43), 12);
    expect(noGrad(() => engine.logPriorGlobal!(values)).item()).toBe(0);
  });
  it("simulates x = theta + tau z + s eps at the settings' theta", () => {
    const draw = linearModel({ theta: 1.5 }).sampleJoint(4000, new Rng(2));
    expect(draw.values.theta.toArray()).toEqual([1.5]);
    const z = draw.values.z.toArray();
    const r = draw.data.x.toArray().map((x, i) => (x - 1.5 - 1.155 * z[i]) / 2.43);
    const m = r.reduce((a, b) => a + b, 0) / r.length;
    expect(Math.abs(m)).toBeLessThan(0.05);
    expect(Math.abs(r.reduce((a, b) => a + (b - m) ** 2, 0) / r.length - 1)).toBeLessThan(0.06);
  });
  it("settings: defaults, the dropped constant, and a non-positive scale rejected by name", () => {
    expect(linearSettings()).toEqual({ tau: 1.155, s: 2.43, theta: 0 });
    expect(linearNegElboConstant({ s: 2.43 })).toBeCloseTo(0.5 * Math.log(2 * Math.PI) + Math.log(2.43), 14);
    expect(() => linearModel({ s: 0 })).toThrow(DomainError);
    expect(() => linearModel({ s: 0 })).toThrow(/s/);
    expect(() => linearSettings({ theta: Infinity })).toThrow(/theta/);
  });
  it("the closed-form F-VI optimum's KL matches the dense KL helper on a small data set", () => {
    const x = model.sampleJoint(6, new Rng(3)).data.x.toArray();
    const { tau, s } = linearSettings({ tau: 1.155, s: 2.43 });
    const opt = linearFviOptimum(x, tau, s);
    const q = { thetaMean: opt.thetaMean + 0.1, thetaVar: opt.thetaVar, means: opt.means.map((m) => m - 0.05), variances: new Float64Array(6).fill(opt.variance) };
    const N = 6;
    const k = N + 1;
    const P = new Float64Array(k * k);
    P[0] = N / s ** 2;
    for (let n = 1; n < k; n++) {
      P[n * k + n] = 1 + tau ** 2 / s ** 2;
      P[n] = P[n * k] = tau / s ** 2;
    }
    const dense = meanFieldGaussianKL([q.thetaMean, ...q.means], [q.thetaVar, ...q.variances], { mean: [opt.thetaMean, ...opt.means], precision: P });
    expect(linearPosteriorKL(q, x, tau, s)).toBeCloseTo(dense, 10);
    // the F-VI optimum is the posterior's mean, so only the mean-field variance mismatch remains
    expect(linearPosteriorKL({ ...q, thetaMean: opt.thetaMean, means: opt.means }, x, tau, s)).toBeLessThan(dense);
  });
});
