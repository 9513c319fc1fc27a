import { describe, expect, it } from "vitest";
import { DomainError, MissingValueError, Rng, Tensor } from "../../../../src/index.js";
import { engineModel } from "../../../../src/low-level.js";
import { MixturePrior, discreteContinuousModel, discreteContinuousPosterior } from "../../../../src/experiments/index.js";
import { simpson } from "../../../helpers/quadrature.js";
import { logJointOnGrid, logPdf, quadraturePosterior } from "./helpers.js";

describe("note-3 discrete-then-continuous model (one defineModel)", () => {
  const pi = [0.3, 0.7], mu = [-4, 4], sK = [1, 1.5], s = 1;
  const model = discreteContinuousModel({ pi, mu, sK, s });
  const closed = new MixturePrior({ pi, mu, sK, s });

  it("declares a categorical z (K = 2), then a real x and the observed y", () => {
    expect(model.sites().map((l) => [l.name, l.support, l.observed])).toEqual([
      ["z", { kind: "categorical", K: 2 }, false],
      ["x", { kind: "real" }, false],
      ["y", { kind: "real" }, true],
    ]);
  });

  it("log p = log pi_z + log N(x; mu_z, s_z^2) + log N(y; x, s^2)", () => {
    const z = Int32Array.from([0, 1, 1]), xs = [-3, 2, 0.5], ys = [-2, 1, 0];
    const lj = engineModel(model).logJoint({ z, x: Tensor.from(xs, [3, 1]) }, { obs: Tensor.from(ys, [3, 1]) }).toArray();
    lj.forEach((v, i) => expect(v).toBeCloseTo(Math.log(pi[z[i]]) + logPdf(xs[i], mu[z[i]], sK[z[i]]) + logPdf(ys[i], xs[i], s), 10));
  });

  it("exact p(z|y) and p(x|y,z) match quadrature of the model's p(z, x, y)", () => {
    for (const y of [-3, 0, 0.5, 5]) {
      const post = discreteContinuousPosterior(closed, y);
      const perZ = [0, 1].map((k) => quadraturePosterior((xs) => logJointOnGrid(model, xs, y, { z: new Int32Array(xs.length).fill(k) }), -16, 16));
      const evidence = perZ[0].evidence + perZ[1].evidence;
      perZ.forEach((q, k) => {
        expect(post.z[k]).toBeCloseTo(q.evidence / evidence, 9);
        const { mean, std } = post.xGivenZ[k];
        const d = q.xs.map((x) => Math.exp(logPdf(x, mean, std)));
        expect(Math.max(...d.map((v, i) => Math.abs(v - q.density[i])))).toBeLessThan(1e-7);
      });
      expect(Math.abs(simpson(post.x.density(perZ[0].xs), -16, 16) - 1)).toBeLessThan(1e-8);
    }
  });

  it("draws from the joint: z frequencies match pi, x | z has mean mu_z (n = 40000)", () => {
    const n = 40000;
    const { values } = model.sampleJoint(n, new Rng(8));
    const z = values.z.toArray();
    const x = values.x.toArray();
    const count = [0, 0], sum = [0, 0];
    z.forEach((k, i) => { count[k]++; sum[k] += x[i]; });
    expect(count[1] / n).toBeCloseTo(0.7, 1.5);
    expect(sum[0] / count[0]).toBeCloseTo(-4, 1);
    expect(sum[1] / count[1]).toBeCloseTo(4, 1);
  });

  it("rejects bad parameters naming them; a missing z names the site", () => {
    expect(() => discreteContinuousModel({ pi: [0.3, 0.3] })).toThrow(DomainError);
    expect(() => discreteContinuousModel({ s: -2 })).toThrow(/^s:/);
    expect(() => discreteContinuousModel({ pi: [1], mu: [0, 1], sK: [1] })).toThrow(/^mu:/);
    expect(() => model.logJoint({ x: Tensor.zeros([2, 1]) }, { y: Tensor.zeros([2, 1]) })).toThrow(MissingValueError);
    expect(() => model.logJoint({ x: Tensor.zeros([2, 1]) }, { y: Tensor.zeros([2, 1]) })).toThrow(/site "z"/);
  });
});
