// Fits of one conditioning row (the Const / F-VI case of a family) by Adam.
// Reverse KL to a correlated 2-D Gaussian target: the mean-field Gaussian
// stops at its known KL, -log(1 - rho^2) / 2; the full-rank and low-rank
// families reach ~0; mixtures of diagonal Gaussians (score function for the
// component choice) get below mean-field, more so with more components.
// Forward KL (maximum likelihood) to a bimodal target: the mixture covers both modes.
import { describe, expect, it } from "vitest";
import { ParamSpecs } from "../../../src/nn/module.js";
import { MultivariateNormal } from "../../../src/distributions/multivariate-normal.js";
import { Rng } from "../../../src/core/rng.js";
import type { Tensor } from "../../../src/core/tensor.js";
import { diagonalGaussian, type DensityFamily } from "../../../src/infer/families/density.js";
import { fullRankGaussian } from "../../../src/infer/families/full-rank.js";
import { lowRankGaussian } from "../../../src/infer/families/low-rank.js";
import { gaussianMixture } from "../../../src/infer/families/mixture.js";
import { fitContextRow, forwardKLLoss, gaussianKL2d, reverseKLEstimate, reverseKLLoss } from "../../helpers/density-fit.js";

const rho = 0.9;
const targetMean = [1, -0.5];
const targetCov = [1, rho * 1.5, 2.25];
const target = MultivariateNormal.fromCovariance(targetMean, [[targetCov[0], targetCov[1]], [targetCov[1], targetCov[2]]]);
const logTarget = (u: Tensor) => target.logProb(u);
const meanFieldKL = -0.5 * Math.log(1 - rho * rho); // 0.830

function fitReverse(family: DensityFamily, steps = 1500): Float64Array {
  const q = family.build(new ParamSpecs(), 2);
  return fitContextRow(family.initialContext([0, 0], [0, 0]), reverseKLLoss(q, logTarget), { steps });
}

describe("reverse-KL fits to a correlated Gaussian (rho = 0.9)", () => {
  it("the diagonal Gaussian stops at the mean-field KL; full-rank and low-rank (rank 1) reach ~0", () => {
    const d = fitReverse(diagonalGaussian());
    const diagKL = gaussianKL2d([d[0], d[1]], [Math.exp(2 * d[2]), 0, Math.exp(2 * d[3])], targetMean, targetCov);
    const f = fitReverse(fullRankGaussian());
    const L = [Math.exp(f[2]), f[3], Math.exp(f[4])];
    const fullKL = gaussianKL2d([f[0], f[1]], [L[0] ** 2, L[0] * L[1], L[1] ** 2 + L[2] ** 2], targetMean, targetCov);
    const l = fitReverse(lowRankGaussian({ rank: 1 }));
    const lowCov = [l[2] ** 2 + Math.exp(2 * l[4]), l[2] * l[3], l[3] ** 2 + Math.exp(2 * l[5])];
    const lowKL = gaussianKL2d([l[0], l[1]], lowCov, targetMean, targetCov);
    expect(Math.abs(diagKL - meanFieldKL)).toBeLessThan(0.01);
    expect(fullKL).toBeLessThan(0.01);
    expect(lowKL).toBeLessThan(0.01);
  });

  it("mixtures of diagonal Gaussians get below mean-field, more components lower", () => {
    const kl = (K: number) => {
      const family = gaussianMixture({ components: K });
      return reverseKLEstimate(family.build(new ParamSpecs(), 2), fitReverse(family, 3000), logTarget);
    };
    const [two, four] = [kl(2), kl(4)];
    expect(two.mean + 4 * two.se).toBeLessThan(0.6 * meanFieldKL);
    expect(four.mean + 4 * four.se).toBeLessThan(two.mean - 4 * two.se);
  });
});

describe("forward-KL fit of a mixture to a bimodal target", () => {
  it("puts one component on each mode with its weight and scales", () => {
    // p = 0.4 N((-2, 1), diag(0.5^2, 0.5^2)) + 0.6 N((2, -1), diag(0.6^2, 0.4^2))
    const modes = [{ w: 0.4, mu: [-2, 1], sd: [0.5, 0.5] }, { w: 0.6, mu: [2, -1], sd: [0.6, 0.4] }];
    const rng = new Rng(21);
    const n = 4000;
    const eps = rng.normal([n, 2], "persistent").toFloat64Array();
    const data = new Float64Array(2 * n);
    for (let i = 0; i < n; i++) {
      const m = modes[rng.nextUniform() < modes[0].w ? 0 : 1];
      for (let j = 0; j < 2; j++) data[2 * i + j] = m.mu[j] + m.sd[j] * eps[2 * i + j];
    }
    const family = gaussianMixture({ components: 2 });
    const q = family.build(new ParamSpecs(), 2);
    // start near a broad prior: N(0, 2^2 I)
    const row = fitContextRow(family.initialContext([0, 0], [Math.log(2), Math.log(2)]), forwardKLLoss(q, data), { steps: 1500, rows: 128 });
    const logits = [row[0], row[1]];
    const w0 = 1 / (1 + Math.exp(logits[1] - logits[0]));
    const fitted = [0, 1].map((k) => ({ w: k === 0 ? w0 : 1 - w0, mu: [row[2 + 2 * k], row[3 + 2 * k]], sd: [Math.exp(row[6 + 2 * k]), Math.exp(row[7 + 2 * k])] }));
    for (const m of modes) {
      const c = fitted.reduce((best, f) => (Math.hypot(f.mu[0] - m.mu[0], f.mu[1] - m.mu[1]) < Math.hypot(best.mu[0] - m.mu[0], best.mu[1] - m.mu[1]) ? f : best));
      expect(Math.hypot(c.mu[0] - m.mu[0], c.mu[1] - m.mu[1])).toBeLessThan(0.1);
      expect(Math.abs(c.w - m.w)).toBeLessThan(0.05);
      c.sd.forEach((s, j) => expect(Math.abs(s - m.sd[j])).toBeLessThan(0.08));
    }
    expect(fitted[0].mu[0] * fitted[1].mu[0]).toBeLessThan(0); // one component per mode
  });
});
