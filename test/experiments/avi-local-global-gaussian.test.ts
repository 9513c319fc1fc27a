import { describe, expect, it } from "vitest";
import { DomainError, ShapeError } from "../../src/core/errors.js";
import { Rng } from "../../src/core/rng.js";
import { Tensor } from "../../src/core/tensor.js";
import { noGrad } from "../../src/autodiff/tape.js";
import { Dataset } from "../../src/infer/families/dataset.js";
import { linearModel, linearFviOptimum } from "../../src/experiments/avi/models/linear.js";
import { asEngineModel } from "../../src/index.js";
import { sawModel, sawEngineModel, sawDataset } from "../../src/experiments/avi/models/saw.js";
import {
  linearStudyGaussian,
  localGlobalFviOptimum,
  localGlobalNegElbo,
  sawStudyGaussian,
  type LocalGlobalGaussian,
  type MeanFieldGaussian,
} from "../../src/experiments/avi/local-global-gaussian.js";

const logNormal = (x: number, m: number, s: number) => -0.5 * Math.log(2 * Math.PI * s * s) - ((x - m) ** 2) / (2 * s * s);

/** Plain-JS log p(x, z | theta) of the model (flat prior on theta), the reference for the Monte Carlo estimate. */
function logJoint(m: LocalGlobalGaussian, z: ArrayLike<number>, theta: number): number {
  let s = 0;
  for (let n = 0; n < m.x.length; n++) {
    const mu = typeof m.priorMean === "number" ? m.priorMean : m.priorMean[n];
    s += logNormal(z[n], mu, m.priorStd) + logNormal(m.x[n], m.gainZ * z[n] + m.gainTheta * theta, m.noiseStd);
  }
  return s;
}

/** Monte Carlo -ELBO with M draws from q: mean and standard error of log q - log p. */
function monteCarloNegElbo(m: LocalGlobalGaussian, q: MeanFieldGaussian, M: number, seed: number): { mean: number; se: number } {
  const N = m.x.length;
  const eps = new Rng(seed).normal([M, N + 1], "persistent");
  const e = eps.toFloat64Array();
  eps.dispose();
  let sum = 0;
  let sq = 0;
  const z = new Float64Array(N);
  for (let k = 0; k < M; k++) {
    const theta = q.thetaMean + Math.sqrt(q.thetaVar) * e[k * (N + 1)];
    let logQ = logNormal(theta, q.thetaMean, Math.sqrt(q.thetaVar));
    for (let n = 0; n < N; n++) {
      z[n] = q.means[n] + Math.sqrt(q.variances[n]) * e[k * (N + 1) + n + 1];
      logQ += logNormal(z[n], q.means[n], Math.sqrt(q.variances[n]));
    }
    const v = logQ - logJoint(m, z, theta);
    sum += v;
    sq += v * v;
  }
  const mean = sum / M;
  return { mean, se: Math.sqrt((sq / M - mean * mean) / M) };
}

const x = [1.3, -0.4, 2.2, 0.1, -1.7, 0.9];
const q: MeanFieldGaussian = { thetaMean: 0.4, thetaVar: 1.5, means: [0.3, -0.8, 1.1, 0, -0.5, 0.2], variances: [0.5, 1.2, 0.3, 0.8, 2, 0.6] };

describe("localGlobalNegElbo", () => {
  it.each([
    ["avi-linear", linearStudyGaussian(x, 1.155, 2.43)],
    ["avi-saw", sawStudyGaussian(x, 0.75)],
  ])("%s: equals a Monte Carlo estimate with 200,000 draws from q (within 4 standard errors)", (_, model) => {
    const exact = localGlobalNegElbo(model, q);
    const mc = monteCarloNegElbo(model, q, 200_000, 5);
    expect(mc.se).toBeLessThan(0.02);
    expect(Math.abs(exact - mc.mean)).toBeLessThan(4 * mc.se);
  });

  it("its reference log joint is the models' logJoint (linearModel, sawModel)", () => {
    const z = [0.2, -1, 0.5, 1.5, -0.3, 0.8];
    const theta = 0.7;
    const values = { z: Tensor.from(z, [6, 1]), theta: Tensor.from([theta], [1, 1]) };
    const linear = noGrad(() => asEngineModel(linearModel({ tau: 1.155, s: 2.43 })).logJoint(values, new Dataset(x).full()).toFloat64Array());
    const saw = noGrad(() => sawEngineModel(sawModel({ a: 0.75 })).logJoint(values, sawDataset(x).full()).toFloat64Array());
    expect(linear.reduce((a, b) => a + b, 0)).toBeCloseTo(logJoint(linearStudyGaussian(x, 1.155, 2.43), z, theta), 10);
    expect(saw.reduce((a, b) => a + b, 0)).toBeCloseTo(logJoint(sawStudyGaussian(x, 0.75), z, theta), 10);
  });

  it("names a wrong length and a non-positive variance", () => {
    const model = linearStudyGaussian(x, 1, 1);
    expect(() => localGlobalNegElbo(model, { ...q, means: [1, 2] })).toThrow(ShapeError);
    expect(() => localGlobalNegElbo(model, { ...q, variances: [0.5, 1.2, 0, 0.8, 2, 0.6] })).toThrow(/q\.variances\[2\]: expected a finite variance > 0, received 0/);
    expect(() => localGlobalNegElbo({ ...model, noiseStd: -1 }, q)).toThrow(DomainError);
  });
});

describe("localGlobalFviOptimum", () => {
  it("avi-linear: equals linearFviOptimum (theta mean(x), variance s^2/N; means linear in x_n)", () => {
    const opt = localGlobalFviOptimum(linearStudyGaussian(x, 1.155, 2.43));
    const ref = linearFviOptimum(x, 1.155, 2.43);
    expect(opt.thetaMean).toBeCloseTo(ref.thetaMean, 12);
    expect(opt.thetaVar).toBeCloseTo(ref.thetaVar, 12);
    opt.means.forEach((m, n) => expect(m).toBeCloseTo(ref.means[n], 12));
    opt.variances.forEach((v) => expect(v).toBeCloseTo(ref.variance, 12));
  });

  it.each([
    ["avi-linear", linearStudyGaussian(x, 1.155, 2.43)],
    ["avi-saw", sawStudyGaussian(x, 0.75)],
  ])("%s: is a minimum of the exact -ELBO (every coordinate perturbed raises it)", (_, model) => {
    const opt = localGlobalFviOptimum(model);
    const best = localGlobalNegElbo(model, opt);
    for (const h of [-1e-3, 1e-3]) {
      expect(localGlobalNegElbo(model, { ...opt, thetaMean: opt.thetaMean + h })).toBeGreaterThan(best);
      expect(localGlobalNegElbo(model, { ...opt, thetaVar: opt.thetaVar * (1 + h) })).toBeGreaterThan(best);
      for (let n = 0; n < x.length; n++) {
        const means = Float64Array.from(opt.means);
        means[n] += h;
        const variances = Float64Array.from(opt.variances);
        variances[n] *= 1 + h;
        expect(localGlobalNegElbo(model, { ...opt, means })).toBeGreaterThan(best);
        expect(localGlobalNegElbo(model, { ...opt, variances })).toBeGreaterThan(best);
      }
    }
  });
});
