import { describe, expect, test } from "vitest";
import { add } from "../../src/autodiff/ops/binary.js";
import { normalLogProb } from "../../src/autodiff/ops/gaussian.js";
import { matmul } from "../../src/autodiff/ops/linalg.js";
import { DomainError, NonFiniteError } from "../../src/core/errors.js";
import { Rng } from "../../src/core/rng.js";
import { Tensor } from "../../src/core/tensor.js";
import {
  activeUnits,
  importanceLogLikelihood,
  klFromTruth,
  mutualInformation,
  posteriorMeanAgreement,
  posteriorQuadrature,
  priorOnlyBaseline,
  proposalMeans,
  quadratureLogLikelihood,
} from "../../src/diagnostics/vae.js";
import { amortizedNormal } from "../../src/diagnostics/vae.js";
import { makeFamily, mlpNet } from "../../src/infer/families/index.js";
import { vae } from "../../src/infer/vae.js";
import type { Batch, LatentValues, Model } from "../../src/models/model.js";
import { curveData, fitVae } from "../train/helpers.js";

/** x = z A + N(0, s^2 I), z ~ N(0, I_Z), x in R^2: log p(x) and E[z | x] in closed form. */
function linearGaussian(A: number[][], s: number): Model & { logMarginal(x: number[]): number; posteriorMean(x: number[]): number[] } {
  const Z = A.length;
  const At = Tensor.from(A, undefined, "persistent");
  const zero = Tensor.zeros([1], "persistent");
  const ls = Tensor.full([1], Math.log(s), "persistent");
  // C = A^T A + s^2 I (2 x 2)
  const C = [0, 1].map((i) => [0, 1].map((j) => A.reduce((acc, r) => acc + r[i] * r[j], 0) + (i === j ? s * s : 0)));
  const det = C[0][0] * C[1][1] - C[0][1] * C[1][0];
  const Ci = [[C[1][1] / det, -C[0][1] / det], [-C[1][0] / det, C[0][0] / det]];
  return {
    name: "linear-gaussian",
    latents: [{ name: "z", scope: "local", dim: Z, support: { kind: "real" } }],
    obsDim: 2,
    logJoint(values: LatentValues, batch: Batch) {
      const z = values.z as Tensor;
      return add(normalLogProb(z, zero, zero), normalLogProb(batch.obs, matmul(z, At), ls));
    },
    logMarginal(x: number[]) {
      const q = x[0] * (Ci[0][0] * x[0] + Ci[0][1] * x[1]) + x[1] * (Ci[1][0] * x[0] + Ci[1][1] * x[1]);
      return -Math.log(2 * Math.PI) - 0.5 * Math.log(det) - 0.5 * q;
    },
    posteriorMean(x: number[]) {
      // E[z | x] = A C^{-1} x
      const y = [Ci[0][0] * x[0] + Ci[0][1] * x[1], Ci[1][0] * x[0] + Ci[1][1] * x[1]];
      return A.map((r) => r[0] * y[0] + r[1] * y[1]);
    },
  };
}

const points = [[0.3, -0.2], [1.5, 1.1], [-2, 0.4], [0, 0]];

describe("quadrature", () => {
  test.each([
    ["1-D latent", [[1, 0.5]]],
    ["2-D latent", [[1, 0.5], [-0.3, 0.8]]],
  ])("log p(x) and E[z | x] match the closed form of a linear Gaussian model (%s)", (_, A) => {
    const m = linearGaussian(A, 0.1);
    const q = posteriorQuadrature(m, points);
    points.forEach((x, i) => {
      expect(Math.abs(q.perPoint[i] - m.logMarginal(x))).toBeLessThan(1e-6);
      m.posteriorMean(x).forEach((v, d) => expect(Math.abs(q.posteriorMean[i][d] - v)).toBeLessThan(1e-6));
    });
  });

  test("agrees with the IWAE estimate (K = 500) of a briefly trained VAE within 0.05 nats", () => {
    const v = vae({ obsDim: 2, hidden: 32, rng: 3 });
    fitVae(v, curveData(400, 1), { epochs: 10, batchSize: 40, lr: 3e-3, rng: 4 });
    const testX = curveData(100, 3);
    const quad = quadratureLogLikelihood(v.model, testX).mean;
    const iw = importanceLogLikelihood(v.model, v.guide, testX, new Rng(5), { K: 500 }).mean;
    expect(Math.abs(quad - iw)).toBeLessThan(0.05);
    // a lower bound in expectation: the ELBO (K = 1) is clearly below
    const elbo = importanceLogLikelihood(v.model, v.guide, testX, new Rng(5), { K: 1 }).mean;
    expect(elbo).toBeLessThan(quad - 0.02);
  });

  test("KL from the truth: 0 for the true model, the Gaussian KL for a perturbed one", () => {
    const truth = linearGaussian([[1, 0.5]], 0.3);
    const other = linearGaussian([[1.3, 0.5]], 0.3);
    const rng = new Rng(1);
    const e = rng.normal([400, 3]).toRows();
    const x = e.map(([z, a, b]) => [z + 0.3 * a, 0.5 * z + 0.3 * b]);
    expect(klFromTruth(truth, truth, x).mean).toBeCloseTo(0, 10);
    const kl = klFromTruth(truth, other, x);
    const exact = x.reduce((s, r) => s + truth.logMarginal(r) - other.logMarginal(r), 0) / x.length;
    expect(kl.mean).toBeCloseTo(exact, 6);
    expect(kl.mean).toBeGreaterThan(0);
    expect(kl.method).toMatch(/test-set/);
  });
});

describe("encoder diagnostics", () => {
  const held = curveData(200, 2);

  test("mutual information: ~0 for an encoder that ignores x, clearly > 0 after training, <= log M", () => {
    const v = vae({ obsDim: 2, hidden: 16, rng: 1 });
    const w = v.encoderParams.get("net.split.0.weight");
    w.set(new Array(w.size).fill(0));
    // (single-draw estimator: zero in expectation, Monte Carlo error ~ 0.7 / sqrt(M))
    expect(Math.abs(mutualInformation(v, held, new Rng(0)))).toBeLessThan(0.2);
    expect(activeUnits(v, held).count).toBe(0);
    const trained = vae({ obsDim: 2, hidden: 16, rng: 1 });
    fitVae(trained, curveData(400, 1), { epochs: 10, batchSize: 40, lr: 3e-3, rng: 4 });
    const mi = mutualInformation(trained, held, new Rng(0));
    expect(mi).toBeGreaterThan(0.3);
    expect(mi).toBeLessThanOrEqual(Math.log(held.length));
    expect(activeUnits(trained, held).count).toBe(1);
    // the family's own view gives the same numbers as the VAE's encode
    expect(mutualInformation(amortizedNormal(trained.guide, 2), held, new Rng(0))).toBe(mi);
    // the encoder mean tracks the true posterior mean (x_1 ~ z) up to a reflection
    const encMeans = proposalMeans(trained.guide, "z", held, 2, new Rng(1), 200);
    const agree = posteriorMeanAgreement(encMeans, held.map((r) => [r[0]]));
    expect(Math.abs(agree.correlation[0])).toBeGreaterThan(0.9);
  });

  test("posterior-mean agreement: correlation and RMSE", () => {
    const t = [[0], [1], [2], [3]];
    expect(posteriorMeanAgreement(t, t)).toEqual({ correlation: [1], rmse: 0, rmseAligned: 0 });
    const r = posteriorMeanAgreement(t.map(([v]) => [-v]), t);
    expect(r.correlation[0]).toBeCloseTo(-1, 12);
    expect(r.rmse).toBeCloseTo(Math.sqrt((0 + 4 + 16 + 36) / 4), 12);
    expect(r.rmseAligned).toBeLessThan(1e-6);
    // 2-D: a rotated and a reflected copy align exactly
    const p2 = [[1, 0.2], [-0.5, 2], [0.3, -1], [2, 1]];
    const rot = p2.map(([a, b]) => [0.6 * a - 0.8 * b, 0.8 * a + 0.6 * b]);
    const refl = p2.map(([a, b]) => [b, a]);
    expect(posteriorMeanAgreement(rot, p2).rmseAligned).toBeLessThan(1e-6);
    expect(posteriorMeanAgreement(refl, p2).rmseAligned).toBeLessThan(1e-6);
    expect(posteriorMeanAgreement(refl, p2).rmse).toBeGreaterThan(0.5);
  });

  test("prior-only baseline = log N(x; training mean, training variance)", () => {
    const b = priorOnlyBaseline([[0, 1], [2, 3]], [[1, 2]]);
    expect(b.mean).toBeCloseTo(2 * -0.5 * Math.log(2 * Math.PI), 12);
  });
});

describe("bad input", () => {
  const v = vae({ obsDim: 2, hidden: 4 });
  test("typed errors naming the argument", () => {
    expect(() => importanceLogLikelihood(v.model, v.guide, points, new Rng(0), { K: 0 })).toThrow(DomainError);
    expect(() => importanceLogLikelihood(v.model, v.guide, points, new Rng(0), { K: 0 })).toThrow(/K/);
    expect(() => quadratureLogLikelihood(v.model, [[1, NaN]])).toThrow(NonFiniteError);
    expect(() => quadratureLogLikelihood(v.model, [])).toThrow(/x/);
    expect(() => mutualInformation(v, [[1, 2]], new Rng(0))).toThrow(/x/);
    expect(() => quadratureLogLikelihood(vae({ obsDim: 2, latentDim: 3, hidden: 4 }).model, points)).toThrow(/model/);
    expect(() => amortizedNormal(makeFamily(v.model, null, { kind: "avi", net: mlpNet({ width: 2 }) }), 0)).toThrow(/obsDim/);
    expect(() => amortizedNormal(makeFamily(v.model, null, { kind: "const" }), 2)).toThrow(/guide/);
    expect(() => posteriorMeanAgreement([[1]], [[1], [2]])).toThrow(/qMeans/);
    expect(() => priorOnlyBaseline([], [[1]])).toThrow(/train/);
  });
});
