import { describe, it, expect } from "vitest";
import { Tensor, Rng, LogNormal, kl, DomainError } from "../../src/index.js";
import { gradCheck } from "../helpers/gradcheck.js";
import { column, expectSampleMoments, quadratureEntropy, quadratureKL, quadratureMoments } from "../helpers/distribution-checks.js";

const pos = (v: number) => Math.abs(v) + 0.5;
const logPdf = (x: number, m: number, s: number) => -0.5 * ((Math.log(x) - m) / s) ** 2 - Math.log(s * x) - 0.5 * Math.log(2 * Math.PI);
const moments = (m: number, s: number) => [Math.exp(m + s * s / 2), (Math.exp(s * s) - 1) * Math.exp(2 * m + s * s)];

describe("LogNormal", () => {
  it("logProb matches log N(log x; m, s^2) - log x", () => {
    const xs = [0.05, 1, 2.7, 30];
    new LogNormal(0.4, 0.9).logProb(Tensor.from(xs)).toArray().forEach((v, i) => expect(v).toBeCloseTo(logPdf(xs[i], 0.4, 0.9), 12));
  });
  it("density integrates to 1 with the closed-form mean and variance (Simpson on (0, 200])", () => {
    const [m, s] = [0.2, 0.5];
    const { mass, mean, variance } = quadratureMoments(new LogNormal(m, s), 1e-9, 200, 40000);
    const [mu, v] = moments(m, s);
    expect(Math.abs(mass - 1)).toBeLessThan(1e-8);
    expect(mean).toBeCloseTo(mu, 8);
    expect(variance).toBeCloseTo(v, 7);
  });
  it("sample moments match and parameters broadcast over [B, d] (n = 1e5)", () => {
    const x = new LogNormal([0, 1], [0.25, 0.1]).sample(new Rng(28), [100000, 2]).toArray();
    [[0, 0.25], [1, 0.1]].forEach(([m, s], j) => {
      const [mu, v] = moments(m, s);
      expectSampleMoments(column(x, j, 2), mu, v);
    });
  });
  it("rsample exp(m + s eps) is pathwise in loc and logScale / scale (fixed eps)", () => {
    expect(gradCheck((m, ls) => LogNormal.fromLogScale(m, ls).rsample(new Rng(11), [3, 2]), [{ shape: [2] }, { shape: [1] }])).toBeLessThan(1e-6);
    expect(gradCheck((m, s) => new LogNormal(m, s).rsample(new Rng(11)), [{ shape: [2, 3] }, { shape: [3], transform: pos }])).toBeLessThan(1e-6);
  });
  it("gradient of logProb w.r.t. value, loc and scale matches finite differences", () => {
    const f = (x: Tensor, m: Tensor, s: Tensor) => new LogNormal(m, s).logProb(x);
    expect(gradCheck(f, [{ shape: [3, 4], transform: pos }, { shape: [4] }, { shape: [1], transform: pos }])).toBeLessThan(1e-6);
  });
  it("entropy m + 1/2 + log s + log(2 pi)/2 and KL match quadrature; both are differentiable", () => {
    const p = new LogNormal(0.3, 0.6), q = new LogNormal(-0.2, 0.9);
    expect(p.entropy().item()).toBeCloseTo(0.3 + 0.5 + Math.log(0.6) + 0.5 * Math.log(2 * Math.PI), 13);
    expect(p.entropy().item()).toBeCloseTo(quadratureEntropy(p, 1e-9, 200, 80000), 6);
    expect(kl(p, q).item()).toBeCloseTo(quadratureKL(p, q, 1e-9, 200, 80000), 6);
    expect(gradCheck((m, s) => new LogNormal(m, s).entropy(), [{ shape: [2, 3] }, { shape: [3], transform: pos }])).toBeLessThan(1e-6);
    const f = (m1: Tensor, l1: Tensor, m2: Tensor, l2: Tensor) => kl(LogNormal.fromLogScale(m1, l1), LogNormal.fromLogScale(m2, l2));
    expect(gradCheck(f, [{ shape: [3] }, { shape: [3] }, { shape: [1] }, { shape: [3] }])).toBeLessThan(1e-6);
  });
  it("rejects a non-positive scale and non-positive values, naming the argument", () => {
    expect(() => new LogNormal(0, -1)).toThrow(/^std/);
    expect(() => new LogNormal(0, 1).logProb(Tensor.from([1, 0]))).toThrow(DomainError);
    expect(() => new LogNormal(0, 1).logProb(Tensor.from([1, -2]))).toThrow(/^value: expected values > 0, received -2 at index 1/);
  });
});
