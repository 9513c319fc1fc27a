import { describe, expect, it } from "vitest";
import { Rng } from "../../src/core/rng.js";
import { AmortviError, DomainError } from "../../src/core/errors.js";
import {
  categoricalMarginal,
  gather,
  gaussianKde,
  importanceFromPrior,
  multinomialResample,
  normalizeLogWeights,
  observedLogLikelihood,
  silvermanBandwidth,
  systematicResample,
  weightedMoments,
} from "../../src/diagnostics/importance.js";
import { Tensor } from "../../src/core/tensor.js";
import { openUniverseModel, openUniversePosterior, openUniverseSettings } from "../../src/experiments/notes/models/open-universe.js";
import { mixturePriorModel } from "../../src/experiments/notes/models/mixture-prior.js";
import { note1Like, note2Like } from "../helpers/notes-models.js";

const normalPdf = (x: number, m: number, s: number) => Math.exp(-0.5 * ((x - m) / s) ** 2) / (s * Math.sqrt(2 * Math.PI));

/** Largest |a - b| over the grid, relative to the largest exact value. */
function maxRelativeGap(grid: number[], got: ArrayLike<number>, exact: (x: number) => number): number {
  const want = grid.map(exact);
  return Math.max(...want.map((w, i) => Math.abs(got[i] - w))) / Math.max(...want);
}

describe("importanceFromPrior", () => {
  it("note-1: posterior mean/std, log p(y) and the KDE agree with the closed form N(y/2, 1/2)", () => {
    const model = note1Like();
    for (const y of [-2, 0.7, 3]) {
      const ref = importanceFromPrior(model, [y], new Rng(1));
      expect(ref.samples).toBe(10_000);
      const exact = model.posterior(y);
      const { mean, std } = weightedMoments(ref.draws.x as Float64Array, ref.weights);
      expect(Math.abs(mean - exact.means[0])).toBeLessThan(0.04);
      expect(Math.abs(std - exact.stds[0])).toBeLessThan(0.03);
      expect(Math.abs(ref.logMarginal - exact.logMarginal)).toBeLessThan(0.03);
      expect(ref.ess).toBeGreaterThan(1000);
      expect(ref.ess).toBeLessThanOrEqual(10_000);
      const resampled = gather(ref.draws.x as Float64Array, systematicResample(ref.weights, 10_000, new Rng(2)));
      const grid = Array.from({ length: 41 }, (_, i) => exact.means[0] - 3 + (6 * i) / 40);
      const kde = gaussianKde(resampled).density(grid);
      expect(maxRelativeGap(grid, kde, (x) => normalPdf(x, exact.means[0], exact.stds[0]))).toBeLessThan(0.12);
    }
  });

  it("note-2-like mixture: both modes' weights and the bimodal KDE match the closed form", () => {
    const model = note2Like();
    for (const y of [0, 1.5]) {
      const ref = importanceFromPrior(model, [y], new Rng(3), { samples: 20_000 });
      const exact = model.posterior(y);
      const x = ref.draws.x as Float64Array;
      const positiveMass = Array.from(x).reduce((s, v, i) => s + (v > 0 ? ref.weights[i] : 0), 0);
      expect(Math.abs(positiveMass - exact.weights[1])).toBeLessThan(0.03);
      const resampled = gather(x, multinomialResample(ref.weights, 20_000, new Rng(4)));
      const grid = Array.from({ length: 61 }, (_, i) => -6 + (12 * i) / 60);
      const density = (v: number) => exact.weights.reduce((s, w, k) => s + w * normalPdf(v, exact.means[k], exact.stds[k]), 0);
      expect(maxRelativeGap(grid, gaussianKde(resampled).density(grid), density)).toBeLessThan(0.15);
      expect(Math.abs(ref.logMarginal - exact.logMarginal)).toBeLessThan(0.05);
    }
  });

  it("note-4 (a model in the language; the weights from its observed site): discrete marginals match p(k|y) and p(z|y, k=2)", () => {
    const model = openUniverseModel();
    for (const y of [-3.5, 0, 3.5, 7]) {
      const ref = importanceFromPrior(model, [y], new Rng(5));
      const k = ref.draws.k as Int32Array;
      const pk = categoricalMarginal(k, ref.weights, 2);
      const pz = categoricalMarginal(ref.draws.z as Int32Array, ref.weights, 2, (i) => k[i] === 1);
      const exact = openUniversePosterior(openUniverseSettings(), y);
      expect(Math.abs(pk[0] - exact.k[0])).toBeLessThan(0.02);
      // p(z | y, k=2) only where k = 2 carries the posterior mass (at y = 0 it rests on a handful of draws)
      if (exact.k[1] > 0.5) expect(Math.abs(pz[0] - exact.z[0])).toBeLessThan(0.03);
    }
  });

  it("observedLogLikelihood: log p(y | latents) of a model in the language is its observed site's log-density per row", () => {
    const lik = observedLogLikelihood(mixturePriorModel({ s: 0.5 }));
    const xs = [0.3, -2, 4], ys = [1, -1.5, 4.2];
    const got = lik({ x: Tensor.from(xs, [3, 1]) }, { obs: Tensor.from(ys, [3, 1]) }).toArray();
    got.forEach((v, i) => expect(v).toBeCloseTo(-0.5 * ((ys[i] - xs[i]) / 0.5) ** 2 - Math.log(0.5) - 0.5 * Math.log(2 * Math.PI), 12));
  });

  it("is seeded: same seed, same weights", () => {
    const a = importanceFromPrior(note1Like(), [1], new Rng(9), { samples: 500 });
    const b = importanceFromPrior(note1Like(), [1], new Rng(9), { samples: 500 });
    expect(Array.from(a.logWeights)).toEqual(Array.from(b.logWeights));
  });

  it("rejects bad inputs with the argument named", () => {
    const model = note1Like();
    expect(() => importanceFromPrior(model, [1, 2], new Rng(0))).toThrow(/y: expected 1 numbers/);
    expect(() => importanceFromPrior(model, [NaN], new Rng(0))).toThrow(AmortviError);
    expect(() => importanceFromPrior(model, [1], new Rng(0), { samples: 0 })).toThrow(/samples/);
    const noLik = { name: "m", latents: model.latents, obsDim: 1, logJoint: model.logJoint.bind(model), sampleJoint: model.sampleJoint.bind(model) };
    expect(() => importanceFromPrior(noLik, [1], new Rng(0))).toThrow(/logLikelihood/);
    // ... unless the likelihood is passed in
    expect(importanceFromPrior(noLik, [1], new Rng(0), { samples: 100, logLikelihood: model.logLikelihood.bind(model) }).samples).toBe(100);
  });
});

describe("weights, resampling, KDE", () => {
  it("normalizeLogWeights: softmax, log mean exp, ESS = N for equal weights and 1 for a single one", () => {
    const eq = normalizeLogWeights(Float64Array.from([3, 3, 3, 3]));
    expect(eq.ess).toBeCloseTo(4, 12);
    expect(eq.logMarginal).toBeCloseTo(3, 12);
    const one = normalizeLogWeights(Float64Array.from([0, -Infinity, -Infinity]));
    expect(one.ess).toBeCloseTo(1, 12);
    expect(Array.from(one.weights)).toEqual([1, 0, 0]);
    expect(() => normalizeLogWeights(Float64Array.from([-Infinity]))).toThrow(DomainError);
    expect(() => normalizeLogWeights(Float64Array.from([NaN]))).toThrow(DomainError);
  });

  it("systematic and multinomial resampling keep the weights' proportions", () => {
    const w = [0.1, 0.6, 0.3];
    for (const resample of [systematicResample, multinomialResample]) {
      const idx = resample(w, 10_000, new Rng(6));
      const counts = [0, 1, 2].map((c) => idx.filter((i) => i === c).length / idx.length);
      counts.forEach((c, i) => expect(Math.abs(c - w[i])).toBeLessThan(0.02));
    }
    // systematic: counts within one of n * w_i
    const sys = systematicResample(w, 100, new Rng(7));
    [0, 1, 2].forEach((c) => expect(Math.abs(sys.filter((i) => i === c).length - 100 * w[c])).toBeLessThanOrEqual(1));
    expect(() => systematicResample([], 3, new Rng(0))).toThrow(DomainError);
    expect(() => multinomialResample([0.5, -0.1], 3, new Rng(0))).toThrow(/non-negative/);
  });

  it("Silverman bandwidth 0.9 min(sd, IQR/1.34) n^-1/5; KDE integrates to 1", () => {
    const v = Float64Array.from({ length: 1000 }, (_, i) => (i - 499.5) / 100);
    const h = silvermanBandwidth(v);
    const sd = Math.sqrt(v.reduce((s, x) => s + x * x, 0) / v.length);
    const iqr = (v[749] + 0.25 * (v[750] - v[749]) - (v[249] + 0.75 * (v[250] - v[249]))) / 1.34;
    expect(h).toBeCloseTo(0.9 * Math.min(sd, iqr) * 1000 ** -0.2, 10);
    const grid = Array.from({ length: 2001 }, (_, i) => -10 + i * 0.01);
    const dens = gaussianKde(v).density(grid);
    expect(dens.reduce((s, d) => s + d * 0.01, 0)).toBeCloseTo(1, 3);
    expect(() => silvermanBandwidth([1, 1, 1])).toThrow(/spread/);
    expect(() => gaussianKde([1, 2], -1)).toThrow(/bandwidth/);
    expect(Array.from(categoricalMarginal(Int32Array.from([0, 1, 1]), [0.5, 0.25, 0.25], 2))).toEqual([0.5, 0.5]);
  });
});
