import { describe, expect, it } from "vitest";
import { iaf, maf, type AutoregressiveFlowFamily } from "../../../../src/infer/families/flows/maf.js";
import { diagonalGaussian } from "../../../../src/infer/families/density.js";
import { ParamSpecs } from "../../../../src/nn/module.js";
import { Rng } from "../../../../src/core/rng.js";
import { Tensor } from "../../../../src/core/tensor.js";
import { DomainError, ShapeError, UnknownNameError } from "../../../../src/core/errors.js";
import { noGrad } from "../../../../src/autodiff/tape.js";
import { drawSamples, expectLogProbGradients, expectSampleLogProbConsistent, gridMoments2d, repeatContext } from "../../../helpers/density-checks.js";
import { gradCheck } from "../../../helpers/gradcheck.js";
import { grid, meanAndStdErr, simpson } from "../../../helpers/quadrature.js";

const FAMILIES: [string, (o?: object) => AutoregressiveFlowFamily][] = [
  ["MAF", maf],
  ["IAF", iaf],
];

/** A built flow whose parameters (the zero-initialized output layers too) are all drawn from N(0, scale^2): a non-identity flow. */
function perturbedFlow(family: AutoregressiveFlowFamily, dim: number, scale = 0.3, seed = 1) {
  const specs = new ParamSpecs();
  const q = family.build(specs, dim);
  const store = specs.build(new Rng(seed));
  if (scale > 0) store.values.set(new Rng(seed + 100).normal([store.values.size]).toArray().map((v) => scale * v));
  return q;
}

/** A context row: (mean, logStd) and an embedding of small random values. */
function contextRow(family: AutoregressiveFlowFamily, mean: number[], logStd: number[], seed = 7): Float64Array {
  const row = family.initialContext(mean, logStd);
  const e = new Rng(seed).normal([row.length - 2 * mean.length]).toArray();
  row.set(e.map((v) => 0.8 * v), 2 * mean.length);
  return row;
}

const values = (t: Tensor) => noGrad(() => t.toArray());

describe.each(FAMILIES)("%s", (kind, make) => {
  const family = make({ layers: 3, hidden: [16] });

  it("has context (mean, logStd, embedding 8) and starts as exactly N(mean, diag exp(2 logStd))", () => {
    expect(family.contextSize(2)).toBe(12);
    expect(make({ embedding: 0 }).contextSize(3)).toBe(6);
    const row = family.initialContext([0.5, -1], [Math.log(0.8), Math.log(1.5)]);
    expect(Array.from(row)).toEqual([0.5, -1, Math.log(0.8), Math.log(1.5), 0, 0, 0, 0, 0, 0, 0, 0]);
    const specs = new ParamSpecs();
    const q = family.build(specs, 2);
    specs.build(new Rng(0));
    const gauss = diagonalGaussian().build(new ParamSpecs(), 2);
    const ctx = repeatContext(row, 5);
    const gctx = repeatContext(row.subarray(0, 4), 5);
    const u = new Rng(2).normal([5, 2]);
    const lp = values(q.logProb(u, ctx));
    values(gauss.logProb(u, gctx)).forEach((v, i) => expect(lp[i]).toBeCloseTo(v, 12));
    const draw = noGrad(() => q.rsample(ctx, new Rng(9)).u.toArray());
    noGrad(() => gauss.rsample(gctx, new Rng(9)).u.toArray()).forEach((v, i) => expect(draw[i]).toBeCloseTo(v, 12));
    expect(q.name).toBe(`${kind} (3 layers, hidden [16], embedding 8)`);
  });

  describe("a perturbed (non-identity) flow", () => {
    const q = perturbedFlow(family, 2);
    const row = contextRow(family, [0.3, -0.2], [Math.log(0.8), Math.log(1.2)]);

    it("integrates to one on a grid (change of variables) and its draws have the grid's moments", () => {
      const g = gridMoments2d(q, row, -8, 8, 400);
      expect(Math.abs(g.mass - 1)).toBeLessThan(1e-5);
      // not the starting Gaussian: the flow moved the mean and made the coordinates correlated
      expect(Math.abs(g.mean[0] - 0.3) + Math.abs(g.mean[1] + 0.2)).toBeGreaterThan(0.05);
      expect(Math.abs(g.cov[1])).toBeGreaterThan(0.02);
      const u = drawSamples(q, row, 20000);
      for (const j of [0, 1]) {
        const s = meanAndStdErr(u.filter((_, i) => i % 2 === j));
        expect(Math.abs(s.mean - g.mean[j])).toBeLessThan(4 * s.se);
        expect(Math.abs(s.variance - g.cov[2 * j]) / g.cov[2 * j]).toBeLessThan(0.05);
      }
    });

    it("returns with each draw the logProb of that draw, for rows of different contexts", () => {
      const ctx = Tensor.from(new Rng(4).normal([16, family.contextSize(2)]).toArray().map((v) => 0.5 * v), [16, 12], "persistent");
      expectSampleLogProbConsistent(q, ctx);
    });

    it("has finite-difference gradients of logProb in u and the context", () => {
      expectLogProbGradients(q, 3);
      expectLogProbGradients(perturbedFlow(family, 3), 2);
    });

    it("has finite-difference gradients of the draw and its logQ in the context", () => {
      const shape = [{ shape: [3, 12], transform: (v: number) => 0.5 * v }];
      expect(gradCheck((c) => q.rsample(c, new Rng(5)).u, shape)).toBeLessThan(1e-6);
      expect(gradCheck((c) => q.rsample(c, new Rng(5)).logQ, shape)).toBeLessThan(1e-6);
    });

    it("has normalize and generate inverse to each other, with opposite log-determinants", () => {
      const q3 = perturbedFlow(family, 3);
      const ctx = repeatContext(contextRow(family, [0.1, 0.2, -0.3], [0.1, -0.2, 0.3]), 4);
      noGrad(() => {
        const u = new Rng(8).normal([4, 3]);
        const n = q3.normalize(u, ctx);
        const back = q3.generate(n.eps, ctx);
        values(back.u).forEach((v, i) => expect(v).toBeCloseTo(u.toArray()[i], 10));
        values(back.logDet).forEach((v, i) => expect(v).toBeCloseTo(-n.logDet.toArray()[i], 10));
        const eps = new Rng(9).normal([4, 3]);
        const again = q3.normalize(q3.generate(eps, ctx).u, ctx).eps;
        values(again).forEach((v, i) => expect(v).toBeCloseTo(eps.toArray()[i], 10));
      });
    });
  });

  it("with one layer, eps_i depends on u_j only for j <= i (lower-triangular Jacobian, by perturbation)", () => {
    const dim = 4;
    const q = perturbedFlow(make({ layers: 1, hidden: [16] }), dim, 0.5);
    const row = contextRow(family, [0, 0, 0, 0], [0, 0, 0, 0]);
    const eps = (u: number[]) => noGrad(() => q.normalize(Tensor.from(u, [1, dim]), Tensor.from(row, [1, row.length])).eps.toArray());
    const u = [0.4, -0.3, 1.2, -0.8];
    const base = eps(u);
    for (let j = 0; j < dim; j++) {
      const moved = eps(u.map((v, k) => (k === j ? v + 0.5 : v)));
      for (let i = 0; i < dim; i++) {
        if (i < j) expect(Math.abs(moved[i] - base[i])).toBeLessThan(1e-12);
        else expect(Math.abs(moved[i] - base[i])).toBeGreaterThan(1e-6);
      }
    }
  });

  it("works in one dimension: shift and scale from the embedding only, normalized", () => {
    const q = perturbedFlow(family, 1);
    const rowA = contextRow(family, [0.2], [0.1], 3);
    const rowB = contextRow(family, [0.2], [0.1], 4);
    const xs = grid(-50, 50, 40000);
    const density = (row: Float64Array) => noGrad(() => q.logProb(Tensor.from(xs, [xs.length, 1]), repeatContext(row, xs.length)).toArray().map(Math.exp));
    const pa = density(rowA);
    const pb = density(rowB);
    expect(simpson(pa, -50, 50)).toBeCloseTo(1, 6);
    expect(simpson(pb, -50, 50)).toBeCloseTo(1, 6);
    const meanOf = (p: number[]) => simpson(p.map((v, i) => v * xs[i]), -50, 50);
    expect(Math.abs(meanOf(pa) - meanOf(pb))).toBeGreaterThan(0.01); // the embedding moves the density
    expectSampleLogProbConsistent(q, repeatContext(rowA, 8));
    expectLogProbGradients(q, 2);
  });

  it("rejects contexts, values and options of the wrong size or kind, naming them", () => {
    const q = perturbedFlow(family, 2);
    expect(() => q.logProb(Tensor.zeros([2, 2]), Tensor.zeros([2, 11]))).toThrow(new ShapeError("context", "a tensor [rows, 12]", "shape [2, 11]"));
    expect(() => q.rsample(Tensor.zeros([3]), new Rng(0))).toThrow(/^context: expected a tensor \[rows, 12\]/);
    expect(() => q.logProb(Tensor.zeros([2, 3]), Tensor.zeros([2, 12]))).toThrow(new ShapeError("u", "a tensor [2, 2] (rows of context, dim)", "shape [2, 3]"));
    expect(() => q.logProb(Tensor.zeros([3, 2]), Tensor.zeros([2, 12]))).toThrow(/^u: expected a tensor \[2, 2\]/);
    expect(() => family.build(new ParamSpecs(), 0)).toThrow(new DomainError("dim", "an integer >= 1", "0"));
    expect(() => family.contextSize(1.5)).toThrow(DomainError);
    expect(() => family.initialContext([0, 1], [0])).toThrow(new ShapeError("logStd", "2 values (the length of mean)", "1 values"));
    expect(() => family.initialContext([], [])).toThrow(/mean.length/);
    expect(() => family.initialContext([NaN], [0])).toThrow(/^mean:/);
    expect(() => make({ layers: 0 })).toThrow(new DomainError("layers", "an integer >= 1", "0"));
    expect(() => make({ hidden: [] })).toThrow(/^hidden:/);
    expect(() => make({ hidden: [8, 0] })).toThrow(/^hidden\[1\]:/);
    expect(() => make({ embedding: -1 })).toThrow(/^embedding:/);
    expect(() => make({ activation: "swish" })).toThrow(UnknownNameError);
    expect(() => make({ layer: 3 })).toThrow(/^options\.layer:/);
  });
});

describe("MAF and IAF passes", () => {
  it("MAF's logProb of the draw matches the draw's logQ after its dim sequential passes, IAF's inversion too (dim 5)", () => {
    for (const make of [maf, iaf]) {
      const family = make({ layers: 2, hidden: [24], embedding: 3 });
      const q = perturbedFlow(family, 5, 0.3, 4);
      const ctx = Tensor.from(new Rng(6).normal([8, 13]).toArray().map((v) => 0.5 * v), [8, 13], "persistent");
      expectSampleLogProbConsistent(q, ctx);
    }
  });
});
