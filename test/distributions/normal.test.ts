import { describe, it, expect } from "vitest";
import { Tensor, Rng, Normal, DomainError, ShapeError, valueAndGrad, sum } from "../../src/index.js";
import { startRecording, stopRecording, clearTape } from "../../src/low-level.js";
import { gradCheck } from "../helpers/gradcheck.js";
import { grid, meanAndStdErr, simpson } from "../helpers/quadrature.js";

const logPdf = (x: number, m: number, s: number) => -0.5 * ((x - m) / s) ** 2 - Math.log(s) - 0.5 * Math.log(2 * Math.PI);

describe("Normal", () => {
  it("logProb matches the closed form elementwise (scalar and tensor parameters)", () => {
    const d = new Normal(1.5, 0.7);
    const xs = [-1, 0, 1.5, 4];
    d.logProb(Tensor.from(xs)).toArray().forEach((v, i) => expect(v).toBeCloseTo(logPdf(xs[i], 1.5, 0.7), 12));
    const t = new Normal([0, 1], [1, 2]);
    const out = t.logProb(Tensor.from([0.5, 0.5, -1, 3], [2, 2]));
    expect(out.shape).toEqual([2, 2]);
    expect(out.toArray()[3]).toBeCloseTo(logPdf(3, 1, 2), 12);
  });
  it("density integrates to 1 (Simpson over +-12 std, within 1e-6)", () => {
    const [m, s] = [-0.8, 1.7];
    const xs = grid(m - 12 * s, m + 12 * s);
    const p = new Normal(m, s).logProb(Tensor.from(xs)).toArray().map(Math.exp);
    expect(Math.abs(simpson(p, xs[0], xs[xs.length - 1]) - 1)).toBeLessThan(1e-6);
  });
  it("entropy matches -integral p log p", () => {
    const [m, s] = [0.3, 0.45];
    const xs = grid(m - 12 * s, m + 12 * s);
    const lp = new Normal(m, s).logProb(Tensor.from(xs)).toArray();
    const h = simpson(lp.map((v) => -Math.exp(v) * v), xs[0], xs[xs.length - 1]);
    expect(new Normal(m, s).entropy().item()).toBeCloseTo(h, 8);
  });
  it("sample moments match (n = 1e5, within 4 standard errors)", () => {
    const [m, s] = [2, 3];
    const n = 100000;
    const x = new Normal(m, s).sample(new Rng(17), [n]).toArray();
    const { mean, variance } = meanAndStdErr(x);
    expect(Math.abs(mean - m)).toBeLessThan((4 * s) / Math.sqrt(n));
    expect(Math.abs(variance - s * s)).toBeLessThan(4 * s * s * Math.sqrt(2 / n));
  });
  it("rsample is reparameterized: gradient w.r.t. mean and logStd matches finite differences", () => {
    expect(gradCheck((m, ls) => Normal.fromLogStd(m, ls).rsample(new Rng(4)), [{ shape: [3, 2] }, { shape: [2] }])).toBeLessThan(1e-6);
    expect(gradCheck((m, ls) => Normal.fromLogStd(m, ls).logProb(Tensor.from([0.1, -0.4, 2], [3, 1])), [{ shape: [1] }, { shape: [1] }])).toBeLessThan(1e-6);
  });
  it("sample carries no gradient", () => {
    const m = Tensor.zeros([3], "persistent");
    m.requiresGrad = true;
    startRecording();
    const z = Normal.fromLogStd(m, Tensor.zeros([1])).sample(new Rng(1));
    const r = Normal.fromLogStd(m, Tensor.zeros([1])).rsample(new Rng(1));
    stopRecording();
    clearTape();
    expect(z.requiresGrad).toBe(false);
    expect(r.requiresGrad).toBe(true);
  });
  it("rejects std <= 0 or non-finite with a DomainError naming std", () => {
    expect(() => new Normal(0, 0)).toThrow(DomainError);
    expect(() => new Normal(0, -1)).toThrow(/^std/);
    expect(() => new Normal([0, 1], [1, -2])).toThrow(/std: expected finite values > 0, received -2 at index 1/);
    expect(() => new Normal(0, Infinity)).toThrow(/std/);
  });
  it("rejects parameters that do not broadcast", () => {
    expect(() => new Normal([0, 1, 2], [1, 2])).toThrow(ShapeError);
  });
  it("sample(rng, shape) draws the full shape, parameters broadcast by index (same stream as rng.normal)", () => {
    const z = new Normal(0, 1).sample(new Rng(5), [4, 3]);
    expect(z.shape).toEqual([4, 3]);
    expect(z.toArray()).toEqual(new Rng(5).normal([4, 3]).toArray());
    const eps = z.toRows();
    const row = new Normal([0, 10, 20], 1).sample(new Rng(5), [4, 3]).toRows();
    row.forEach((r, i) => r.forEach((v, j) => expect(v - 10 * j).toBeCloseTo(eps[i][j], 12)));
    expect(() => new Normal([0, 1, 2], 1).sample(new Rng(5), [3, 2])).toThrow(ShapeError);
  });
  it("a Tensor std is differentiable (through log std), also when the Normal is built once before the steps", () => {
    expect(gradCheck((m, s) => new Normal(m, s).logProb(Tensor.from([0.3, -1, 2], [3, 1])), [{ shape: [1] }, { shape: [1], transform: (v) => Math.abs(v) + 0.5 }])).toBeLessThan(1e-6);
    const std = Tensor.from([2], [1], "persistent");
    std.requiresGrad = true;
    const prior = new Normal(0, std);
    const x = Tensor.from([1, -3], [2], "persistent");
    for (let step = 0; step < 2; step++) {
      std.grad = Tensor.zeros([1], "persistent");
      valueAndGrad(() => sum(prior.logProb(x)));
      // d/ds sum log N(x; 0, s^2) = sum (x^2 / s^3 - 1 / s)
      expect(std.grad.item()).toBeCloseTo((1 + 9) / 8 - 2 / 2, 12);
    }
    expect(() => new Normal(0, Tensor.from([1, -1]))).toThrow(/^std: expected finite values > 0, received -1 at index 1/);
  });
  it("number parameters share one cached constant (a model building new Normal(0, 1) per step allocates nothing)", () => {
    expect(new Normal(0, 1).mean).toBe(new Normal(0, 1).mean);
    expect(new Normal(0, 1).logStd).toBe(new Normal(5, 1).logStd);
  });
});
