import { describe, it, expect } from "vitest";
import { Tensor, Rng, Normal, shift, scale, defineModel, Dataset, makeFamily, elbo, iwaeBound, renyiBound, forwardKL, reweightedWakeSleep, noGrad, DomainError, asEngineModel } from "../../../src/index.js";
import { iwaeLoss } from "../../../src/low-level.js";
import type { Objective, ObjectiveContext, Family } from "../../../src/index.js";

// z_n ~ N(0, 1), x_n ~ N(2 z_n + 1, 0.5^2): p(x) = N(1, 4.25), p(z | x) = N(8 (x - 1) / 17, 1 / 17)
const model = defineModel("linear", (m) => {
  m.plate("data", () => {
    const z = m.sample("z", new Normal(0, 1));
    m.observe("x", new Normal(shift(scale(z, 2), 1), 0.5));
  });
});
const xs = [-1.5, 0.2, 1, 2.7, 4];
const data = new Dataset(xs);
const logPx = xs.map((x) => -0.5 * (x - 1) ** 2 / 4.25 - 0.5 * Math.log(2 * Math.PI * 4.25));
const meanLogPx = logPx.reduce((a, b) => a + b, 0) / xs.length;

function family(exact: boolean): Family {
  const f = makeFamily(model, data, { kind: "fvi" });
  const mean = f.localStore.get("mean");
  const logStd = f.localStore.get("logStd");
  mean.set(xs.map((x) => (exact ? (8 * (x - 1)) / 17 : 0.3)));
  logStd.set(xs.map(() => (exact ? -0.5 * Math.log(17) : -0.2)));
  return f;
}

function lossOf(objective: Objective, guide: Family, seed: number, batchSize = xs.length): number {
  const rng = new Rng(seed);
  const ctx: ObjectiveContext = { model: asEngineModel(model), guide, rng, batch: () => data.full(), batchSize, dataSize: xs.length };
  objective.start?.();
  return noGrad(() => objective.loss(ctx).item());
}

describe("objectives", () => {
  it("with q the exact posterior, every bound equals -log p(x) (the weights are constant)", () => {
    const q = family(true);
    const sum = -logPx.reduce((a, b) => a + b, 0);
    expect(lossOf(elbo({ samples: 3 }), q, 1)).toBeCloseTo(sum, 9);
    expect(lossOf(elbo({ scale: "datapoint" }), q, 1)).toBeCloseTo(-meanLogPx, 9);
    expect(lossOf(elbo({ scale: "datapoint", samples: 4 }), q, 1)).toBeCloseTo(-meanLogPx, 9);
    expect(lossOf(iwaeBound({ particles: 7 }), q, 1)).toBeCloseTo(-meanLogPx, 9);
    for (const alpha of [-1, 0, 0.5, 1, 2]) expect(lossOf(renyiBound({ alpha, particles: 5 }), q, 1)).toBeCloseTo(-meanLogPx, 9);
  });

  it("Renyi: alpha = 0 is the IWAE bound, alpha = 1 the ELBO, and the bound decreases in alpha (same draws)", () => {
    const q = family(false);
    const K = 6;
    const r0 = lossOf(renyiBound({ alpha: 0, particles: K }), q, 5);
    const iw = noGrad(() => iwaeLoss(asEngineModel(model), q, data.full(), new Rng(5), { particles: K }).item());
    expect(r0).toBeCloseTo(iw, 10);
    const losses = [-1, 0, 0.5, 1, 3].map((alpha) => lossOf(renyiBound({ alpha, particles: K }), q, 5));
    for (let i = 1; i < losses.length; i++) expect(losses[i]).toBeGreaterThanOrEqual(losses[i - 1] - 1e-12);
    expect(losses[losses.length - 1]).toBeGreaterThan(losses[0]);
  });

  it("forward KL and RWS run on the model's joint draws and have finite values", () => {
    const net = makeFamily(model, null, { kind: "avi" });
    expect(Number.isFinite(lossOf(forwardKL(), net, 2, 64))).toBe(true);
    expect(Number.isFinite(lossOf(reweightedWakeSleep({ particles: 4, alpha: 0.5 }), net, 2))).toBe(true);
    expect(Number.isFinite(lossOf(reweightedWakeSleep({ particles: 4, alpha: 1 }), family(false), 2))).toBe(true);
  });

  it("bad options are typed errors naming the option", () => {
    expect(() => elbo({ samples: 0 })).toThrow(DomainError);
    expect(() => elbo({ scale: "all" as never })).toThrow(/scale/);
    expect(() => elbo({ enumerate: true })).toThrow(/enumerate/);
    expect(() => iwaeBound({ particles: 1.5 })).toThrow(/particles/);
    expect(() => renyiBound({ alpha: Number.NaN })).toThrow(/alpha/);
    expect(() => reweightedWakeSleep({ alpha: 2 })).toThrow(/alpha/);
    void Tensor;
  });
});
