import { describe, expect, it } from "vitest";
import { gaussianMixture } from "../../../src/infer/families/mixture.js";
import { ParamSpecs } from "../../../src/nn/module.js";
import { Rng } from "../../../src/core/rng.js";
import { Tensor } from "../../../src/core/tensor.js";
import { UnknownNameError } from "../../../src/core/errors.js";
import { valueAndGrad } from "../../../src/autodiff/tape.js";
import { mean, sumCols } from "../../../src/autodiff/ops/reduce.js";
import { repeatRows } from "../../../src/autodiff/ops/shape.js";
import { square } from "../../../src/autodiff/ops/unary.js";
import { scoreFunctionSurrogate } from "../../../src/autodiff/estimators.js";
import {
  drawSamples, expectLogProbGradients, expectRsampleGradients, expectSampleLogProbConsistent, expectSampleMoments2d, gridMoments2d, repeatContext,
} from "../../helpers/density-checks.js";

/** Weights, means and stds of a context row of K components in 2-D. */
function components(row: ArrayLike<number>, K: number) {
  const logits = Array.from({ length: K }, (_, k) => row[k]);
  const z = logits.reduce((s, l) => s + Math.exp(l), 0);
  return Array.from({ length: K }, (_, k) => ({
    w: Math.exp(logits[k]) / z,
    mu: [row[K + 2 * k], row[K + 2 * k + 1]],
    sd: [Math.exp(row[3 * K + 2 * k]), Math.exp(row[3 * K + 2 * k + 1])],
  }));
}

/** Mixture mean and covariance [c00, c01, c11]: sum_k w_k (S_k + mu_k mu_k^T) - m m^T. */
function moments(row: ArrayLike<number>, K: number) {
  const cs = components(row, K);
  const m = [0, 1].map((j) => cs.reduce((s, c) => s + c.w * c.mu[j], 0));
  const second = (j: number, l: number) => cs.reduce((s, c) => s + c.w * ((j === l ? c.sd[j] ** 2 : 0) + c.mu[j] * c.mu[l]), 0);
  return { mean: m, cov: [second(0, 0) - m[0] ** 2, second(0, 1) - m[0] * m[1], second(1, 1) - m[1] ** 2] };
}

describe("gaussianMixture density (K = 3)", () => {
  const K = 3;
  const family = gaussianMixture({ components: K });
  const q = family.build(new ParamSpecs(), 2);
  // logits, means [K, 2], logStds [K, 2]
  const row = [0, Math.log(2), -0.5, -1.5, 0.5, 1, -0.5, 0.2, 2, ...[0.6, 0.8, 0.5, 0.4, 0.9, 1].map(Math.log)];
  const closed = moments(row, K);

  it("has context (logits, means, logStds) and integrates to one with the mixture's moments", () => {
    expect(family.contextSize(2)).toBe(K * 5);
    const g = gridMoments2d(q, row, -9, 9, 300);
    expect(g.mass).toBeCloseTo(1, 6);
    g.mean.forEach((m, i) => expect(m).toBeCloseTo(closed.mean[i], 5));
    g.cov.forEach((c, i) => expect(c).toBeCloseTo(closed.cov[i], 4));
  });

  it("draws whose logQ is the mixture's logProb of the draw and logQScore log pi_k, with the mixture's moments", () => {
    expectSampleLogProbConsistent(q, repeatContext(row, 64));
    const ctx = repeatContext(row, 64);
    const d = q.rsample(ctx, new Rng(4));
    const logPi = new Set(components(row, K).map((c) => Math.log(c.w).toFixed(12)));
    d.logQScore!.toArray().forEach((v) => expect(logPi.has(v.toFixed(12))).toBe(true));
    expectSampleMoments2d(drawSamples(q, row, 30000), closed.mean, closed.cov);
  });

  it("has finite-difference gradients of logProb in u and c, and of the pathwise part of rsample in c", () => {
    expectLogProbGradients(q, 3);
    expectRsampleGradients(q, 3);
    const q4 = gaussianMixture({ components: 2 }).build(new ParamSpecs(), 4);
    expectLogProbGradients(q4, 2);
    expectRsampleGradients(q4, 2);
  });

  it("pathwise + score-function (logQScore) gradients of E_q[|u|^2] are unbiased for the closed form", () => {
    // E = sum_k w_k G_k, G_k = |mu_k|^2 + |sd_k|^2: dE/dlogit_k = w_k (G_k - E), dE/dmu = 2 w mu, dE/dlogStd = 2 w sd^2
    const cs = components(row, K);
    const G = cs.map((c) => c.mu[0] ** 2 + c.mu[1] ** 2 + c.sd[0] ** 2 + c.sd[1] ** 2);
    const E = cs.reduce((s, c, k) => s + c.w * G[k], 0);
    const expected = [
      ...cs.map((c, k) => c.w * (G[k] - E)),
      ...cs.flatMap((c) => c.mu.map((m) => 2 * c.w * m)),
      ...cs.flatMap((c) => c.sd.map((s) => 2 * c.w * s * s)),
    ];
    const c = Tensor.from(row, [1, row.length], "persistent");
    c.requiresGrad = true;
    const value = valueAndGrad(() => {
      const d = q.rsample(repeatRows(c, 200000), new Rng(9));
      return mean(scoreFunctionSurrogate(d.logQScore!, sumCols(square(d.u)), E));
    });
    expect(value).toBeCloseTo(E, 1);
    c.grad!.toArray().forEach((g, i) => expect(Math.abs(g - expected[i])).toBeLessThan(0.015));
    c.dispose();
  });
});

describe("gaussianMixture initialContext and bad input", () => {
  it.each([1, 2, 4])("starts at equal weights with distinct components, the mixture's mean and marginal variances exact (K = %i)", (K) => {
    const family = gaussianMixture({ components: K });
    const logStd = [0.2, -0.3];
    const c = family.initialContext([1, -1], logStd);
    const cs = components(c, K);
    cs.forEach((comp) => expect(comp.w).toBeCloseTo(1 / K, 12));
    const keys = new Set(cs.map((comp) => comp.mu.map((m) => m.toFixed(9)).join()));
    expect(keys.size).toBe(K);
    const m = moments(c, K);
    expect(m.mean[0]).toBeCloseTo(1, 12);
    expect(m.mean[1]).toBeCloseTo(-1, 12);
    expect(m.cov[0]).toBeCloseTo(Math.exp(0.4), 12);
    expect(m.cov[2]).toBeCloseTo(Math.exp(-0.6), 12);
  });

  it("rejects components < 1, unknown options and bad shapes naming the argument", () => {
    expect(() => gaussianMixture({ components: 0 })).toThrow(/components/);
    expect(() => gaussianMixture({ components: 2.5 })).toThrow(/components/);
    expect(() => gaussianMixture({ K: 2 } as never)).toThrow(UnknownNameError);
    const q = gaussianMixture({ components: 2 }).build(new ParamSpecs(), 3);
    expect(() => q.logProb(Tensor.zeros([2, 3]), Tensor.zeros([2, 13]))).toThrow(/context.*\[rows, 14\]/);
    expect(() => q.logProb(Tensor.zeros([3, 3]), Tensor.zeros([2, 14]))).toThrow(/^u.*\[2, 3\]/);
    expect(() => gaussianMixture({ components: 2 }).initialContext([0], [0, 0])).toThrow(/logStd/);
  });
});
