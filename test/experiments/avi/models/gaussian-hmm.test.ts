import { describe, expect, it } from "vitest";
import { DomainError, NonFiniteError, ShapeError } from "../../../../src/core/errors.js";
import { Rng } from "../../../../src/core/rng.js";
import { Tensor } from "../../../../src/core/tensor.js";
import { engineModel, FullBatchError } from "../../../../src/model/index.js";
import { meanFieldNegElbo } from "../../../../src/experiments/avi/impossibility-analysis.js";
import { exactGaussianHmm, gaussianHmm, gaussianHmmPosterior, gaussianHmmSettings } from "../../../../src/experiments/avi/models/gaussian-hmm.js";
import { logNormalDense } from "../../../helpers/dense-gaussian.js";

describe("gaussianHmm (avi-hmm in the model language)", () => {
  const settings = gaussianHmmSettings({ N: 12, transitionStd: 0.7, noiseStd: 1.3 });
  const model = gaussianHmm(settings);
  const draw = model.sampleJoint(12, new Rng(3));
  const x = draw.data.x.toArray();
  const z = draw.values.z.toArray();
  const LOG2PI = Math.log(2 * Math.PI);

  it("sites: z over the plate's rows jointly (a random walk), x observed; a forward run draws the whole series", () => {
    expect(model.sites().map((s) => [s.name, s.scope, s.observed, s.distribution])).toEqual([
      ["z", "local", false, "GaussianRandomWalk"],
      ["x", "local", true, "Normal"],
    ]);
    expect(draw.data.x.shape).toEqual([12, 1]);
  });

  it("log p sums the per-step terms to log p(z) + log p(x | z)", () => {
    const lj = engineModel(model).logJoint(draw.values, { obs: draw.data.x });
    expect(lj.shape).toEqual([12]);
    const total = lj.toArray().reduce((a, b) => a + b, 0);
    let want = -0.5 * z[0] ** 2 - 0.5 * LOG2PI;
    for (let n = 1; n < 12; n++) want += -0.5 * ((z[n] - z[n - 1]) / 0.7) ** 2 - Math.log(0.7) - 0.5 * LOG2PI;
    for (let n = 0; n < 12; n++) want += -0.5 * ((x[n] - z[n]) / 1.3) ** 2 - Math.log(1.3) - 0.5 * LOG2PI;
    expect(total).toBeCloseTo(want, 10);
    expect(model.logJoint(draw.values, draw.data).item()).toBeCloseTo(want, 10);
  });

  it("posterior: P m = x / s^2 and log p(x) = log N(x; 0, Sigma + s^2 I)", () => {
    const post = gaussianHmmPosterior(settings, x);
    const N = 12;
    for (let i = 0; i < N; i++) {
      let r = 0;
      for (let j = 0; j < N; j++) r += post.precision[i * N + j] * post.mean[j];
      expect(r).toBeCloseTo(x[i] / 1.3 ** 2, 10);
    }
    // Sigma_ij = s0^2 + st^2 (min(i, j)) for the random walk
    const C = new Float64Array(N * N);
    for (let i = 0; i < N; i++) for (let j = 0; j < N; j++) C[i * N + j] = 1 + 0.49 * Math.min(i, j) + (i === j ? 1.69 : 0);
    expect(post.logEvidence).toBeCloseTo(logNormalDense(x, C), 9);
    // the mean-field optimum (exact means, 1/sqrt(P_nn)) beats perturbations of it
    const best = meanFieldNegElbo(post, post.mean, post.meanFieldStd);
    expect(best.kl).toBeGreaterThan(0);
    const shifted = meanFieldNegElbo(post, post.mean.map((m) => m + 0.1), post.meanFieldStd);
    const wider = meanFieldNegElbo(post, post.mean, post.meanFieldStd.map((s) => s * 1.1));
    expect(shifted.negElbo).toBeGreaterThan(best.negElbo);
    expect(wider.negElbo).toBeGreaterThan(best.negElbo);
  });

  it("equal observations get different posterior means; constant data gives means varying with n", () => {
    const m = exactGaussianHmm({ N: 30 });
    const xs = m.model.sampleJoint(30, new Rng(1)).data.x.toArray();
    xs[20] = xs[5];
    const mean = m.posterior(xs).mean;
    expect(Math.abs(mean[20] - mean[5])).toBeGreaterThan(1e-3);
    const flat = m.posterior(new Array(30).fill(1)).mean;
    expect(Math.abs(flat[0] - flat[15])).toBeGreaterThan(0.1);
  });

  it("rejects minibatches, shuffled rows, bad series and settings with typed errors", () => {
    const engine = engineModel(model);
    expect(engine.requiresFullSequence).toBe(true);
    const part = { obs: Tensor.from(x.slice(0, 6), [6, 1]) };
    expect(() => engine.logJoint({ z: Tensor.from(z.slice(0, 6), [6, 1]) }, part)).toThrow(FullBatchError);
    expect(() => engine.logJoint({ z: Tensor.from(z.slice(0, 6), [6, 1]) }, part)).toThrow(/full batch only/);
    const shuffled = { obs: draw.data.x, index: Int32Array.from([1, 0, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]) };
    expect(() => engine.logJoint(draw.values, shuffled)).toThrow(FullBatchError);
    expect(() => gaussianHmmPosterior(settings, x.slice(0, 11))).toThrow(ShapeError);
    expect(() => gaussianHmmPosterior(settings, [...x.slice(0, 11), NaN])).toThrow(NonFiniteError);
    expect(() => gaussianHmm({ N: 1 })).toThrow(DomainError);
    expect(() => gaussianHmm({ noiseStd: 0 })).toThrow(/noiseStd/);
  });
});
