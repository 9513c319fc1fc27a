import { describe, expect, it } from "vitest";
import { DomainError, MissingValueError, Rng, Tensor } from "../../../../src/index.js";
import { engineModel } from "../../../../src/low-level.js";
import {
  gaussianGaussianEvidence,
  gaussianGaussianModel,
  gaussianGaussianOptimum,
  gaussianGaussianPosterior,
} from "../../../../src/experiments/index.js";
import { simpson } from "../../../helpers/quadrature.js";
import { logJointOnGrid, logPdf, moments, quadraturePosterior } from "./helpers.js";

describe("note-1 Gaussian-Gaussian model (one defineModel)", () => {
  const settings = { mu0: 2, s0: 3, s: 0.5 };
  const model = gaussianGaussianModel(settings);

  it("has a local real latent x and an observed y in plate data", () => {
    expect(model.sites().map((s) => [s.name, s.scope, s.support.kind, s.observed, s.distribution])).toEqual([
      ["x", "local", "real", false, "Normal"],
      ["y", "local", "real", true, "Normal"],
    ]);
    expect(engineModel(model).latents).toEqual([{ name: "x", scope: "local", dim: 1, support: { kind: "real" } }]);
  });

  it("log p = log N(x; mu0, s0^2) + log N(y; x, s^2), per row and summed", () => {
    const xs = [0.3, -1, 4], ys = [1, 2, -0.5];
    const want = xs.map((x, i) => logPdf(x, 2, 3) + logPdf(ys[i], x, 0.5));
    const rows = engineModel(model).logJoint({ x: Tensor.from(xs, [3, 1]) }, { obs: Tensor.from(ys, [3, 1]) }).toArray();
    rows.forEach((v, i) => expect(v).toBeCloseTo(want[i], 10));
    expect(model.logJoint({ x: Tensor.from(xs, [3, 1]) }, { y: Tensor.from(ys, [3, 1]) }).item()).toBeCloseTo(want[0] + want[1] + want[2], 10);
  });

  it("closed-form optimum a*, b*, c* (0.5, 0, 0.7071 for the defaults)", () => {
    const d = gaussianGaussianOptimum();
    expect(d.a).toBeCloseTo(0.5, 12);
    expect(d.b).toBeCloseTo(0, 12);
    expect(d.c).toBeCloseTo(Math.SQRT1_2, 12);
    const o = gaussianGaussianOptimum(settings);
    expect(o.a).toBeCloseTo(9 / 9.25, 12);
    expect(o.b).toBeCloseTo((0.25 * 2) / 9.25, 12);
    expect(o.c).toBeCloseTo(1.5 / Math.sqrt(9.25), 12);
  });

  it("exact posterior integrates to 1 and equals p(x, y) / p(y) of the model by quadrature", () => {
    for (const y of [-3, 0.7, 6]) {
      const post = gaussianGaussianPosterior(settings, y);
      const q = quadraturePosterior((xs) => logJointOnGrid(model, xs, y), -15, 20);
      expect(Math.abs(simpson(post.density(q.xs), -15, 20) - 1)).toBeLessThan(1e-8);
      const d = post.density(q.xs);
      expect(Math.max(...d.map((v, i) => Math.abs(v - q.density[i])))).toBeLessThan(1e-8);
      expect(q.evidence).toBeCloseTo(Math.exp(gaussianGaussianEvidence(settings).logDensity(y)), 10);
    }
  });

  it("draws from the joint (the model run forward) have the joint's moments (n = 40000)", () => {
    const n = 40000;
    const { values, data } = model.sampleJoint(n, new Rng(3));
    const m = moments(values.x.toArray(), data.y.toArray());
    expect(m.mx).toBeCloseTo(2, 1);
    expect(m.my).toBeCloseTo(2, 1);
    expect(m.vx / 9).toBeCloseTo(1, 1);
    expect(m.vy / 9.25).toBeCloseTo(1, 1);
    expect(m.cxy / 9).toBeCloseTo(1, 1);
    expect(values.x.shape).toEqual([n, 1]);
  });

  it("rejects s <= 0, s0 <= 0, a non-finite mu0 naming them; a missing x names the site", () => {
    expect(() => gaussianGaussianModel({ s: 0 })).toThrow(DomainError);
    expect(() => gaussianGaussianModel({ s: -1 })).toThrow(/^s:/);
    expect(() => gaussianGaussianModel({ s0: 0 })).toThrow(/^s0:/);
    expect(() => gaussianGaussianModel({ mu0: NaN })).toThrow(/^mu0:/);
    expect(() => gaussianGaussianOptimum({ s0: -2 })).toThrow(/^s0:/);
    expect(() => gaussianGaussianPosterior(settings, Infinity)).toThrow(/^y:/);
    expect(() => model.logJoint({}, { y: Tensor.from([1], [1, 1]) })).toThrow(MissingValueError);
    expect(() => model.logJoint({}, { y: Tensor.from([1], [1, 1]) })).toThrow(/site "x"/);
  });
});
