import { describe, it, expect } from "vitest";
import { Tensor, Rng, Laplace, kl, DomainError, ShapeError } from "../../src/index.js";
import { gradCheck } from "../helpers/gradcheck.js";
import { column, expectSampleMoments, quadratureEntropy, quadratureKL, quadratureMoments } from "../helpers/distribution-checks.js";

const pos = (v: number) => Math.abs(v) + 0.5;

describe("Laplace", () => {
  it("logProb matches -log(2b) - |x - m| / b", () => {
    const xs = [-4, 0.3, 1, 6];
    new Laplace(1, 0.7).logProb(Tensor.from(xs)).toArray().forEach((v, i) => expect(v).toBeCloseTo(-Math.log(1.4) - Math.abs(xs[i] - 1) / 0.7, 13));
  });
  it("density integrates to 1 with mean m and variance 2 b^2 (Simpson on m +- 40 b, kink on a grid point)", () => {
    const [m, b] = [-0.5, 1.3];
    const { mass, mean, variance } = quadratureMoments(new Laplace(m, b), m - 40 * b, m + 40 * b);
    expect(Math.abs(mass - 1)).toBeLessThan(1e-7);
    expect(mean).toBeCloseTo(m, 8);
    expect(variance).toBeCloseTo(2 * b * b, 5);
  });
  it("sample moments match and a row of parameters broadcasts over [B, d] (n = 1e5)", () => {
    const x = new Laplace([0, 5], [1, 0.2]).sample(new Rng(25), [100000, 2]);
    expect(x.shape).toEqual([100000, 2]);
    expectSampleMoments(column(x.toArray(), 0, 2), 0, 2);
    expectSampleMoments(column(x.toArray(), 1, 2), 5, 0.08);
    expect(() => new Laplace([0, 5], 1).sample(new Rng(1), [2, 3])).toThrow(ShapeError);
  });
  it("rsample is pathwise: gradient w.r.t. loc and scale with fixed noise matches finite differences", () => {
    expect(gradCheck((m, b) => new Laplace(m, b).rsample(new Rng(7), [4, 3]), [{ shape: [3] }, { shape: [1], transform: pos }])).toBeLessThan(1e-6);
    expect(gradCheck((m, b) => new Laplace(m, b).rsample(new Rng(7)), [{ shape: [2, 3] }, { shape: [2, 3], transform: pos }])).toBeLessThan(1e-6);
  });
  it("gradient of logProb w.r.t. value, loc and scale matches finite differences", () => {
    const f = (x: Tensor, m: Tensor, b: Tensor) => new Laplace(m, b).logProb(x);
    expect(gradCheck(f, [{ shape: [3, 4], transform: (v) => v + 5 }, { shape: [4] }, { shape: [3, 4], transform: pos }])).toBeLessThan(1e-6);
  });
  it("entropy 1 + log(2b) and KL match quadrature; both are differentiable", () => {
    const p = new Laplace(0.3, 0.8), q = new Laplace(-1, 1.7);
    expect(p.entropy().item()).toBeCloseTo(1 + Math.log(1.6), 13);
    expect(p.entropy().item()).toBeCloseTo(quadratureEntropy(p, 0.3 - 40 * 0.8, 0.3 + 40 * 0.8), 6);
    // the two kinks (0.3 and -1) both on grid points of [-40, 40.3] with h = 80.3 / 24090
    expect(kl(p, q).item()).toBeCloseTo(quadratureKL(p, q, -40, 40.3, 24090), 6);
    expect(new Laplace([1, 2], 1).entropy().shape).toEqual([2]);
    expect(gradCheck((m, b) => new Laplace(m, b).entropy(), [{ shape: [3] }, { shape: [1], transform: pos }])).toBeLessThan(1e-6);
    const f = (m1: Tensor, b1: Tensor, m2: Tensor, b2: Tensor) => kl(new Laplace(m1, b1), new Laplace(m2, b2));
    expect(gradCheck(f, [{ shape: [2, 3], transform: (v) => v + 3 }, { shape: [3], transform: pos }, { shape: [1] }, { shape: [2, 3], transform: pos }])).toBeLessThan(1e-6);
  });
  it("rejects a non-positive scale and a non-finite value, naming the argument", () => {
    expect(() => new Laplace(0, 0)).toThrow(/^scale/);
    expect(() => new Laplace(0, [1, -1])).toThrow(DomainError);
    expect(() => new Laplace(0, 1).logProb(Tensor.zeros([2]).set([0, Infinity]))).toThrow(/^value/);
  });
});
