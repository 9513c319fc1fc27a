import { describe, expect, it } from "vitest";
import { diagonalGaussian } from "../../../src/infer/families/density.js";
import { ParamSpecs } from "../../../src/nn/module.js";
import { Tensor } from "../../../src/core/tensor.js";
import { drawSamples, expectLogProbGradients, expectSampleLogProbConsistent, gridMoments2d, repeatContext } from "../../helpers/density-checks.js";
import { meanAndStdErr } from "../../helpers/quadrature.js";

describe("diagonalGaussian density", () => {
  const family = diagonalGaussian();
  const q = family.build(new ParamSpecs(), 2);
  const row = family.initialContext([0.5, -1], [Math.log(0.8), Math.log(1.5)]);

  it("has context (mean, logStd) and integrates to one with the right moments", () => {
    expect(family.contextSize(2)).toBe(4);
    expect(Array.from(row)).toEqual([0.5, -1, Math.log(0.8), Math.log(1.5)]);
    const g = gridMoments2d(q, row, -9, 9, 240);
    expect(g.mass).toBeCloseTo(1, 6);
    expect(g.mean[0]).toBeCloseTo(0.5, 6);
    expect(g.mean[1]).toBeCloseTo(-1, 6);
    expect(g.cov[0]).toBeCloseTo(0.64, 5);
    expect(g.cov[1]).toBeCloseTo(0, 6);
    expect(g.cov[2]).toBeCloseTo(2.25, 4);
  });

  it("draws whose logQ is logProb of the draw, with the grid's moments", () => {
    expectSampleLogProbConsistent(q, repeatContext(row, 64));
    const u = drawSamples(q, row, 20000);
    const first = meanAndStdErr(u.filter((_, i) => i % 2 === 0));
    const second = meanAndStdErr(u.filter((_, i) => i % 2 === 1));
    expect(Math.abs(first.mean - 0.5)).toBeLessThan(4 * first.se);
    expect(Math.abs(second.mean + 1)).toBeLessThan(4 * second.se);
  });

  it("has finite-difference gradients in u and the context", () => {
    expectLogProbGradients(q, 3);
  });

  it("rejects a context of the wrong width naming it", () => {
    expect(() => q.logProb(Tensor.zeros([2, 2]), Tensor.zeros([2, 3]))).toThrow(/context.*\[rows, 4\]/);
  });
});
