import { describe, it, expect } from "vitest";
import { Rng, DomainError, ShapeError } from "../../src/index.js";
import {
  amortizationGap, convergenceIterations, evaluateNegElbo, finalValue, iterationsToWithin, meanFieldGaussianKL, windowedMean,
} from "../../src/diagnostics/amortization.js";
import { Dataset, makeFamily, polynomialNet } from "../../src/infer/families/index.js";
import { fit } from "../../src/train/fit.js";
import { elbo } from "../../src/infer/objectives/elbo.js";
import { linearModel } from "../../src/experiments/avi/models/linear.js";

describe("convergence diagnostics", () => {
  it("finalValue and windowedMean average the last window", () => {
    expect(finalValue([5, 4, 3, 2, 1], 2)).toBe(1.5);
    expect(Array.from(windowedMean([2, 4, 6], 2))).toEqual([2, 3, 5]);
  });
  it("iterations to within a fraction of the reference (windowed), null when never", () => {
    const trace = Array.from({ length: 100 }, (_, t) => 100 + 1000 / (t + 1));
    // 1000 / t <= 100 f  <=>  t >= 10 / f (t = iteration, 1-based); ties avoided
    expect(iterationsToWithin(trace, 100, 0.45, 1)).toBe(23);
    expect(iterationsToWithin(trace, 100, 0.11, 1)).toBe(91);
    expect(iterationsToWithin(trace, 100, 0.01, 1)).toBeNull();
    expect(convergenceIterations(trace, 100, [0.45, 0.11], 1)).toEqual({ "45%": 23, "11%": 91 });
    expect(iterationsToWithin(trace, 100, 0.45, 5)).toBeGreaterThan(23);
    expect(() => iterationsToWithin(trace, NaN, 0.1)).toThrow(DomainError);
  });
  it("amortization gap: total, per datapoint, relative", () => {
    expect(amortizationGap(110, 100, 10)).toEqual({ total: 10, perDatapoint: 1, relative: 0.1, se: NaN, warnings: [] });
    // below zero beyond its error: flagged as an unconverged factorized fit
    const neg = amortizationGap({ total: 90, perDatapoint: Float64Array.from([45, 45]), global: 0, se: 2 }, { total: 100, perDatapoint: Float64Array.from([50, 50]), global: 0, se: 2 });
    expect(neg.se).toBeCloseTo(Math.SQRT2 * 2, 12);
    expect(neg.warnings.join(" ")).toMatch(/has not converged/);
    expect(amortizationGap({ total: 99, perDatapoint: Float64Array.from([49.5, 49.5]), global: 0, se: 2 }, { total: 100, perDatapoint: Float64Array.from([50, 50]), global: 0, se: 2 }).warnings).toEqual([]);
    const g = amortizationGap({ total: 3, perDatapoint: Float64Array.from([1, 2]), global: 0 }, { total: 2, perDatapoint: Float64Array.from([1, 1]), global: 0 });
    expect(Array.from(g.byDatapoint!)).toEqual([0, 1]);
  });
});

describe("meanFieldGaussianKL", () => {
  const cov = [[2, 0.5], [0.5, 1]];
  const det = 2 - 0.25;
  const prec = [[1 / det, -0.5 / det], [-0.5 / det, 2 / det]];
  it("matches the closed form, given the covariance or the precision", () => {
    const mq = [0.3, -0.2];
    const vq = [0.7, 0.4];
    const mp = [0, 0.1];
    // 1/2 [tr(P V) + d^T P d - k + log det S - sum log v]
    const d = [mp[0] - mq[0], mp[1] - mq[1]];
    const tr = prec[0][0] * vq[0] + prec[1][1] * vq[1];
    const quad = d[0] * (prec[0][0] * d[0] + prec[0][1] * d[1]) + d[1] * (prec[1][0] * d[0] + prec[1][1] * d[1]);
    const want = 0.5 * (tr + quad - 2 + Math.log(det) - Math.log(vq[0]) - Math.log(vq[1]));
    expect(meanFieldGaussianKL(mq, vq, { mean: mp, covariance: cov })).toBeCloseTo(want, 12);
    expect(meanFieldGaussianKL(mq, vq, { mean: mp, precision: prec })).toBeCloseTo(want, 12);
  });
  it("is zero only for an equal diagonal Gaussian, and rejects bad input by name", () => {
    expect(meanFieldGaussianKL([1, 2], [3, 4], { mean: [1, 2], covariance: [3, 0, 0, 4] })).toBeCloseTo(0, 12);
    expect(() => meanFieldGaussianKL([0, 0], [1, 1], { mean: [0, 0], covariance: [[1, 2], [2, 1]] })).toThrow(/p\.covariance/);
    expect(() => meanFieldGaussianKL([0], [1, 1], { mean: [0], covariance: [1] })).toThrow(ShapeError);
    expect(() => meanFieldGaussianKL([0], [0], { mean: [0], covariance: [1] })).toThrow(/varianceQ/);
  });
});

describe("evaluateNegElbo", () => {
  it("per-datapoint terms plus the global term add up to the total; A-VI d=1 has no gap to F-VI on avi-linear", () => {
    const model = linearModel();
    const data = new Dataset(model.sampleJoint(100, new Rng(4)).data.x.toArray());
    const fam = makeFamily(model, data, { kind: "avi", net: polynomialNet(1) });
    fit({ model, guide: fam, objective: elbo({ samples: 2 }), data, iterations: 300, lr: 0.05, rng: new Rng(1) });
    const ev = evaluateNegElbo(model, fam, data, new Rng(2), 20);
    expect(ev.perDatapoint.length).toBe(100);
    expect(ev.perDatapoint.reduce((s, v) => s + v, 0) + ev.global).toBeCloseTo(ev.total, 8);
  });

  it("its standard error matches the spread of independent evaluations (and is 0 for one draw)", () => {
    const model = linearModel();
    const data = new Dataset(model.sampleJoint(50, new Rng(4)).data.x.toArray());
    const fam = makeFamily(model, data, { kind: "avi", net: polynomialNet(1) });
    fit({ model, guide: fam, objective: elbo({ samples: 2 }), data, iterations: 100, lr: 0.05, rng: new Rng(1) });
    const reps = Array.from({ length: 40 }, (_, r) => evaluateNegElbo(model, fam, data, new Rng(100 + r), 10));
    const totals = reps.map((e) => e.total);
    const m = totals.reduce((s, v) => s + v, 0) / totals.length;
    const spread = Math.sqrt(totals.reduce((s, v) => s + (v - m) ** 2, 0) / (totals.length - 1));
    const se = reps.reduce((s, e) => s + e.se, 0) / reps.length;
    expect(se).toBeGreaterThan(0);
    // the sd of 40 replicates is within ~25% of its expectation with high probability
    expect(se / spread).toBeGreaterThan(0.7);
    expect(se / spread).toBeLessThan(1.4);
    expect(evaluateNegElbo(model, fam, data, new Rng(3), 1).se).toBe(0);
  });
});
