import { describe, it, expect } from "vitest";
import { Tensor, Rng, Beta, kl, sum, log, DomainError, ShapeError } from "../../src/index.js";
import { betaPathwise } from "../../src/autodiff/ops/implicit-gamma.js";
import { lossGrads } from "../helpers/pathwise.js";
import { meanAndStdErr } from "../helpers/quadrature.js";
import { gradCheck } from "../helpers/gradcheck.js";
import { digammaRef, gammaQuantileRef, lbetaRef } from "../helpers/special-ref.js";
import { column, expectSampleMoments, quadratureEntropy, quadratureKL, quadratureMoments } from "../helpers/distribution-checks.js";

const pos = (v: number) => Math.abs(v) + 0.5;
const unit = (v: number) => 1 / (1 + Math.exp(-v));
const logPdf = (x: number, a: number, b: number) => (a - 1) * Math.log(x) + (b - 1) * Math.log1p(-x) - lbetaRef(a, b);
const moments = (a: number, b: number) => [a / (a + b), (a * b) / ((a + b) ** 2 * (a + b + 1))];
const EDGE = 1e-12;

describe("Beta", () => {
  it("logProb matches the closed form elementwise", () => {
    const d = new Beta([0.5, 2, 7], [3, 1, 0.8]);
    const xs = [0.1, 0.5, 0.99];
    d.logProb(Tensor.from(xs)).toArray().forEach((v, i) => expect(v).toBeCloseTo(logPdf(xs[i], [0.5, 2, 7][i], [3, 1, 0.8][i]), 12));
  });
  it("density integrates to 1 with the closed-form mean and variance (Simpson on (0, 1))", () => {
    const [a, b] = [2.5, 3.5];
    const { mass, mean, variance } = quadratureMoments(new Beta(a, b), EDGE, 1 - EDGE);
    const [m, v] = moments(a, b);
    expect(Math.abs(mass - 1)).toBeLessThan(1e-8);
    expect(mean).toBeCloseTo(m, 8);
    expect(variance).toBeCloseTo(v, 8);
  });
  it.each([[0.3, 0.6], [2, 5], [30, 4]])("sample moments match a = %f, b = %f (n = 1e5, 4 standard errors)", (a, b) => {
    const x = new Beta(a, b).sample(new Rng(22), [100000]).toArray();
    expect(Math.min(...x)).toBeGreaterThan(0);
    expect(Math.max(...x)).toBeLessThan(1);
    const [m, v] = moments(a, b);
    expectSampleMoments(x, m, v);
  });
  it("sample(rng, shape) broadcasts a row of parameters over [B, d]", () => {
    const x = new Beta([1, 9], [3, 1]).sample(new Rng(4), [50000, 2]).toArray();
    [[1, 3], [9, 1]].forEach(([a, b], j) => {
      const [m, v] = moments(a, b);
      expectSampleMoments(column(x, j, 2), m, v);
    });
  });
  it("gradient of logProb w.r.t. value, alpha and beta matches finite differences", () => {
    const f = (x: Tensor, a: Tensor, b: Tensor) => new Beta(a, b).logProb(x);
    expect(gradCheck(f, [{ shape: [3, 4], transform: unit }, { shape: [4], transform: pos }, { shape: [3, 4], transform: pos }])).toBeLessThan(1e-6);
  });
  it("entropy matches the closed form and quadrature; gradient matches finite differences", () => {
    const [a, b] = [2.2, 4.5];
    const want = lbetaRef(a, b) - (a - 1) * digammaRef(a) - (b - 1) * digammaRef(b) + (a + b - 2) * digammaRef(a + b);
    const h = new Beta(a, b).entropy().item();
    expect(h).toBeCloseTo(want, 12);
    expect(h).toBeCloseTo(quadratureEntropy(new Beta(a, b), EDGE, 1 - EDGE), 7);
    expect(gradCheck((p, q) => new Beta(p, q).entropy(), [{ shape: [2, 3], transform: pos }, { shape: [3], transform: pos }])).toBeLessThan(1e-6);
  });
  it("KL matches quadrature and is differentiable in all four parameters", () => {
    const p = new Beta(2.5, 3.5), q = new Beta(4, 2);
    expect(kl(p, q).item()).toBeCloseTo(quadratureKL(p, q, EDGE, 1 - EDGE), 6);
    expect(kl(q, q).item()).toBeCloseTo(0, 13);
    const f = (a1: Tensor, b1: Tensor, a2: Tensor, b2: Tensor) => kl(new Beta(a1, b1), new Beta(a2, b2));
    expect(gradCheck(f, [[2, 3], [1], [3], [2, 3]].map((shape) => ({ shape, transform: pos })))).toBeLessThan(1e-6);
  });
  it("rejects non-positive parameters, values outside (0, 1) and non-broadcasting shapes, naming the argument", () => {
    expect(() => new Beta(-1, 1)).toThrow(/^alpha/);
    expect(() => new Beta(1, [2, 0])).toThrow(DomainError);
    expect(() => new Beta([1, 2], [1, 2, 3])).toThrow(ShapeError);
    expect(() => new Beta(2, 2).logProb(Tensor.from([0.5, 1]))).toThrow(/^value: expected values in \(0, 1\), received 1 at index 1/);
  });
});

describe("Beta rsample (implicit reparameterization through both Gammas)", () => {
  it("x = X / (X + Y) at fixed Gamma quantiles: the tape's dx/da, dx/db match finite differences of the quantiles", () => {
    const [a, b, u, v] = [0.8, 3, 0.4, 0.7];
    const x = (p: number, q: number) => {
      const X = gammaQuantileRef(u, p), Y = gammaQuantileRef(v, q);
      return X / (X + Y);
    };
    const h = 1e-5;
    const fd = [(x(a + h, b) - x(a - h, b)) / (2 * h), (x(a, b + h) - x(a, b - h)) / (2 * h)];
    const { grads } = lossGrads([{ values: [a], shape: [1] }, { values: [b], shape: [1] }], (p, q) =>
      betaPathwise(p, q, Tensor.from([gammaQuantileRef(u, a)]), Tensor.from([gammaQuantileRef(v, b)])),
    );
    grads.forEach(([g], i) => expect(Math.abs(g - fd[i]) / Math.abs(fd[i])).toBeLessThan(1e-3));
  });
  it.each([[0.5, 0.5], [2, 3], [10, 1.5]])("d/da E[x] = b/(a+b)^2 and d/db E[x] = -a/(a+b)^2 by Monte Carlo (a = %f, b = %f)", (a, b) => {
    const n = 20000;
    const { grads } = lossGrads([{ values: new Array(n).fill(a), shape: [n] }, { values: new Array(n).fill(b), shape: [n] }], (p, q) =>
      sum(new Beta(p, q).rsample(new Rng(12), [n])),
    );
    const [da, db] = grads.map(meanAndStdErr);
    expect(Math.abs(da.mean - b / (a + b) ** 2)).toBeLessThan(4 * da.se);
    expect(Math.abs(db.mean + a / (a + b) ** 2)).toBeLessThan(4 * db.se);
  });
  it("rsample equals sample (same stream and numbers); gradients reach Tensor parameters on the tape", () => {
    const d = new Beta([0.3, 4], 2);
    expect(d.reparameterized).toBe(true);
    expect(d.rsample(new Rng(5), [40, 2]).toArray()).toEqual(d.sample(new Rng(5), [40, 2]).toArray());
    const { value, grads } = lossGrads([{ values: [0.7, 2.5], shape: [2] }, { values: [1.3], shape: [1] }], (p, q) =>
      sum(log(new Beta(p, q).rsample(new Rng(4), [16, 2]))),
    );
    expect(Number.isFinite(value)).toBe(true);
    grads.flat().forEach((g) => expect(Number.isFinite(g) && g !== 0).toBe(true));
  });
});
