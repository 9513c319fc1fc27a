import { describe, expect, it } from "vitest";
import { DomainError, UnknownNameError } from "../../../src/index.js";
import { latentGrid, syntheticDataset, truePosterior, SYNTHETIC_NAMES } from "../../../src/experiments/index.js";

describe("syntheticDataset", () => {
  it("has the documented sizes and is deterministic per seed", () => {
    for (const name of SYNTHETIC_NAMES) {
      const a = syntheticDataset(name, 4, { nTrain: 50, nTest: 20 });
      expect(a.train.length).toBe(50 * a.obsDim);
      expect(a.testZ.length).toBe(20 * a.latentDim);
      expect(a.obsDim).toBeGreaterThanOrEqual(2);
      expect(a.obsDim).toBeLessThanOrEqual(10);
      expect(syntheticDataset(name, 4, { nTrain: 50, nTest: 20 }).train).toEqual(a.train);
      expect(syntheticDataset(name, 5, { nTrain: 50, nTest: 20 }).train).not.toEqual(a.train);
    }
    const d = syntheticDataset("spiral", 1);
    expect([d.nTrain, d.nTest, d.noiseStd]).toEqual([2000, 1000, 0.1]);
  });
  it("x = f(z) + noise of std s: residuals have the stated scale", () => {
    const d = syntheticDataset("mlp", 2, { nTrain: 2000, nTest: 10 });
    const f = d.decoder(d.trainZ);
    const r = d.train.map((v, i) => v - f[i]);
    const sd = Math.sqrt(r.reduce((s, v) => s + v * v, 0) / r.length);
    expect(Math.abs(sd - 0.1)).toBeLessThan(0.005);
  });
  it("quadrature: log p(x) on the default grid matches a finer, wider grid (1-D and 2-D)", () => {
    for (const name of ["spiral", "mlp-2d"] as const) {
      const d = syntheticDataset(name, 3, { nTrain: 10, nTest: 3 });
      const ll = truePosterior(d, d.test).logLikelihood;
      const fine = truePosterior(d, d.test, latentGrid(d.latentDim, d.latentDim === 1 ? 20001 : 401, d.latentDim === 1 ? 7 : 5.5)).logLikelihood;
      ll.forEach((v, i) => expect(v).toBeCloseTo(fine[i], 3));
    }
  });
  it("the true posterior recovers z on the injective data and is bimodal (E[z | x] ~ 0) on the fold", () => {
    const s = syntheticDataset("spiral", 6, { nTrain: 10, nTest: 200 });
    const ps = truePosterior(s, s.test);
    const err = ps.mean.reduce((a, m, i) => a + Math.abs(m - s.testZ[i]), 0) / 200;
    expect(err).toBeLessThan(0.1);
    const f = syntheticDataset("fold", 6, { nTrain: 10, nTest: 200 });
    const pf = truePosterior(f, f.test);
    expect(pf.mean.reduce((a, m) => a + Math.abs(m), 0) / 200).toBeLessThan(0.05);
    const rmsAbs = pf.secondMoment.map(Math.sqrt);
    expect(rmsAbs.reduce((a, m, i) => a + Math.abs(m - Math.abs(f.testZ[i])), 0) / 200).toBeLessThan(0.15);
  });
  it("bad inputs: unknown name, sizes, noise, grid dimension", () => {
    expect(() => syntheticDataset("moons" as never, 1)).toThrow(UnknownNameError);
    expect(() => syntheticDataset("spiral", 1, { nTrain: 1 })).toThrow(/nTrain/);
    expect(() => syntheticDataset("spiral", 1, { noiseStd: 0 })).toThrow(DomainError);
    expect(() => latentGrid(3)).toThrow(/latentDim/);
  });
});
