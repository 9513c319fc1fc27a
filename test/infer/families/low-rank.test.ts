import { describe, expect, it } from "vitest";
import { lowRankGaussian } from "../../../src/infer/families/low-rank.js";
import { ParamSpecs } from "../../../src/nn/module.js";
import { Tensor } from "../../../src/core/tensor.js";
import { DomainError, UnknownNameError } from "../../../src/core/errors.js";
import { valueAndGrad } from "../../../src/autodiff/tape.js";
import { sum } from "../../../src/autodiff/ops/reduce.js";
import { repeatRows } from "../../../src/autodiff/ops/shape.js";
import {
  drawSamples, expectLogProbGradients, expectRsampleGradients, expectSampleLogProbConsistent, expectSampleMoments2d, gridMoments2d, repeatContext,
} from "../../helpers/density-checks.js";

/** W W^T + diag(exp(2 logD)) of a 2-D context row (mean, W [2, r], logD) as [c00, c01, c11]. */
function covariance(row: ArrayLike<number>, r: number): number[] {
  const w = (j: number, a: number) => row[2 + j * r + a];
  const dot = (j: number, k: number) => Array.from({ length: r }, (_, a) => w(j, a) * w(k, a)).reduce((s, v) => s + v, 0);
  const D = [Math.exp(2 * row[2 + 2 * r]), Math.exp(2 * row[3 + 2 * r])];
  return [dot(0, 0) + D[0], dot(0, 1), dot(1, 1) + D[1]];
}

describe.each([1, 2])("lowRankGaussian density (rank %i)", (r) => {
  const family = lowRankGaussian({ rank: r });
  const q = family.build(new ParamSpecs(), 2);
  // mean (0.5, -1), W [2, r], logD = log(0.5, 0.7)
  const W = r === 1 ? [0.9, -0.6] : [0.9, 0.3, -0.6, 0.5];
  const row = [0.5, -1, ...W, Math.log(0.5), Math.log(0.7)];
  const cov = covariance(row, r);

  it("has context (mean, W, logD) and integrates to one with covariance W W^T + D", () => {
    expect(family.contextSize(2)).toBe(2 * (r + 2));
    expect(cov[1]).not.toBeCloseTo(0, 1);
    const g = gridMoments2d(q, row, -9, 9, 240);
    expect(g.mass).toBeCloseTo(1, 6);
    expect(g.mean[0]).toBeCloseTo(0.5, 6);
    expect(g.mean[1]).toBeCloseTo(-1, 6);
    g.cov.forEach((c, i) => expect(c).toBeCloseTo(cov[i], 4));
  });

  it("draws whose logQ is logProb of the draw, with moments mean and W W^T + D", () => {
    expectSampleLogProbConsistent(q, repeatContext(row, 64));
    expectSampleMoments2d(drawSamples(q, row, 20000), [0.5, -1], cov);
  });

  it("has finite-difference gradients of logProb in u and c, and of rsample (fixed noise) in c", () => {
    expectLogProbGradients(q, 3);
    expectRsampleGradients(q, 3);
    const q5 = family.build(new ParamSpecs(), 5);
    expectLogProbGradients(q5, 2);
    expectRsampleGradients(q5, 2);
  });

  it("starts with the marginal variances exp(2 logStd) exactly, small correlations and a nonzero W", () => {
    const logStd = [0.3, -0.5];
    const c = family.initialContext([0.2, 0.1], logStd);
    const s = covariance(c, r);
    expect(s[0]).toBeCloseTo(Math.exp(0.6), 12);
    expect(s[2]).toBeCloseTo(Math.exp(-1), 12);
    expect(Math.abs(s[1]) / Math.sqrt(s[0] * s[2])).toBeLessThanOrEqual(0.01);
    const w = Array.from(c.subarray(2, 2 + 2 * r));
    expect(Math.min(...w.map(Math.abs))).toBeGreaterThan(0);
    const g = gridMoments2d(q, c, -9, 9, 240);
    expect(g.cov[0]).toBeCloseTo(Math.exp(0.6), 4);
  });
});

describe("lowRankGaussian at W = 0", () => {
  it("has a logProb gradient in W that is exactly zero (W -> -W symmetry: a stationary point), so initialContext avoids it", () => {
    const q = lowRankGaussian({ rank: 1 }).build(new ParamSpecs(), 2);
    const rowAt = (w: number[]) => Tensor.from([0.5, -1, ...w, -0.2, 0.3], [1, 6], "persistent");
    const gradW = (w: number[]) => {
      const c = rowAt(w);
      c.requiresGrad = true;
      valueAndGrad(() => sum(q.logProb(Tensor.from([1.3, 0.4, -0.7, 2, 0.1, -1.1], [3, 2]), repeatRows(c, 3))));
      const g = c.grad!.toArray().slice(2, 4);
      c.dispose();
      return g;
    };
    expect(gradW([0, 0])).toEqual([0, 0]);
    const init = lowRankGaussian({ rank: 1 }).initialContext([0.5, -1], [0, 0]);
    expect(Math.max(...gradW([init[2], init[3]]).map(Math.abs))).toBeGreaterThan(1e-3);
  });
});

describe("lowRankGaussian bad input", () => {
  it("rejects rank < 1, rank > dim, unknown options and bad contexts naming the argument", () => {
    expect(() => lowRankGaussian({ rank: 0 })).toThrow(/rank/);
    expect(() => lowRankGaussian({ rank: 1.5 })).toThrow(DomainError);
    expect(() => lowRankGaussian({ rank: 3 }).contextSize(2)).toThrow(/rank.*\[1, 2\].*3/);
    expect(() => lowRankGaussian({ rank: 3 }).build(new ParamSpecs(), 2)).toThrow(/rank/);
    expect(() => lowRankGaussian({ rank: 3 }).initialContext([0, 0], [0, 0])).toThrow(/rank/);
    expect(() => lowRankGaussian({ rank: 1, ranks: 2 } as never)).toThrow(UnknownNameError);
    const q = lowRankGaussian({ rank: 1 }).build(new ParamSpecs(), 3);
    expect(() => q.logProb(Tensor.zeros([2, 3]), Tensor.zeros([2, 8]))).toThrow(/context.*\[rows, 9\]/);
    expect(() => q.logProb(Tensor.zeros([2, 2]), Tensor.zeros([2, 9]))).toThrow(/^u/);
  });
});
