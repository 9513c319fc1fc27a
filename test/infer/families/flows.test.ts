import { describe, expect, it } from "vitest";
import { noGrad } from "../../../src/autodiff/tape.js";
import { DomainError, ShapeError, UnknownNameError } from "../../../src/core/errors.js";
import { Rng } from "../../../src/core/rng.js";
import { Tensor } from "../../../src/core/tensor.js";
import { couplingMasks } from "../../../src/infer/families/coupling-flow.js";
import { diagonalGaussian, type DensityFamily } from "../../../src/infer/families/density.js";
import { neuralSplineFlow, realNVP } from "../../../src/infer/families/flows.js";
import { ParamSpecs } from "../../../src/nn/module.js";
import {
  drawSamples,
  expectLogProbGradients,
  expectParamGradients,
  expectRsampleGradients,
  expectSampleLogProbConsistent,
  gridMoments2d,
  perturbParams,
  repeatContext,
} from "../../helpers/density-checks.js";
import { grid, meanAndStdErr, simpson } from "../../helpers/quadrature.js";

// tanh conditioners: smooth, so that finite differences never straddle a ReLU kink
const small = { layers: 3, hidden: [6], embedding: 2, activation: "tanh" } as const;
const families: { name: string; make: (o?: object) => DensityFamily; defaults: () => DensityFamily; perturb: number }[] = [
  { name: "realNVP", make: (o = {}) => realNVP({ ...small, ...o }), defaults: () => realNVP(), perturb: 0.2 },
  { name: "neuralSplineFlow", make: (o = {}) => neuralSplineFlow({ ...small, bins: 4, ...o }), defaults: () => neuralSplineFlow(), perturb: 0.2 },
];

/** A built density and its store; `perturb` > 0 moves every parameter off the identity start. */
function built(family: DensityFamily, dim: number, perturb = 0, seed = 7) {
  const specs = new ParamSpecs();
  const q = family.build(specs, dim);
  const store = specs.build(new Rng(seed));
  if (perturb > 0) perturbParams(store, seed + 1, perturb);
  return { q, store };
}

/** log q(u | row) at the points u (row-major [n, dim]). */
function logProbAt(q: ReturnType<typeof built>["q"], row: ArrayLike<number>, u: number[]): number[] {
  return noGrad(() => q.logProb(Tensor.from(u, [u.length / q.dim, q.dim]), repeatContext(row, u.length / q.dim)).toArray());
}

describe("couplingMasks", () => {
  it("alternates complementary sets and lets every pair of columns condition each other", () => {
    const masks = couplingMasks(5, 4);
    expect(masks.map((m) => Array.from(m.transformed))).toEqual([[0, 2, 4], [1, 3], [0, 1], [2, 3, 4]]);
    masks.forEach((m) => expect([...m.kept, ...m.transformed].sort()).toEqual([0, 1, 2, 3, 4]));
    expect(couplingMasks(1, 2).map((m) => [m.kept.length, Array.from(m.transformed)])).toEqual([[0, [0]], [0, [0]]]);
  });
});

describe.each(families)("$name", ({ make, defaults, perturb }) => {
  const family = make();
  const row2 = Float64Array.from([0.3, -0.6, Math.log(0.9), Math.log(1.4), 0.7, -0.4]); // mean, logStd, embedding

  it("has context (mean, logStd, embedding) and starts exactly at N(mean, diag exp(2 logStd))", () => {
    expect(family.contextSize(3)).toBe(8);
    const mean = [0.5, -1, 2];
    const logStd = [Math.log(0.8), Math.log(1.5), 0];
    const row = family.initialContext(mean, logStd);
    expect(Array.from(row)).toEqual([...mean, ...logStd, 0, 0]);
    const { q } = built(family, 3);
    const gauss = diagonalGaussian();
    const g = gauss.build(new ParamSpecs(), 3);
    const u = new Rng(3).normal([6 * 3]).toArray().map((v) => 2 * v);
    const want = noGrad(() => g.logProb(Tensor.from(u, [6, 3]), repeatContext(gauss.initialContext(mean, logStd), 6)).toArray());
    logProbAt(q, row, u).forEach((v, i) => expect(v).toBeCloseTo(want[i], 12));
  });

  it("a perturbed (non-identity) flow integrates to one on a 2-D grid and is not Gaussian", () => {
    const { q } = built(family, 2, perturb);
    const g = gridMoments2d(q, row2, -10, 10, 400);
    expect(g.mass).toBeCloseTo(1, 3);
    // the diagonal Gaussian of the same (mean, logStd) differs somewhere by more than 0.1 nats
    const gauss = diagonalGaussian().build(new ParamSpecs(), 2);
    const u = grid(-2, 2, 8).flatMap((a) => grid(-2, 2, 8).map((b) => [a, b])).flat();
    const flat = noGrad(() => gauss.logProb(Tensor.from(u, [u.length / 2, 2]), repeatContext(row2.slice(0, 4), u.length / 2)).toArray());
    const diffs = logProbAt(q, row2, u).map((v, i) => Math.abs(v - flat[i]));
    expect(Math.max(...diffs)).toBeGreaterThan(0.1);
  });

  it("draws whose logQ is logProb of the draw, with the grid's moments", () => {
    const { q } = built(family, 2, perturb);
    expectSampleLogProbConsistent(q, repeatContext(row2, 64));
    const g = gridMoments2d(q, row2, -10, 10, 400);
    const u = drawSamples(q, row2, 20000);
    [0, 1].forEach((j) => {
      const col = u.filter((_, i) => i % 2 === j);
      const m = meanAndStdErr(col);
      expect(Math.abs(m.mean - g.mean[j])).toBeLessThan(4 * m.se);
      // the sample variance's standard error is sqrt((m4 - var^2) / n)
      const sq = meanAndStdErr(col.map((v) => (v - m.mean) ** 2));
      expect(Math.abs(sq.mean - g.cov[2 * j])).toBeLessThan(4 * sq.se);
    });
  });

  it.each([1, 2, 5])("logProb and rsample have finite-difference gradients in u, the context and the parameters (dim %i)", (dim) => {
    const { q, store } = built(family, dim, perturb);
    expectLogProbGradients(q, 3);
    expectRsampleGradients(q, 3);
    const u = new Rng(11).normal([3, dim], "persistent");
    const c = new Rng(12).normal([3, q.contextSize], "persistent");
    expectParamGradients(store, () => q.logProb(u, c));
    expectParamGradients(store, () => q.rsample(c, new Rng(13)).logQ);
    expectParamGradients(store, () => q.rsample(c, new Rng(13)).u);
    expectSampleLogProbConsistent(q, c);
  });

  it("with the default options (8 layers, 64 x 64 ReLU, embedding 8) starts at the Gaussian and stays consistent in 10-D", () => {
    const fam = defaults();
    expect(fam.contextSize(10)).toBe(28);
    const { q: start } = built(fam, 10);
    const row = fam.initialContext(Array.from({ length: 10 }, (_, j) => j / 5), Array.from({ length: 10 }, (_, j) => -j / 10));
    const d = drawSamples(start, row, 8);
    const gauss = diagonalGaussian();
    const g = gauss.build(new ParamSpecs(), 10);
    const want = noGrad(() => g.logProb(Tensor.from(d, [8, 10]), repeatContext(row.slice(0, 20), 8)).toArray());
    logProbAt(start, row, Array.from(d)).forEach((v, i) => expect(v).toBeCloseTo(want[i], 11));
    const { q } = built(fam, 10, 0.05);
    expectSampleLogProbConsistent(q, new Rng(4).normal([16, 28], "persistent"));
  });

  it.each([0, 3])("is a 1-D density that integrates to one (embedding %i)", (embedding) => {
    const { q } = built(make({ embedding }), 1, perturb);
    const row = [0.4, Math.log(1.3), ...[0.8, -0.5, 0.2].slice(0, embedding)];
    const xs = grid(-30, 30, 6000);
    const lp = logProbAt(q, row, xs);
    expect(simpson(lp.map(Math.exp), -30, 30)).toBeCloseTo(1, 4);
    expectSampleLogProbConsistent(q, repeatContext(row, 32));
  });

  it("rejects a context of the wrong width, u of the wrong dimension and mismatched initial rows, naming them", () => {
    const { q } = built(family, 2);
    expect(() => q.logProb(Tensor.zeros([2, 2]), Tensor.zeros([2, 5]))).toThrow(/context.*\[rows, 6\]/);
    expect(() => q.logProb(Tensor.zeros([2, 3]), Tensor.zeros([2, 6]))).toThrow(ShapeError);
    expect(() => q.logProb(Tensor.zeros([3, 2]), Tensor.zeros([2, 6]))).toThrow(/^u/);
    expect(() => q.rsample(Tensor.zeros([2, 4]), new Rng(1))).toThrow(/context/);
    expect(() => family.initialContext([0, 0], [0])).toThrow(/logStd/);
    expect(() => family.build(new ParamSpecs(), 0)).toThrow(/dim/);
  });

  it("rejects bad options, naming them", () => {
    expect(() => make({ layers: 0 })).toThrow(DomainError);
    expect(() => make({ hidden: [4, 0] })).toThrow(/hidden\[1\]/);
    expect(() => make({ embedding: -1 })).toThrow(/embedding/);
    expect(() => make({ activation: "gelu" })).toThrow(UnknownNameError);
    expect(() => make({ layer: 3 })).toThrow(/options\.layer/);
  });
});

describe("neuralSplineFlow options", () => {
  it("rejects a bin count below 2 and a non-positive bound", () => {
    expect(() => neuralSplineFlow({ bins: 1 })).toThrow(/bins/);
    expect(() => neuralSplineFlow({ bound: 0 })).toThrow(/bound/);
    expect(() => realNVP({ logScaleBound: -1 })).toThrow(/logScaleBound/);
  });
});
