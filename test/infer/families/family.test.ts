import { describe, it, expect } from "vitest";
import { Rng, Tensor, DomainError, ShapeError, NonFiniteError, UnknownNameError, valueAndGrad, noGrad } from "../../../src/index.js";
import {
  Dataset, Minibatcher, makeFamily, mlpNet, polynomialNet, windowFeatures, customFeatures, negativeElbo,
} from "../../../src/infer/families/index.js";
import { qpLoss } from "../../../src/infer/objectives/elbo.js";
import { fit } from "../../../src/train/fit.js";
import { elbo } from "../../../src/infer/objectives/elbo.js";
import { linearModel } from "../../../src/experiments/avi/models/linear.js";
import { engineModel } from "../../../src/model/engine-model.js";
import type { Model } from "../../../src/models/model.js";

const linear = linearModel({ theta: 1 });
const model = engineModel(linear);
const data = new Dataset(linear.sampleJoint(50, new Rng(1)).data.x.toArray());

describe("makeFamily: one switch between F-VI, Const and A-VI", () => {
  it("builds each kind from the model's latent declarations, with a global factor for theta", () => {
    const fvi = makeFamily(model, data, { kind: "fvi" });
    const cst = makeFamily(model, data, { kind: "const" });
    const avi = makeFamily(model, data, { kind: "avi", net: mlpNet({ width: 3 }) });
    expect(fvi.parameterCount).toBe(2 * 50 + 2);
    expect(cst.parameterCount).toBe(2 + 2);
    expect(avi.params.length).toBe(2);
    for (const f of [fvi, cst, avi]) {
      const draw = f.sample(data.full(), new Rng(2));
      expect((draw.values.z as Tensor).shape).toEqual([50, 1]);
      expect((draw.values.theta as Tensor).shape).toEqual([1, 1]);
      expect(draw.logQ.shape).toEqual([50]);
      expect(draw.logQGlobal!.shape).toEqual([1]);
    }
  });
  it("F-VI gathers the batch's rows: gradients reach only those datapoints", () => {
    const fvi = makeFamily(model, data, { kind: "fvi" });
    const idx = Int32Array.from([3, 7]);
    valueAndGrad(() => negativeElbo(model, fvi, data.batch(idx), new Rng(3), { dataSize: 50 }));
    const g = fvi.localStore.get("mean").grad!.toArray();
    expect(g.filter((v) => v !== 0).length).toBe(2);
    expect(g[3]).not.toBe(0);
    expect(g[7]).not.toBe(0);
  });
  it("sample(batch, rng, given) uses the given values and their log q", () => {
    const fvi = makeFamily(model, data, { kind: "fvi" });
    const z = Tensor.full([50, 1], 0.5);
    const draw = noGrad(() => fvi.sample(data.full(), new Rng(2), { z }));
    expect(draw.values.z).toBe(z);
    expect(noGrad(() => fvi.logProb({ z }, data.full()).toArray())).toEqual(draw.logQ.toArray());
    expect(() => noGrad(() => fvi.sample(data.full(), new Rng(2), { z: Tensor.zeros([3, 1]) }))).toThrow(/given\.z/);
  });
  it("window features: (x_{n-1}, x_n) padded with x_0 = pad", () => {
    const d = new Dataset([1, 2, 3]);
    expect(Array.from(windowFeatures({ before: 1 }).compute(d))).toEqual([0, 1, 1, 2, 2, 3]);
    expect(Array.from(windowFeatures({ before: 0, after: 1, pad: -1 }).compute(d))).toEqual([1, 2, 2, 3, 3, -1]);
    const f = customFeatures("x^2", 1, (x, n) => [x[n] ** 2]);
    expect(Array.from(f.compute(d))).toEqual([1, 4, 9]);
  });
  it("A-VI on a window uses the batch's indices", () => {
    const avi = makeFamily(model, data, { kind: "avi", net: mlpNet({ width: 2 }), features: windowFeatures({ before: 1 }) });
    const m = noGrad(() => avi.localFactors(data.batch(Int32Array.from([4, 5]))).z.mean.toArray());
    const all = noGrad(() => avi.localFactors(data.full()).z.mean.toArray());
    expect(m[0]).toBeCloseTo(all[4], 12);
    expect(m[1]).toBeCloseTo(all[5], 12);
  });
});

describe("negativeElbo", () => {
  it("equals N/B times qpLoss plus the global terms for one sample (same draws)", () => {
    const avi = makeFamily(model, data, { kind: "avi", net: polynomialNet(1) });
    const batch = data.batch(Int32Array.from([0, 1, 2, 3, 4]));
    const a = noGrad(() => negativeElbo(model, avi, batch, new Rng(9), { dataSize: 50 }).item());
    const draw = noGrad(() => avi.sample(batch, new Rng(9)));
    const q = noGrad(() => qpLoss(model, { params: avi.params, sample: () => draw, logProb: avi.logProb.bind(avi) }, batch, new Rng(9)).item());
    expect(a).toBeCloseTo(50 * q + draw.logQGlobal!.item(), 8);
  });
  it("averages M samples: the estimate's spread shrinks", () => {
    const fvi = makeFamily(model, data, { kind: "fvi" });
    const spread = (M: number) => {
      const v = Array.from({ length: 20 }, (_, i) => noGrad(() => negativeElbo(model, fvi, data.full(), new Rng(100 + i), { samples: M }).item()));
      const m = v.reduce((s, x) => s + x, 0) / v.length;
      return Math.sqrt(v.reduce((s, x) => s + (x - m) ** 2, 0) / v.length);
    };
    expect(spread(16)).toBeLessThan(spread(1) / 2);
  });
  it("minibatch estimates with N/B scaling are unbiased for the full-data value", () => {
    const fvi = makeFamily(model, data, { kind: "fvi" });
    const full = noGrad(() => negativeElbo(model, fvi, data.full(), new Rng(5), { samples: 400 }).item());
    const mb = new Minibatcher(50, 10, new Rng(6));
    const v = Array.from({ length: 300 }, (_, i) => noGrad(() => negativeElbo(model, fvi, data.batch(mb.next()), new Rng(7 + i), { samples: 2, dataSize: 50 }).item()));
    const m = v.reduce((s, x) => s + x, 0) / v.length;
    const se = Math.sqrt(v.reduce((s, x) => s + (x - m) ** 2, 0) / (v.length - 1) / v.length);
    expect(Math.abs(m - full)).toBeLessThan(4 * se);
    expect(se).toBeGreaterThan(0);
  });
  it("fit with the ELBO lowers the -ELBO of a family and records the cost", () => {
    const fam = makeFamily(model, data, { kind: "avi", net: polynomialNet(1) });
    const tr = fit({ model, guide: fam, objective: elbo({ samples: 2 }), data, iterations: 200, lr: 0.05, rng: new Rng(1), batchSize: 25 });
    expect(tr.losses[199]).toBeLessThan(tr.losses[0]);
    expect(tr.gradientEvaluations).toBe(200);
    expect(tr.datapointGradients).toBe(200 * 25 * 2);
    expect(tr.wallMs).toBeGreaterThan(0);
  });
});

describe("bad input", () => {
  it("a window larger than the series names the window", () => {
    const d = new Dataset([1, 2, 3]);
    expect(() => makeFamily(model, d, { kind: "avi", features: windowFeatures({ before: 3 }) })).toThrow(DomainError);
    expect(() => makeFamily(model, d, { kind: "avi", features: windowFeatures({ before: 3 }) })).toThrow(/window/);
  });
  it("a width of 0 names the width", () => {
    expect(() => mlpNet({ width: 0 })).toThrow(DomainError);
    expect(() => mlpNet({ width: 0 })).toThrow(/width/);
  });
  it("data with NaN names the data", () => {
    expect(() => new Dataset([1, NaN, 3])).toThrow(NonFiniteError);
    expect(() => new Dataset([1, NaN, 3])).toThrow(/data/);
  });
  it("a model without latents names model.latents; one with global latents only is its global factors", () => {
    const bad: Model = { name: "bad", latents: [], obsDim: 1, logJoint: () => Tensor.zeros([1]) };
    expect(() => makeFamily(bad, data, { kind: "fvi" })).toThrow(DomainError);
    expect(() => makeFamily(bad, data, { kind: "fvi" })).toThrow(/model\.latents/);
    const globalOnly: Model = { name: "g", latents: [{ name: "theta", scope: "global", dim: 1, support: { kind: "real" } }], obsDim: 1, logJoint: () => Tensor.zeros([1]) };
    const fam = makeFamily(globalOnly, data, { kind: "avi" });
    expect(fam.description).toBe("global factors only");
    expect(fam.params).toHaveLength(1);
    expect(Object.keys(fam.localFactors(data.full()))).toEqual([]);
  });
  it("an unknown kind, a net on F-VI, a categorical site, and a missing batch index", () => {
    expect(() => makeFamily(model, data, { kind: "iwae" as never })).toThrow(UnknownNameError);
    expect(() => makeFamily(model, data, { kind: "fvi", net: mlpNet({ width: 2 }) })).toThrow(/net/);
    const cat: Model = { name: "cat", latents: [{ name: "k", scope: "local", dim: 1, support: { kind: "categorical", K: 2 } }], obsDim: 1, logJoint: () => Tensor.zeros([1]) };
    expect(() => makeFamily(cat, data, { kind: "fvi" })).toThrow(/support/);
    const fvi = makeFamily(model, data, { kind: "fvi" });
    expect(() => fvi.localFactors({ obs: Tensor.zeros([3, 1]) })).toThrow(ShapeError);
  });
});
