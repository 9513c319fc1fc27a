import { describe, it, expect } from "vitest";
import { Tensor, Rng, MixtureOfNormals, DomainError, ShapeError } from "../../src/index.js";
import { gradCheck } from "../helpers/gradcheck.js";
import { grid, meanAndStdErr, simpson } from "../helpers/quadrature.js";

const pdf = (x: number, m: number, s: number) => Math.exp(-0.5 * ((x - m) / s) ** 2) / (s * Math.sqrt(2 * Math.PI));

describe("MixtureOfNormals", () => {
  const w = [0.2, 0.5, 0.3], m = [-2, 0.5, 3], s = [0.5, 1, 0.8];
  const d = new MixtureOfNormals(w, m, s);
  it("logProb matches log sum_k w_k N(x; m_k, s_k)", () => {
    const xs = [-3, -1, 0, 2.5, 10];
    d.logProb(Tensor.from(xs)).toArray().forEach((v, i) => {
      expect(v).toBeCloseTo(Math.log(w.reduce((acc, wk, k) => acc + wk * pdf(xs[i], m[k], s[k]), 0)), 10);
    });
  });
  it("density integrates to 1 (Simpson over [-15, 15], within 1e-6)", () => {
    const xs = grid(-15, 15);
    const p = d.logProb(Tensor.from(xs)).toArray().map(Math.exp);
    expect(Math.abs(simpson(p, -15, 15) - 1)).toBeLessThan(1e-6);
  });
  it("sample mean and variance match the mixture moments (n = 1e5, 4 standard errors)", () => {
    const n = 100000;
    const mu = w.reduce((a, wk, k) => a + wk * m[k], 0);
    const v = w.reduce((a, wk, k) => a + wk * (s[k] ** 2 + m[k] ** 2), 0) - mu * mu;
    const x = d.sample(new Rng(51), [n]).toArray();
    const { mean, se, variance } = meanAndStdErr(x);
    expect(Math.abs(mean - mu)).toBeLessThan(4 * se);
    const m4 = x.reduce((a, xi) => a + (xi - mean) ** 4, 0) / n;
    expect(Math.abs(variance - v)).toBeLessThan(4 * Math.sqrt((m4 - variance ** 2) / n));
  });
  it("per-row parameters: samples follow each row's mixture", () => {
    const dm = MixtureOfNormals.fromLogParams(Tensor.from([0, 0]), Tensor.from([[-100, -100], [100, 100]]), Tensor.from([-5, -5]));
    const x = dm.sample(new Rng(3)).toArray();
    expect(x[0]).toBeCloseTo(-100, 1);
    expect(x[1]).toBeCloseTo(100, 1);
  });
  it("gradient of logProb w.r.t. x and all parameters matches finite differences", () => {
    const f = (x: Tensor, lw: Tensor, mu: Tensor, ls: Tensor) => MixtureOfNormals.fromLogParams(lw, mu, ls).logProb(x);
    expect(gradCheck(f, [{ shape: [5] }, { shape: [3] }, { shape: [3] }, { shape: [3] }])).toBeLessThan(1e-6);
  });
  it("rejects weights not summing to 1, K = 0, non-positive scales and length mismatches, naming the argument", () => {
    expect(() => new MixtureOfNormals([0.5, 0.6], [0, 1], [1, 1])).toThrow(/weights: expected values summing to 1/);
    expect(() => new MixtureOfNormals([], [], [])).toThrow(DomainError);
    expect(() => new MixtureOfNormals([], [], [])).toThrow(/K >= 1/);
    expect(() => new MixtureOfNormals([0.5, 0.5], [0, 1], [1, 0])).toThrow(/^stds/);
    expect(() => new MixtureOfNormals([0.5, 0.5], [0, 1], [1, -1])).toThrow(DomainError);
    expect(() => new MixtureOfNormals([0.5, 0.5], [0], [1, 1])).toThrow(ShapeError);
    expect(() => MixtureOfNormals.fromLogParams(Tensor.zeros([2]), Tensor.zeros([3]), Tensor.zeros([2]))).toThrow(/means/);
  });
  it("sample(rng, shape) draws the full shape [B, 1]; logProb keeps the value's shape", () => {
    const x = d.sample(new Rng(51), [7, 1]);
    expect(x.shape).toEqual([7, 1]);
    expect(x.toArray()).toEqual(d.sample(new Rng(51), [7]).toArray());
    const lp = d.logProb(x);
    expect(lp.shape).toEqual([7, 1]);
    expect(lp.toArray()).toEqual(d.logProb(x.reshape([7])).toArray());
    const rows = MixtureOfNormals.fromLogParams(Tensor.zeros([2, 2]), Tensor.zeros([2, 2]), Tensor.zeros([2]));
    expect(() => rows.sample(new Rng(1), [3, 1])).toThrow(/^shape/);
  });
});
