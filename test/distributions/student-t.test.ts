import { describe, it, expect } from "vitest";
import { Tensor, Rng, StudentT, DomainError, ShapeError } from "../../src/index.js";
import { gradCheck } from "../helpers/gradcheck.js";
import { digammaRef, lgammaRef } from "../helpers/special-ref.js";
import { column, expectSampleMoments, quadratureEntropy, quadratureMoments } from "../helpers/distribution-checks.js";

const pos = (v: number) => Math.abs(v) + 0.5;
const logPdf = (x: number, nu: number, m: number, s: number) =>
  lgammaRef((nu + 1) / 2) - lgammaRef(nu / 2) - 0.5 * Math.log(nu * Math.PI) - Math.log(s) - ((nu + 1) / 2) * Math.log1p(((x - m) / s) ** 2 / nu);

describe("StudentT", () => {
  it("logProb matches the closed form; df = 1 is the Cauchy", () => {
    const xs = [-3, 0, 0.4, 25];
    new StudentT(4.5, 0.5, 2).logProb(Tensor.from(xs)).toArray().forEach((v, i) => expect(v).toBeCloseTo(logPdf(xs[i], 4.5, 0.5, 2), 12));
    new StudentT(1).logProb(Tensor.from(xs)).toArray().forEach((v, i) => expect(v).toBeCloseTo(-Math.log(Math.PI * (1 + xs[i] ** 2)), 12));
  });
  it("density integrates to 1 with mean loc and variance s^2 nu / (nu - 2) (Simpson on loc +- 1000)", () => {
    const { mass, mean, variance } = quadratureMoments(new StudentT(7, 1, 1.5), -999, 1001, 200000);
    expect(Math.abs(mass - 1)).toBeLessThan(1e-7);
    expect(mean).toBeCloseTo(1, 7);
    expect(variance).toBeCloseTo((1.5 ** 2 * 7) / 5, 5);
  });
  it.each([[10, 0, 1], [30, -2, 0.5]])("sample moments match df %f, loc %f, scale %f (n = 1e5)", (nu, m, s) => {
    expectSampleMoments(new StudentT(nu, m, s).sample(new Rng(27), [100000]).toArray(), m, (s * s * nu) / (nu - 2));
  });
  it("samples with df = 1 (no moments) have P(|x| < 1) = 1/2 and a row of df broadcasts over [B, d]", () => {
    const n = 100000;
    const x = new StudentT([1, 12]).sample(new Rng(9), [n, 2]).toArray();
    const inside = column(x, 0, 2).filter((v) => Math.abs(v) < 1).length / n;
    expect(Math.abs(inside - 0.5)).toBeLessThan(4 * Math.sqrt(0.25 / n));
    expectSampleMoments(column(x, 1, 2), 0, 12 / 10);
    expect(() => new StudentT([1, 12]).sample(new Rng(9), [3])).toThrow(ShapeError);
  });
  it("rsample is pathwise in loc and scale (fixed noise); a df that needs a gradient makes rsample throw", () => {
    const f = (m: Tensor, s: Tensor) => new StudentT(4, m, s).rsample(new Rng(10), [3, 2]);
    expect(gradCheck(f, [{ shape: [2] }, { shape: [1], transform: pos }])).toBeLessThan(1e-6);
    const df = Tensor.from([3]);
    df.requiresGrad = true;
    const d = new StudentT(df);
    expect(d.reparameterized).toBe(false);
    expect(new StudentT(3).reparameterized).toBe(true);
    expect(() => d.rsample(new Rng(1))).toThrow(DomainError);
    expect(() => d.rsample(new Rng(1))).toThrow(/^df/);
    expect(d.sample(new Rng(1), [2]).shape).toEqual([2]);
  });
  it("gradient of logProb w.r.t. value, df, loc and scale matches finite differences", () => {
    const f = (x: Tensor, nu: Tensor, m: Tensor, s: Tensor) => new StudentT(nu, m, s).logProb(x);
    expect(gradCheck(f, [{ shape: [3, 4] }, { shape: [4], transform: pos }, { shape: [1] }, { shape: [3, 4], transform: pos }])).toBeLessThan(1e-6);
  });
  it("entropy matches the closed form and quadrature; gradient in df and scale", () => {
    const [nu, s] = [3, 0.7];
    const want = ((nu + 1) / 2) * (digammaRef((nu + 1) / 2) - digammaRef(nu / 2)) + 0.5 * Math.log(nu) + lgammaRef(nu / 2) + 0.5 * Math.log(Math.PI) - lgammaRef((nu + 1) / 2) + Math.log(s);
    const d = new StudentT(nu, 2, s);
    expect(d.entropy().item()).toBeCloseTo(want, 12);
    expect(d.entropy().item()).toBeCloseTo(quadratureEntropy(d, 2 - 3000, 2 + 3000, 300000), 5);
    expect(gradCheck((a, m, b) => new StudentT(a, m, b).entropy(), [{ shape: [3], transform: pos }, { shape: [2, 3] }, { shape: [1], transform: pos }])).toBeLessThan(1e-6);
  });
  it("rejects non-positive df or scale and parameters that do not broadcast", () => {
    expect(() => new StudentT(0)).toThrow(/^df/);
    expect(() => new StudentT(2, 0, -1)).toThrow(/^scale: expected finite values > 0/);
    expect(() => new StudentT([1, 2], [0, 0, 0])).toThrow(ShapeError);
  });
});
