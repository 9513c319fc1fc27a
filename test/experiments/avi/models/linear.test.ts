import { describe, it, expect } from "vitest";
import { Rng, Tensor, DomainError, noGrad } from "../../../../src/index.js";
import { LinearModel, linearFviOptimum, linearPosteriorKL } from "../../../../src/experiments/avi/models/linear.js";
import { meanFieldGaussianKL } from "../../../../src/diagnostics/amortization.js";

describe("LinearModel", () => {
  const model = new LinearModel({ tau: 1.155, s: 2.43 });
  it("logJoint = log N(z; 0, 1) + log N(x; theta + tau z, s^2)", () => {
    const lp = noGrad(() => model.logJoint({ z: Tensor.from([0.5], [1, 1]), theta: Tensor.from([1], [1, 1]) }, { obs: Tensor.from([2], [1, 1]) })).item();
    const ln = (x: number, m: number, s: number) => -0.5 * Math.log(2 * Math.PI) - Math.log(s) - 0.5 * ((x - m) / s) ** 2;
    expect(lp).toBeCloseTo(ln(0.5, 0, 1) + ln(2, 1 + 1.155 * 0.5, 2.43), 12);
  });
  it("rejects a non-positive scale by name", () => {
    expect(() => new LinearModel({ s: 0 })).toThrow(DomainError);
    expect(() => new LinearModel({ s: 0 })).toThrow(/s/);
  });
  it("the closed-form F-VI optimum's KL matches the dense KL helper on a small data set", () => {
    const x = model.sampleJoint(6, new Rng(3)).batch.obs.toArray();
    const opt = linearFviOptimum(x, model.tau, model.s);
    const q = { thetaMean: opt.thetaMean + 0.1, thetaVar: opt.thetaVar, means: opt.means.map((m) => m - 0.05), variances: new Float64Array(6).fill(opt.variance) };
    const { tau, s } = model;
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
