import { describe, expect, it } from "vitest";
import {
  AffineNormalGuide,
  CategoricalNormalGuide,
  DomainError,
  MlpNormalGuide,
  NonFiniteError,
  Rng,
  ShapeError,
  Tensor,
  qpLoss,
  pqLoss,
  valueAndGrad,
} from "../../../src/index.js";
import { DiscreteContinuousModel, GaussianGaussianModel } from "../../../src/experiments/index.js";

const logPdf = (x: number, m: number, s: number) => -0.5 * ((x - m) / s) ** 2 - Math.log(s) - 0.5 * Math.log(2 * Math.PI);
const obs = (ys: number[]) => ({ obs: Tensor.from(ys, [ys.length, 1]) });

describe("AffineNormalGuide q(x|y) = N(a y + b, c^2)", () => {
  it("starts at a = b = c = 2 and its draws and log q follow N(a y + b, c^2)", () => {
    const g = new AffineNormalGuide();
    expect(g.values).toEqual({ a: 2, b: 2, c: 2 });
    const ys = [-1, 0, 3];
    const d = g.sample(obs(ys), new Rng(1));
    const x = (d.values.x as Tensor).toArray();
    expect(d.logQScore).toBeNull();
    d.logQ.toArray().forEach((v, i) => expect(v).toBeCloseTo(logPdf(x[i], 2 * ys[i] + 2, 2), 10));
    g.logProb({ x: Tensor.from([0.5, 1, 2], [3, 1]) }, obs(ys)).toArray().forEach((v, i) => expect(v).toBeCloseTo(logPdf([0.5, 1, 2][i], 2 * ys[i] + 2, 2), 10));
    expect(g.moments([1, -2])).toEqual({ mean: [4, -2], std: [2, 2] });
  });

  it("both losses give finite gradients for a, b, log c", () => {
    const model = new GaussianGaussianModel();
    for (const loss of ["qp", "pq"]) {
      const g = new AffineNormalGuide({ a: 0.1, b: -1, c: 0.5 });
      const rng = new Rng(2);
      valueAndGrad(() => (loss === "qp" ? qpLoss(model, g, model.sampleJoint(8, rng).batch, rng) : pqLoss(model, g, 8, rng)));
      const grads = g.params[0].grads.toArray();
      expect(grads).toHaveLength(3);
      expect(grads.every((v) => Number.isFinite(v) && v !== 0)).toBe(true);
      g.params[0].zeroGrad();
    }
  });

  it("rejects a non-positive c and non-finite a, b", () => {
    expect(() => new AffineNormalGuide({ c: 0 })).toThrow(DomainError);
    expect(() => new AffineNormalGuide({ c: -1 })).toThrow(/^c:/);
    expect(() => new AffineNormalGuide({ a: NaN })).toThrow(NonFiniteError);
  });
});

describe("MlpNormalGuide q(x|y) = N(eta1(y), exp(eta2(y))^2)", () => {
  it("log q matches its reported moments", () => {
    const g = new MlpNormalGuide({ hidden: [8], rng: 4 });
    const ys = [-2, 0.5, 4];
    const { mean, std } = g.moments(ys);
    std.forEach((s) => expect(s).toBeGreaterThan(0));
    const xs = [0, 1, -1];
    g.logProb({ x: Tensor.from(xs, [3, 1]) }, obs(ys)).toArray().forEach((v, i) => expect(v).toBeCloseTo(logPdf(xs[i], mean[i], std[i]), 10));
  });
});

describe("CategoricalNormalGuide q(z|y) q(x|y,z)", () => {
  const model = new DiscreteContinuousModel();
  const g = new CategoricalNormalGuide({ K: 2, hidden: [8], rng: 3 });
  const ys = [-1, 0, 0.5, 2];

  it("log q = log q(z|y) + log N(x; mean(y,z), std(y,z)^2), consistent with outputs()", () => {
    const o = g.outputs(ys);
    o.probs.forEach((p) => expect(p[0] + p[1]).toBeCloseTo(1, 12));
    const z = Int32Array.from([0, 1, 1, 0]), xs = [0.1, -0.2, 1, 2];
    g.logProb({ z, x: Tensor.from(xs, [4, 1]) }, obs(ys)).toArray().forEach((v, i) => {
      expect(v).toBeCloseTo(Math.log(o.probs[i][z[i]]) + logPdf(xs[i], o.mean[i][z[i]], o.std[i][z[i]]), 9);
    });
  });

  it("samples z by score function unless it is given", () => {
    const free = g.sample(obs(ys), new Rng(1));
    expect(free.logQScore).not.toBeNull();
    const z = Int32Array.from([1, 1, 0, 0]);
    const fixed = g.sample(obs(ys), new Rng(1), { z });
    expect(fixed.logQScore).toBeNull();
    expect(fixed.values.z).toBe(z);
    expect(() => g.sample(obs(ys), new Rng(1), { z: Int32Array.from([0]) })).toThrow(ShapeError);
    expect(g.enumerationSite(obs(ys)).logits.shape).toEqual([4, 2]);
  });

  it("qpLoss with enumerate: true has the same expected gradient as the score-function estimator", () => {
    const store = g.params[0];
    const avg = (enumerate: boolean, reps: number) => {
      const rng = new Rng(enumerate ? 1 : 2);
      const acc = new Float64Array(store.size);
      for (let r = 0; r < reps; r++) {
        valueAndGrad(() => qpLoss(model, g, obs(ys), rng, { enumerate }));
        store.grads.toArray().forEach((v, i) => (acc[i] += v / reps));
        store.zeroGrad();
      }
      return acc;
    };
    const a = avg(true, 800), b = avg(false, 8000);
    let num = 0, den = 0;
    a.forEach((v, i) => { num += (v - b[i]) ** 2; den += v * v; });
    expect(Math.sqrt(num / den)).toBeLessThan(0.1);
  });

  it("rejects K = 0 and enumeration without an enumeration site", () => {
    expect(() => new CategoricalNormalGuide({ K: 0 })).toThrow(/^K:/);
    const affine = new AffineNormalGuide();
    const m1 = new GaussianGaussianModel();
    expect(() => qpLoss(m1, affine, obs([1]), new Rng(0), { enumerate: true })).toThrow(DomainError);
  });
});
