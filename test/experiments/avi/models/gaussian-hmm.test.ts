import { describe, expect, it } from "vitest";
import { DomainError, NonFiniteError, ShapeError } from "../../../../src/core/errors.js";
import { Rng } from "../../../../src/core/rng.js";
import { Tensor } from "../../../../src/core/tensor.js";
import { meanFieldNegElbo } from "../../../../src/experiments/avi/impossibility-analysis.js";
import { GaussianHmm, cholesky } from "../../../../src/experiments/avi/models/gaussian-hmm.js";

/** log N(x; 0, C) by Cholesky (independent of the model code's identity). */
function logNormalDense(x: ArrayLike<number>, C: Float64Array): number {
  const n = x.length;
  const L = cholesky(C, n);
  const y = new Float64Array(n);
  let logDet = 0;
  let quad = 0;
  for (let i = 0; i < n; i++) {
    let s = x[i];
    for (let k = 0; k < i; k++) s -= L[i * n + k] * y[k];
    y[i] = s / L[i * n + i];
    quad += y[i] ** 2;
    logDet += Math.log(L[i * n + i]);
  }
  return -0.5 * quad - logDet - 0.5 * n * Math.log(2 * Math.PI);
}

describe("GaussianHmm", () => {
  const model = new GaussianHmm({ N: 12, transitionStd: 0.7, noiseStd: 1.3 });
  const { values, batch } = model.sampleJoint(12, new Rng(3));
  const x = batch.obs.toArray();
  const z = (values.z as Tensor).toArray();

  it("logJoint sums to log p(z) + log p(x | z)", () => {
    const lj = model.logJoint(values, batch);
    expect(lj.shape).toEqual([12]);
    const total = lj.toArray().reduce((a, b) => a + b, 0);
    const LOG2PI = Math.log(2 * Math.PI);
    let want = -0.5 * z[0] ** 2 - 0.5 * LOG2PI;
    for (let n = 1; n < 12; n++) want += -0.5 * ((z[n] - z[n - 1]) / 0.7) ** 2 - Math.log(0.7) - 0.5 * LOG2PI;
    for (let n = 0; n < 12; n++) want += -0.5 * ((x[n] - z[n]) / 1.3) ** 2 - Math.log(1.3) - 0.5 * LOG2PI;
    expect(total).toBeCloseTo(want, 10);
  });

  it("posterior: P m = x / s^2 and log p(x) = log N(x; 0, Sigma + s^2 I)", () => {
    const post = model.posterior(x);
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
    const m = new GaussianHmm({ N: 30 });
    const xs = m.sampleJoint(30, new Rng(1)).batch.obs.toArray();
    xs[20] = xs[5];
    const mean = m.posterior(xs).mean;
    expect(Math.abs(mean[20] - mean[5])).toBeGreaterThan(1e-3);
    const flat = m.posterior(new Array(30).fill(1)).mean;
    expect(Math.abs(flat[0] - flat[15])).toBeGreaterThan(0.1);
  });

  it("rejects minibatches, NaN data and shuffled indices with typed errors", () => {
    const part = { obs: Tensor.from(x.slice(0, 6), [6, 1]) };
    expect(() => model.logJoint(values, part)).toThrow(ShapeError);
    const nan = Tensor.from(x, [12, 1]);
    nan.view()[4] = NaN;
    expect(() => model.logJoint(values, { obs: nan })).toThrow(NonFiniteError);
    const shuffled = { obs: batch.obs, index: Int32Array.from([1, 0, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]) };
    expect(() => model.logJoint(values, shuffled)).toThrow(DomainError);
    expect(() => model.posterior(x.slice(0, 11))).toThrow(ShapeError);
    expect(() => model.posterior([...x.slice(0, 11), NaN])).toThrow(NonFiniteError);
    expect(() => new GaussianHmm({ N: 1 })).toThrow(DomainError);
    expect(() => new GaussianHmm({ noiseStd: 0 })).toThrow(DomainError);
  });
});
