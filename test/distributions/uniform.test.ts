import { describe, it, expect } from "vitest";
import { Tensor, Rng, Uniform, kl, DomainError, ShapeError } from "../../src/index.js";
import { gradCheck } from "../helpers/gradcheck.js";
import { column, expectSampleMoments, quadratureEntropy, quadratureKL, quadratureMoments } from "../helpers/distribution-checks.js";

describe("Uniform", () => {
  it("logProb is -log(high - low) on [low, high], bounds included", () => {
    const lp = new Uniform(-1, 3).logProb(Tensor.from([-1, 0, 2.9, 3])).toArray();
    lp.forEach((v) => expect(v).toBeCloseTo(-Math.log(4), 14));
  });
  it("density integrates to 1 with mean (l + h)/2 and variance (h - l)^2/12", () => {
    const { mass, mean, variance } = quadratureMoments(new Uniform(-1, 3), -1, 3, 200);
    expect(mass).toBeCloseTo(1, 12);
    expect(mean).toBeCloseTo(1, 12);
    expect(variance).toBeCloseTo(16 / 12, 12);
  });
  it("sample moments match and rows of bounds broadcast over [B, d] (n = 1e5)", () => {
    const x = new Uniform([0, -5], [1, 5]).sample(new Rng(26), [100000, 2]).toArray();
    expectSampleMoments(column(x, 0, 2), 0.5, 1 / 12);
    expectSampleMoments(column(x, 1, 2), 0, 100 / 12);
    expect(Math.min(...column(x, 0, 2))).toBeGreaterThanOrEqual(0);
    expect(Math.max(...column(x, 1, 2))).toBeLessThan(5);
  });
  it("rsample low + (high - low) u is pathwise in both bounds (fixed u)", () => {
    expect(gradCheck((l, h) => new Uniform(l, h).rsample(new Rng(8), [3, 4]), [{ shape: [4], transform: (v) => v - 5 }, { shape: [1], transform: (v) => v + 5 }])).toBeLessThan(1e-6);
  });
  it("gradient of logProb w.r.t. the bounds (and 0 w.r.t. the value) matches finite differences", () => {
    const f = (x: Tensor, l: Tensor, h: Tensor) => new Uniform(l, h).logProb(x);
    expect(gradCheck(f, [{ shape: [3, 4], transform: Math.tanh }, { shape: [4], transform: (v) => -Math.abs(v) - 1 }, { shape: [3, 4], transform: (v) => Math.abs(v) + 1 }])).toBeLessThan(1e-6);
  });
  it("entropy log(h - l) and KL log((h2 - l2)/(h1 - l1)) match quadrature; KL is differentiable", () => {
    const p = new Uniform(0.5, 2), q = new Uniform(-1, 3);
    expect(p.entropy().item()).toBeCloseTo(quadratureEntropy(p, 0.5, 2, 200), 12);
    expect(kl(p, q).item()).toBeCloseTo(quadratureKL(p, q, 0.5, 2, 200), 12);
    const f = (l1: Tensor, h1: Tensor, l2: Tensor, h2: Tensor) => kl(new Uniform(l1, h1), new Uniform(l2, h2));
    const tanh = Math.tanh;
    expect(gradCheck(f, [{ shape: [3], transform: (v) => tanh(v) - 1.5 }, { shape: [3], transform: (v) => tanh(v) + 1.5 }, { shape: [1], transform: (v) => -Math.abs(v) - 3 }, { shape: [3], transform: (v) => Math.abs(v) + 3 }])).toBeLessThan(1e-6);
    expect(() => kl(q, p)).toThrow(/^q: expected a Uniform whose \[low, high\] contains p's/);
  });
  it("support is the interval for scalar bounds and the hull for per-element bounds", () => {
    expect(new Uniform(-1, 3).support).toEqual({ kind: "interval", low: -1, high: 3 });
    expect(new Uniform([0, -2], [1, 0.5]).support).toEqual({ kind: "interval", low: -2, high: 1 });
  });
  it("rejects low >= high, values outside [low, high] and bounds that do not broadcast", () => {
    expect(() => new Uniform(1, 1)).toThrow(DomainError);
    expect(() => new Uniform([0, 2], [1, 1])).toThrow(/^high: expected values > low, received a difference of -1 at index 1/);
    expect(() => new Uniform([0, 1, 2], [3, 4])).toThrow(ShapeError);
    expect(() => new Uniform(0, 1).logProb(Tensor.from([0.5, 1.5]))).toThrow(/^value: expected values in \[low, high\], received 1.5 at index 1/);
  });
});
