import { describe, expect, it } from "vitest";
import { DomainError, Rng, Tensor } from "../../../../src/index.js";
import { engineModel } from "../../../../src/low-level.js";
import { MixturePrior, mixturePriorModel } from "../../../../src/experiments/index.js";
import { simpson } from "../../../helpers/quadrature.js";
import { logJointOnGrid, logPdf, moments, quadraturePosterior } from "./helpers.js";

const lse = (v: number[]) => { const m = Math.max(...v); return m + Math.log(v.reduce((s, x) => s + Math.exp(x - m), 0)); };

describe("note-2 mixture-prior model (one defineModel)", () => {
  const pi = [0.2, 0.5, 0.3], mu = [-3, 0.5, 4], sK = [0.7, 1.2, 0.5], s = 0.8;
  const model = mixturePriorModel({ pi, mu, sK, s });
  const closed = new MixturePrior({ pi, mu, sK, s });

  it("has one real latent x with the mixture prior and an observed y", () => {
    expect(model.sites().map((site) => [site.name, site.support.kind, site.observed, site.distribution])).toEqual([
      ["x", "real", false, "MixtureOfNormals"],
      ["y", "real", true, "Normal"],
    ]);
  });

  it("log p = log sum_k pi_k N(x; mu_k, s_k^2) + log N(y; x, s^2)", () => {
    const xs = [0.3, -2.5, 4.2], ys = [1, -2, 5];
    const lj = engineModel(model).logJoint({ x: Tensor.from(xs, [3, 1]) }, { obs: Tensor.from(ys, [3, 1]) }).toArray();
    lj.forEach((v, i) => expect(v).toBeCloseTo(lse(pi.map((p, k) => Math.log(p) + logPdf(xs[i], mu[k], sK[k]))) + logPdf(ys[i], xs[i], s), 10));
  });

  it("exact posterior (weights w_k(y), closed-form components) integrates to 1 and equals p(x, y) / p(y)", () => {
    for (const y of [-4, 0, 1.3, 6]) {
      const post = closed.posterior(y);
      expect(post.weights.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
      const q = quadraturePosterior((xs) => logJointOnGrid(model, xs, y), -15, 15);
      const d = post.density(q.xs);
      expect(Math.abs(simpson(d, -15, 15) - 1)).toBeLessThan(1e-8);
      expect(Math.max(...d.map((v, i) => Math.abs(v - q.density[i])))).toBeLessThan(1e-7);
      // mean and std against quadrature moments
      const m = simpson(q.xs.map((x, i) => x * q.density[i]), -15, 15);
      const v = simpson(q.xs.map((x, i) => (x - m) ** 2 * q.density[i]), -15, 15);
      expect(post.mean).toBeCloseTo(m, 7);
      expect(post.std).toBeCloseTo(Math.sqrt(v), 7);
      expect(q.evidence).toBeCloseTo(Math.exp(closed.evidence().logDensity(y)), 10);
    }
  });

  it("the note's setting at y = 0: moment-matched mean 0.8 and std 1.965", () => {
    const p = new MixturePrior().posterior(0);
    expect(p.weights[1]).toBeCloseTo(0.7, 12);
    expect(p.means).toEqual([-2, 2]);
    expect(p.mean).toBeCloseTo(0.8, 12);
    expect(p.std).toBeCloseTo(Math.sqrt(3.86), 12);
  });

  it("draws from the joint (the model run forward) have the joint's moments (n = 40000)", () => {
    const { values, data } = model.sampleJoint(40000, new Rng(5));
    const m = moments(values.x.toArray(), data.y.toArray());
    const ex = pi.reduce((a, p, k) => a + p * mu[k], 0);
    const vx = pi.reduce((a, p, k) => a + p * (sK[k] ** 2 + mu[k] ** 2), 0) - ex * ex;
    expect(m.mx).toBeCloseTo(ex, 1);
    expect(m.my).toBeCloseTo(ex, 1);
    expect(m.vx / vx).toBeCloseTo(1, 1);
    expect(m.vy / (vx + s * s)).toBeCloseTo(1, 1);
    expect(m.cxy / vx).toBeCloseTo(1, 1);
  });

  it("rejects bad parameters naming them", () => {
    expect(() => mixturePriorModel({ s: 0 })).toThrow(/^s:/);
    expect(() => mixturePriorModel({ pi: [0.5, 0.6] })).toThrow(DomainError);
    expect(() => mixturePriorModel({ pi: [0.5, 0.6] })).toThrow(/^pi: expected weights summing to 1/);
    expect(() => mixturePriorModel({ pi: [], mu: [], sK: [] })).toThrow(/^pi: expected K >= 1/);
    expect(() => mixturePriorModel({ pi: [0.5, 0.5], mu: [1, 2, 3] })).toThrow(/^mu:/);
    expect(() => mixturePriorModel({ pi: [0.5, 0.5], sK: [1] })).toThrow(/^sK:/);
    expect(() => mixturePriorModel({ sK: [1, -1] })).toThrow(/^sK\[1\]:/);
    expect(() => mixturePriorModel({ pi: [0.5, 0.5], mu: [1, 2, 3] })).toThrow(DomainError);
  });
});
