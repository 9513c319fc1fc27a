import { describe, expect, it } from "vitest";
import { NonFiniteError, ShapeError, DomainError } from "../../../../src/core/errors.js";
import { Rng } from "../../../../src/core/rng.js";
import { Tensor } from "../../../../src/core/tensor.js";
import { engineModel, FullBatchError } from "../../../../src/model/index.js";
import { exactGaussianProcess, gaussianProcessGrid, gaussianProcessSettings, rbfKernel } from "../../../../src/experiments/avi/models/gaussian-process.js";
import { logNormalDense } from "../../../helpers/dense-gaussian.js";

describe("gaussianProcessGrid (avi-gp in the model language)", () => {
  const gp = exactGaussianProcess({ N: 15, lengthScale: 2, noiseStd: 0.6 });
  const draw = gp.model.sampleJoint(15, new Rng(5));
  const x = draw.data.x.toArray();
  const z = draw.values.z.toArray();

  it("the kernel: v exp(-(i - j)^2 / (2 l^2)) plus the nugget 0.01 v on the diagonal", () => {
    const s = gaussianProcessSettings({ N: 3, lengthScale: 2, variance: 2 });
    expect(s.jitter).toBeCloseTo(0.02, 15);
    const K = rbfKernel(s);
    expect(K[0]).toBeCloseTo(2.02, 14);
    expect(K[1]).toBeCloseTo(2 * Math.exp(-1 / 8), 14);
    expect(K[2]).toBeCloseTo(2 * Math.exp(-4 / 8), 14);
  });

  it("log p sums the whitened per-row terms to log N(z; 0, K) + log p(x | z)", () => {
    const per = engineModel(gp.model).logJoint(draw.values, { obs: draw.data.x }).toArray();
    expect(per).toHaveLength(15);
    let lik = 0;
    for (let n = 0; n < 15; n++) lik += -0.5 * ((x[n] - z[n]) / 0.6) ** 2 - Math.log(0.6) - 0.5 * Math.log(2 * Math.PI);
    const want = logNormalDense(z, gp.kernel) + lik;
    expect(per.reduce((a, b) => a + b, 0)).toBeCloseTo(want, 8);
    expect(gaussianProcessGrid({ N: 15, lengthScale: 2, noiseStd: 0.6 }).logJoint(draw.values, draw.data).item()).toBeCloseTo(want, 8);
  });

  it("posterior mean solves P m = x / s^2 and log p(x) = log N(x; 0, K + s^2 I)", () => {
    const post = gp.posterior(x);
    const N = 15;
    const C = gp.kernel.map((v, i) => v + (i % (N + 1) === 0 ? 0.36 : 0));
    expect(post.logEvidence).toBeCloseTo(logNormalDense(x, C), 8);
    for (let i = 0; i < N; i++) {
      let r = 0;
      for (let j = 0; j < N; j++) r += post.precision[i * N + j] * post.mean[j];
      expect(r).toBeCloseTo(x[i] / 0.36, 6);
    }
  });

  it("equal observations get different posterior means; constant data gives means varying with n", () => {
    const xs = x.slice();
    xs[11] = xs[2];
    const mean = gp.posterior(xs).mean;
    expect(Math.abs(mean[11] - mean[2])).toBeGreaterThan(1e-3);
    const flat = gp.posterior(new Array(15).fill(1)).mean;
    expect(Math.abs(flat[0] - flat[7])).toBeGreaterThan(0.01);
  });

  it("rejects a partial grid, bad series and bad settings with typed errors", () => {
    const part = { obs: Tensor.from(x.slice(0, 14), [14, 1]) };
    expect(() => engineModel(gp.model).logJoint({ z: Tensor.from(z.slice(0, 14), [14, 1]) }, part)).toThrow(FullBatchError);
    expect(() => gp.posterior(x.slice(0, 14))).toThrow(ShapeError);
    expect(() => gp.posterior([...x.slice(0, 14), Infinity])).toThrow(NonFiniteError);
    expect(() => gaussianProcessGrid({ lengthScale: -1 })).toThrow(DomainError);
    expect(() => gaussianProcessSettings({ jitter: -1 })).toThrow(/jitter/);
  });
});
