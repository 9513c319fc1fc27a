import { describe, expect, it } from "vitest";
import { DomainError, Dataset, MapaPosterior, NonFiniteError, Rng, ShapeError, Tensor, asEngineModel, fit, iwaeBound, modelOnly, precomputePasses, vae as makeVae } from "../../../src/index.js";
import { iwaeLoss } from "../../../src/low-level.js";
import { syntheticDataset, truePosterior } from "../../../src/experiments/index.js";
import { correlation } from "../../../src/experiments/mapa/shared.js";
import { grid, meanAndStdErr, simpson } from "../../helpers/quadrature.js";

const spiral = syntheticDataset("spiral", 11, { nTrain: 400, nTest: 100 });
const post = MapaPosterior.fit(spiral.train, 2, 1, new Rng(1));
const x0 = spiral.test.slice(0, 2);

describe("MapaPosterior", () => {
  it("its posterior mean correlates with the true posterior mean on the injective spiral (|rho| > 0.9)", () => {
    const rho = correlation(post.posteriorMean(spiral.test), truePosterior(spiral, spiral.test).mean);
    expect(Math.abs(rho)).toBeGreaterThan(0.9);
  });
  it("1-D: the log-density integrates to 1 (Simpson) for a test point", () => {
    const zs = grid(-6, 6, 6000);
    const p = post.logProb(Tensor.from(zs, [zs.length, 1]), x0).toArray().map(Math.exp);
    expect(Math.abs(simpson(p, -6, 6) - 1)).toBeLessThan(1e-4);
  });
  it("2-D: the log-density integrates to 1 on a grid", () => {
    const ds = syntheticDataset("mlp-2d", 12, { nTrain: 200, nTest: 10 });
    const p2 = MapaPosterior.fit(ds.train, 10, 2, new Rng(2));
    const n = 121, lo = -5, h = 10 / (n - 1);
    const pts = new Float64Array(n * n * 2);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) { pts[2 * (i * n + j)] = lo + i * h; pts[2 * (i * n + j) + 1] = lo + j * h; }
    const lp = p2.logProb(Tensor.from(pts, [n * n, 2]), ds.test.slice(0, 10)).toArray();
    expect(Math.abs(lp.reduce((s, v) => s + Math.exp(v), 0) * h * h - 1)).toBeLessThan(1e-3);
  });
  it("its sampler matches its density: sample mean / variance vs quadrature moments, and logQ equals logProb", () => {
    const zs = grid(-6, 6, 6000);
    const p = post.logProb(Tensor.from(zs, [zs.length, 1]), x0).toArray().map(Math.exp);
    const m1 = simpson(p.map((v, i) => v * zs[i]), -6, 6);
    const m2 = simpson(p.map((v, i) => v * zs[i] ** 2), -6, 6);
    const { z, logQ } = post.sampleWithLogProb(x0, 20000, new Rng(3));
    const s = meanAndStdErr(z.toArray());
    expect(Math.abs(s.mean - m1)).toBeLessThan(4 * s.se);
    expect(Math.abs(s.variance - (m2 - m1 * m1)) / (m2 - m1 * m1)).toBeLessThan(0.05);
    const again = post.logProb(z, x0).toArray();
    logQ.toArray().forEach((v, i) => expect(v).toBeCloseTo(again[i], 10));
  });
  it("training rows (batch.index) use the precomputed index posterior, same as recomputing from x", () => {
    const idx = Int32Array.from([3, 17]);
    const obs = Tensor.from(spiral.train.slice(0, 2 * 18).filter((_, k) => Math.floor(k / 2) === 3 || Math.floor(k / 2) === 17), [2, 2]);
    const z = Tensor.from([0.1, -0.4, 0.2, 1.1], [4, 1]);
    const a = post.logProb(z, { obs, index: idx }).toArray();
    const b = post.logProb(z, obs.toFloat64Array()).toArray();
    a.forEach((v, i) => expect(v).toBeCloseTo(b[i], 10));
  });
  it("drives decoder-only training as the fixed guide of fit: finite loss, decoder updated, no encoder pass", () => {
    const vae = makeVae({ obsDim: 2, latentDim: 1, hidden: 8, rng: 1 });
    const batch = { obs: Tensor.from(spiral.train.slice(0, 8), [4, 2]), index: Int32Array.from([0, 1, 2, 3]) };
    const loss = iwaeLoss(asEngineModel(vae.model), post, batch, new Rng(4), { particles: 5 }).item();
    expect(Number.isFinite(loss)).toBe(true);
    const dec = vae.decoderParams.values.toArray();
    const passes: string[] = [];
    vae.passListener = (n) => void passes.push(n);
    const r = fit({ model: vae.model, guide: post, objective: iwaeBound({ particles: 5 }), schedule: modelOnly("mapa"), data: new Dataset(spiral.train, { dim: 2 }), iterations: 5, batchSize: 40, rng: 2 });
    expect(r.schedule).toMatchObject({ schedule: "mapa", guideUpdates: 0, modelUpdates: 5 });
    expect(vae.decoderParams.values.toArray()).not.toEqual(dec);
    expect(passes.every((n) => n === "decoder")).toBe(true);
    // precomputation in decoder-pass units: multiply-adds / (1*8 + 8*8 + 8*2)
    expect(precomputePasses(post, vae.decoderNet)).toBeCloseTo(post.precompute.multiplyAdds / 88, 10);
    vae.dispose();
  });
  it("bad inputs: typed errors naming the argument", () => {
    expect(() => post.sampleWithLogProb(x0, 0, new Rng(1))).toThrow(/K/);
    expect(() => post.sampleWithLogProb(x0, 0, new Rng(1))).toThrow(DomainError);
    expect(() => MapaPosterior.fit(spiral.train, 2, 1, new Rng(1), { bandwidth: 0 })).toThrow(/bandwidth/);
    expect(() => MapaPosterior.fit(spiral.train, 2, 1, new Rng(1), { bandwidth: -1 })).toThrow(DomainError);
    expect(() => MapaPosterior.fit(spiral.train, 2, 3, new Rng(1))).toThrow(/latentDim/);
    const bad = Float64Array.from(spiral.train);
    bad[7] = NaN;
    expect(() => MapaPosterior.fit(bad, 2, 1, new Rng(1))).toThrow(NonFiniteError);
    expect(() => MapaPosterior.fit(bad, 2, 1, new Rng(1))).toThrow(/train/);
    expect(() => post.posteriorMean(Float64Array.from([1, NaN]))).toThrow(NonFiniteError);
    expect(() => post.posteriorMean(Float64Array.from([1, 2, 3]))).toThrow(ShapeError);
    expect(() => MapaPosterior.fit(new Float64Array(40).fill(1), 2, 1, new Rng(1))).toThrow(/bandwidth/);
  });
});
