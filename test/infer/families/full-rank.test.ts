import { describe, expect, it } from "vitest";
import { fullRankGaussian } from "../../../src/infer/families/full-rank.js";
import { ParamSpecs } from "../../../src/nn/module.js";
import { Tensor } from "../../../src/core/tensor.js";
import { DomainError, NonFiniteError, ShapeError } from "../../../src/core/errors.js";
import {
  drawSamples, expectLogProbGradients, expectRsampleGradients, expectSampleLogProbConsistent, expectSampleMoments2d, gridMoments2d, repeatContext,
} from "../../helpers/density-checks.js";

describe("fullRankGaussian density", () => {
  const family = fullRankGaussian();
  const q = family.build(new ParamSpecs(), 2);
  // mean (0.5, -1), L = [[0.8, 0], [0.6, 1.2]] packed (log L00, L10, log L11)
  const row = [0.5, -1, Math.log(0.8), 0.6, Math.log(1.2)];
  const cov = [0.64, 0.48, 0.36 + 1.44]; // L L^T as [c00, c01, c11]

  it("has context (mean, packed L with log diagonal) and integrates to one with covariance L L^T", () => {
    expect(family.contextSize(2)).toBe(5);
    expect(family.contextSize(4)).toBe(4 + 10);
    const g = gridMoments2d(q, row, -9, 9, 240);
    expect(g.mass).toBeCloseTo(1, 6);
    expect(g.mean[0]).toBeCloseTo(0.5, 6);
    expect(g.mean[1]).toBeCloseTo(-1, 6);
    g.cov.forEach((c, i) => expect(c).toBeCloseTo(cov[i], 4));
  });

  it("draws whose logQ is logProb of the draw, with moments mean and L L^T", () => {
    expectSampleLogProbConsistent(q, repeatContext(row, 64));
    expectSampleMoments2d(drawSamples(q, row, 20000), [0.5, -1], cov);
  });

  it("has finite-difference gradients of logProb in u and c, and of rsample (fixed noise) in c", () => {
    expectLogProbGradients(q, 3);
    expectRsampleGradients(q, 3);
    const q4 = family.build(new ParamSpecs(), 4);
    expectLogProbGradients(q4, 2);
    expectRsampleGradients(q4, 2);
  });

  it("starts exactly at N(mean, diag exp(2 logStd))", () => {
    const c = family.initialContext([0.3, -0.2, 1], [0.1, -0.4, 0.2]);
    expect(Array.from(c)).toEqual([0.3, -0.2, 1, 0.1, 0, -0.4, 0, 0, 0.2]);
    const g = gridMoments2d(q, family.initialContext([0.3, -0.2], [0.1, -0.4]), -9, 9, 240);
    expect(g.cov[0]).toBeCloseTo(Math.exp(0.2), 5);
    expect(g.cov[1]).toBeCloseTo(0, 6);
    expect(g.cov[2]).toBeCloseTo(Math.exp(-0.8), 5);
  });

  it("rejects bad input with typed errors naming the argument", () => {
    expect(() => family.contextSize(0)).toThrow(DomainError);
    expect(() => q.logProb(Tensor.zeros([2, 2]), Tensor.zeros([2, 4]))).toThrow(/context.*\[rows, 5\]/);
    expect(() => q.logProb(Tensor.zeros([2, 3]), Tensor.zeros([2, 5]))).toThrow(/^u.*\[2, 2\]/);
    expect(() => q.rsample(Tensor.zeros([2, 6]), undefined as never)).toThrow(ShapeError);
    expect(() => family.initialContext([0, 0], [0])).toThrow(/logStd/);
    expect(() => family.initialContext([0, NaN], [0, 0])).toThrow(NonFiniteError);
  });
});
