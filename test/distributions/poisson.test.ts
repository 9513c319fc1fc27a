import { describe, it, expect } from "vitest";
import { Tensor, Rng, Poisson, kl, DomainError, ShapeError } from "../../src/index.js";
import { gradCheck } from "../helpers/gradcheck.js";
import { lgammaRef } from "../helpers/special-ref.js";
import { column, expectSampleMoments } from "../helpers/distribution-checks.js";

const pos = (v: number) => Math.abs(v) + 0.5;
const counts = (n: number) => Array.from({ length: n }, (_, k) => k);

describe("Poisson", () => {
  it("logProb matches x log r - r - log x!", () => {
    const xs = [0, 1, 3, 17];
    new Poisson(4.5).logProb(Tensor.from(xs)).toArray().forEach((v, i) => expect(v).toBeCloseTo(xs[i] * Math.log(4.5) - 4.5 - lgammaRef(xs[i] + 1), 12));
  });
  it.each([0.3, 7, 60])("probabilities sum to 1 over 0..400 with mean = variance = rate (rate %f)", (r) => {
    const ks = counts(401);
    const p = new Poisson(r).logProb(Tensor.from(ks)).toArray().map(Math.exp);
    const mass = p.reduce((a, b) => a + b, 0);
    const mean = p.reduce((a, pk, k) => a + pk * k, 0);
    const second = p.reduce((a, pk, k) => a + pk * k * k, 0);
    expect(mass).toBeCloseTo(1, 12);
    expect(mean).toBeCloseTo(r, 10);
    expect(second - mean * mean).toBeCloseTo(r, 9);
  });
  it.each([0.5, 4, 9.99, 10, 33, 1000])("sample moments match rate %f (inversion below 10, PTRS above; n = 1e5)", (r) => {
    const x = new Poisson(r).sample(new Rng(24), [100000]).toArray();
    expect(x.every((v) => Number.isInteger(v) && v >= 0)).toBe(true);
    expectSampleMoments(x, r, r);
  });
  it("sample frequencies match the probabilities (chi-square over 0..12, rate 3, n = 1e5)", () => {
    const n = 100000;
    const x = new Poisson(3).sample(new Rng(5), [n]).toArray();
    const p = new Poisson(3).logProb(Tensor.from(counts(13))).toArray().map(Math.exp);
    const observed = counts(13).map((k) => x.filter((v) => v === k).length);
    const chi2 = observed.reduce((acc, o, k) => acc + (o - n * p[k]) ** 2 / (n * p[k]), 0);
    expect(chi2).toBeLessThan(12 + 5 * Math.sqrt(24));
  });
  it("sample(rng, shape) broadcasts a row of rates over [B, d]", () => {
    const x = new Poisson([2, 50]).sample(new Rng(6), [50000, 2]);
    expect(x.shape).toEqual([50000, 2]);
    expectSampleMoments(column(x.toArray(), 0, 2), 2, 2);
    expectSampleMoments(column(x.toArray(), 1, 2), 50, 50);
    expect(() => new Poisson([2, 50]).sample(new Rng(6), [3])).toThrow(ShapeError);
  });
  it("gradient of logProb w.r.t. the rate matches finite differences (counts are constants)", () => {
    const x = Tensor.from([0, 2, 5, 1, 9, 3], [2, 3], "persistent");
    expect(gradCheck((r) => new Poisson(r).logProb(x), [{ shape: [3], transform: pos }])).toBeLessThan(1e-6);
    expect(gradCheck((r) => new Poisson(r).logProb(x), [{ shape: [2, 3], transform: pos }])).toBeLessThan(1e-6);
  });
  it("KL r1 log(r1/r2) - r1 + r2 matches the series and is differentiable", () => {
    const lp = new Poisson(3.5).logProb(Tensor.from(counts(200))).toArray();
    const lq = new Poisson(6).logProb(Tensor.from(counts(200))).toArray();
    const want = lp.reduce((s, v, k) => s + Math.exp(v) * (v - lq[k]), 0);
    expect(kl(new Poisson(3.5), new Poisson(6)).item()).toBeCloseTo(want, 12);
    expect(gradCheck((a, b) => kl(new Poisson(a), new Poisson(b)), [{ shape: [2, 3], transform: pos }, { shape: [3], transform: pos }])).toBeLessThan(1e-6);
  });
  it("rejects non-positive rates and non-count values, naming the argument", () => {
    expect(() => new Poisson(0)).toThrow(DomainError);
    expect(() => new Poisson([1, -1])).toThrow(/^rate/);
    expect(() => new Poisson(2).logProb(Tensor.from([1, 2.5]))).toThrow(/^value: expected integers >= 0, received 2.5 at index 1/);
    expect(() => new Poisson(2).logProb(Tensor.from([-1]))).toThrow(DomainError);
  });
});
