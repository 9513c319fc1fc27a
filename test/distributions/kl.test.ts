import { describe, it, expect } from "vitest";
import { Tensor, Normal, Categorical, Bernoulli, kl, DomainError } from "../../src/index.js";
import { gradCheck } from "../helpers/gradcheck.js";
import { grid, simpson } from "../helpers/quadrature.js";

describe("kl", () => {
  it("Normal-Normal matches integral q log(q/p) by quadrature", () => {
    const q = new Normal(0.4, 0.6), p = new Normal(-0.3, 1.4);
    const xs = grid(0.4 - 12 * 0.6, 0.4 + 12 * 0.6);
    const lq = q.logProb(Tensor.from(xs)).toArray();
    const lp = p.logProb(Tensor.from(xs)).toArray();
    const want = simpson(lq.map((v, i) => Math.exp(v) * (v - lp[i])), xs[0], xs[xs.length - 1]);
    expect(kl(q, p).item()).toBeCloseTo(want, 8);
    expect(kl(q, q).item()).toBe(0);
  });
  it("Normal-Normal is elementwise and differentiable in all parameters", () => {
    expect(kl(new Normal([0, 1], [1, 2]), new Normal(0, 1)).shape).toEqual([2]);
    const f = (mq: Tensor, lq: Tensor, mp: Tensor, lp: Tensor) => kl(Normal.fromLogStd(mq, lq), Normal.fromLogStd(mp, lp));
    expect(gradCheck(f, [{ shape: [2, 3] }, { shape: [2, 3] }, { shape: [3] }, { shape: [1] }])).toBeLessThan(1e-6);
  });
  it("Categorical-Categorical matches sum p log(p/q)", () => {
    const a = [0.5, -0.2, 1.3], b = [0, 0, 0];
    const lp = [0, 1, 2].map((k) => new Categorical(a).logProb([k]).item());
    const want = lp.reduce((s, v) => s + Math.exp(v) * (v - Math.log(1 / 3)), 0);
    expect(kl(new Categorical(a), new Categorical(b)).item()).toBeCloseTo(want, 12);
  });
  it("Bernoulli-Bernoulli matches p log(p/q) + (1-p) log((1-p)/(1-q)) summed over the event", () => {
    const sig = (l: number) => 1 / (1 + Math.exp(-l));
    const a = [0.3, -2, 4], b = [1, 0.5, -1];
    const want = a.reduce((s, l, i) => {
      const p = sig(l), q = sig(b[i]);
      return s + p * Math.log(p / q) + (1 - p) * Math.log((1 - p) / (1 - q));
    }, 0);
    expect(kl(new Bernoulli([a]), new Bernoulli([b])).item()).toBeCloseTo(want, 12);
    expect(kl(new Bernoulli([a]), new Bernoulli([a])).item()).toBeCloseTo(0, 14);
    const f = (lp: Tensor, lq: Tensor) => kl(new Bernoulli(lp), new Bernoulli(lq));
    expect(gradCheck(f, [{ shape: [3, 5] }, { shape: [3, 5] }])).toBeLessThan(1e-6);
    expect(gradCheck(f, [{ shape: [3, 5] }, { shape: [5] }])).toBeLessThan(1e-6);
    expect(gradCheck(f, [{ shape: [1, 1] }, { shape: [1] }])).toBeLessThan(1e-6);
  });
  it("pairs without a closed form throw a DomainError naming q", () => {
    expect(() => kl(new Bernoulli([0]), new Normal(0, 1))).toThrow(DomainError);
    expect(() => kl(new Normal(0, 1), new Categorical([0, 1]))).toThrow(/^q/);
  });
});
