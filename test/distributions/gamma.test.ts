import { describe, it, expect } from "vitest";
import { Tensor, Rng, Gamma, kl, DomainError, ShapeError } from "../../src/index.js";
import { gradCheck } from "../helpers/gradcheck.js";
import { lgammaRef, digammaRef } from "../helpers/special-ref.js";
import { column, expectSampleMoments, quadratureEntropy, quadratureKL, quadratureMoments } from "../helpers/distribution-checks.js";

const pos = (v: number) => Math.abs(v) + 0.5;
const logPdf = (x: number, a: number, b: number) => a * Math.log(b) - lgammaRef(a) + (a - 1) * Math.log(x) - b * x;

describe("Gamma", () => {
  it("logProb matches the closed form, elementwise with broadcast parameters", () => {
    const d = new Gamma([0.5, 2, 7], 1.5);
    const xs = [0.2, 1.1, 6];
    const lp = d.logProb(Tensor.from([xs, xs]));
    expect(lp.shape).toEqual([2, 3]);
    lp.toArray().forEach((v, i) => expect(v).toBeCloseTo(logPdf(xs[i % 3], [0.5, 2, 7][i % 3], 1.5), 12));
  });
  it("density integrates to 1 with mean a/b and variance a/b^2 (Simpson on (0, 40])", () => {
    const [a, b] = [2.5, 1.5];
    const { mass, mean, variance } = quadratureMoments(new Gamma(a, b), 1e-12, 40, 40000);
    expect(Math.abs(mass - 1)).toBeLessThan(1e-7);
    expect(mean).toBeCloseTo(a / b, 6);
    expect(variance).toBeCloseTo(a / b ** 2, 6);
  });
  it.each([[0.4, 2], [1, 0.5], [3.5, 1], [40, 8]])("sample moments match a = %f, b = %f (n = 1e5, 4 standard errors)", (a, b) => {
    const x = new Gamma(a, b).sample(new Rng(21), [100000]).toArray();
    expect(Math.min(...x)).toBeGreaterThan(0);
    expectSampleMoments(x, a / b, a / b ** 2);
  });
  it("sample(rng, shape) broadcasts row parameters over [B, d] and is deterministic per seed", () => {
    const d = new Gamma([0.7, 5], [1, 10]);
    const x = d.sample(new Rng(3), [50000, 2]);
    expect(x.shape).toEqual([50000, 2]);
    expectSampleMoments(column(x.toArray(), 0, 2), 0.7, 0.7);
    expectSampleMoments(column(x.toArray(), 1, 2), 0.5, 0.05);
    expect(d.sample(new Rng(3), [4, 2]).toArray()).toEqual(d.sample(new Rng(3), [4, 2]).toArray());
    expect(() => d.sample(new Rng(3), [4, 3])).toThrow(ShapeError);
  });
  it("gradient of logProb w.r.t. value, concentration and rate matches finite differences", () => {
    const f = (x: Tensor, a: Tensor, b: Tensor) => new Gamma(a, b).logProb(x);
    expect(gradCheck(f, [{ shape: [3, 4], transform: pos }, { shape: [4], transform: pos }, { shape: [1], transform: pos }])).toBeLessThan(1e-6);
    expect(gradCheck(f, [{ shape: [2, 3], transform: pos }, { shape: [2, 3], transform: pos }, { shape: [2, 3], transform: pos }])).toBeLessThan(1e-6);
  });
  it("entropy a - log b + lgamma(a) + (1 - a) digamma(a) matches quadrature; its gradient matches finite differences", () => {
    const [a, b] = [3.2, 0.8];
    const want = a - Math.log(b) + lgammaRef(a) + (1 - a) * digammaRef(a);
    const h = new Gamma(a, b).entropy().item();
    expect(h).toBeCloseTo(want, 12);
    expect(h).toBeCloseTo(quadratureEntropy(new Gamma(a, b), 1e-12, 60, 40000), 6);
    expect(new Gamma([1, 2], 3).entropy().shape).toEqual([2]);
    expect(gradCheck((p, q) => new Gamma(p, q).entropy(), [{ shape: [3], transform: pos }, { shape: [1], transform: pos }])).toBeLessThan(1e-6);
  });
  it("KL matches quadrature and is differentiable in all four parameters", () => {
    const p = new Gamma(2.5, 1.2), q = new Gamma(1.7, 0.6);
    expect(kl(p, q).item()).toBeCloseTo(quadratureKL(p, q, 1e-12, 60, 40000), 6);
    expect(kl(p, p).item()).toBeCloseTo(0, 14);
    const f = (a1: Tensor, b1: Tensor, a2: Tensor, b2: Tensor) => kl(new Gamma(a1, b1), new Gamma(a2, b2));
    const specs = [[2, 3], [3], [1], [2, 3]].map((shape) => ({ shape, transform: pos }));
    expect(gradCheck(f, specs)).toBeLessThan(1e-6);
  });
  it("rejects non-positive parameters, values outside (0, inf) and shapes that do not broadcast, naming the argument", () => {
    expect(() => new Gamma(0, 1)).toThrow(DomainError);
    expect(() => new Gamma(1, [1, -2])).toThrow(/^rate: expected finite values > 0, received -2 at index 1/);
    expect(() => new Gamma(Tensor.from([1, 1]).set([1, NaN]), 1)).toThrow(/^concentration/);
    expect(() => new Gamma([1, 2, 3], [1, 2])).toThrow(ShapeError);
    expect(() => new Gamma(2, 1).logProb(Tensor.from([1, -0.5]))).toThrow(/^value: expected values > 0, received -0.5 at index 1/);
  });
});
