import { describe, expect, it } from "vitest";
import { DomainError, Rng, Tensor } from "../../../../src/index.js";
import { GaussianGaussianModel } from "../../../../src/experiments/index.js";
import { simpson } from "../../../helpers/quadrature.js";
import { logJointOnGrid, logPdf, moments, quadraturePosterior } from "./helpers.js";

describe("note-1 Gaussian-Gaussian model", () => {
  const model = new GaussianGaussianModel({ mu0: 2, s0: 3, s: 0.5 });

  it("logJoint = log N(x; mu0, s0^2) + log N(y; x, s^2)", () => {
    const xs = [0.3, -1, 4], ys = [1, 2, -0.5];
    const lj = model.logJoint({ x: Tensor.from(xs, [3, 1]) }, { obs: Tensor.from(ys, [3, 1]) }).toArray();
    lj.forEach((v, i) => expect(v).toBeCloseTo(logPdf(xs[i], 2, 3) + logPdf(ys[i], xs[i], 0.5), 10));
    const ll = model.logLikelihood({ x: Tensor.from(xs, [3, 1]) }, { obs: Tensor.from(ys, [3, 1]) }).toArray();
    ll.forEach((v, i) => expect(v).toBeCloseTo(logPdf(ys[i], xs[i], 0.5), 10));
  });

  it("closed-form optimum a*, b*, c* (0.5, 0, 0.7071 for the defaults)", () => {
    const d = new GaussianGaussianModel().optimum;
    expect(d.a).toBeCloseTo(0.5, 12);
    expect(d.b).toBeCloseTo(0, 12);
    expect(d.c).toBeCloseTo(Math.SQRT1_2, 12);
    const o = model.optimum;
    expect(o.a).toBeCloseTo(9 / 9.25, 12);
    expect(o.b).toBeCloseTo((0.25 * 2) / 9.25, 12);
    expect(o.c).toBeCloseTo(1.5 / Math.sqrt(9.25), 12);
  });

  it("exact posterior integrates to 1 and equals p(x, y) / p(y) by quadrature", () => {
    for (const y of [-3, 0.7, 6]) {
      const post = model.exactPosterior(y);
      const q = quadraturePosterior((xs) => logJointOnGrid(model, xs, y), -15, 20);
      expect(Math.abs(simpson(post.density(q.xs), -15, 20) - 1)).toBeLessThan(1e-8);
      const d = post.density(q.xs);
      expect(Math.max(...d.map((v, i) => Math.abs(v - q.density[i])))).toBeLessThan(1e-8);
      expect(q.evidence).toBeCloseTo(Math.exp(model.evidence().logDensity(y)), 10);
    }
  });

  it("sampleJoint has the joint's moments (n = 40000)", () => {
    const n = 40000;
    const { values, batch } = model.sampleJoint(n, new Rng(3));
    const m = moments((values.x as Tensor).toArray(), batch.obs.toArray());
    expect(m.mx).toBeCloseTo(2, 1);
    expect(m.my).toBeCloseTo(2, 1);
    expect(m.vx / 9).toBeCloseTo(1, 1);
    expect(m.vy / 9.25).toBeCloseTo(1, 1);
    expect(m.cxy / 9).toBeCloseTo(1, 1);
    expect((values.x as Tensor).shape).toEqual([n, 1]);
  });

  it("rejects s <= 0 and s0 <= 0 naming them", () => {
    expect(() => new GaussianGaussianModel({ s: 0 })).toThrow(DomainError);
    expect(() => new GaussianGaussianModel({ s: -1 })).toThrow(/^s:/);
    expect(() => new GaussianGaussianModel({ s0: 0 })).toThrow(/^s0:/);
    expect(() => new GaussianGaussianModel({ mu0: NaN })).toThrow(/^mu0:/);
  });
});
