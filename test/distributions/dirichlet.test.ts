import { describe, it, expect } from "vitest";
import { Tensor, Rng, Dirichlet, Beta, kl, softmax, sum, mul, DomainError, ShapeError } from "../../src/index.js";
import { dirichletPathwise } from "../../src/autodiff/ops/implicit-gamma.js";
import { lossGrads } from "../helpers/pathwise.js";
import { gradCheck } from "../helpers/gradcheck.js";
import { lgammaRef, digammaRef, gammaQuantileRef } from "../helpers/special-ref.js";
import { column, expectSampleMoments } from "../helpers/distribution-checks.js";
import { meanAndStdErr, simpson } from "../helpers/quadrature.js";

const pos = (v: number) => Math.abs(v) + 0.5;
const logPdf = (x: number[], c: number[]) => {
  const c0 = c.reduce((s, v) => s + v, 0);
  return c.reduce((s, ck, k) => s + (ck - 1) * Math.log(x[k]) - lgammaRef(ck), lgammaRef(c0));
};

/**
 * integral over the 2-simplex of f(log p(x), x) by Simpson on x1 = u, x2 = (1 - u) v (Jacobian 1 - u),
 * Richardson-extrapolated from n and 2n points per axis (x log x terms at the edges converge as 1/n^2).
 */
function simplexIntegral(d: Dirichlet, f: (lp: number, x: number[]) => number, n = 300): number {
  return (4 * simpsonOnSimplex(d, f, 2 * n) - simpsonOnSimplex(d, f, n)) / 3;
}

function simpsonOnSimplex(d: Dirichlet, f: (lp: number, x: number[]) => number, n: number): number {
  const edge = 1e-9;
  const us = Array.from({ length: n + 1 }, (_, i) => edge + ((1 - 2 * edge) * i) / n);
  const rows = us.flatMap((u) => us.map((v) => [u, (1 - u) * v, (1 - u) * (1 - v)]));
  const lp = d.logProb(Tensor.from(rows)).toArray();
  const inner = us.map((u, i) => simpson(us.map((_, j) => f(lp[i * (n + 1) + j], rows[i * (n + 1) + j]) * (1 - u)), us[0], us[n]));
  return simpson(inner, us[0], us[n]);
}

describe("Dirichlet", () => {
  const c = [1.5, 2, 3.5];
  // exponents c_k - 1 >= 1 keep the 2-D Simpson rule accurate at the edges
  const smooth = [2, 3, 4.5];
  it("logProb matches the closed form per row -> [B]; K = 2 is the Beta", () => {
    const x = [[0.2, 0.3, 0.5], [0.6, 0.3, 0.1]];
    const lp = new Dirichlet(c).logProb(Tensor.from(x));
    expect(lp.shape).toEqual([2]);
    lp.toArray().forEach((v, b) => expect(v).toBeCloseTo(logPdf(x[b], c), 12));
    const per = new Dirichlet([c, [1, 1, 1]]).logProb(Tensor.from(x)).toArray();
    expect(per[1]).toBeCloseTo(Math.log(2), 12);
    expect(new Dirichlet([2, 3]).logProb(Tensor.from([[0.3, 0.7]])).item()).toBeCloseTo(new Beta(2, 3).logProb(Tensor.from([0.3])).item(), 12);
  });
  it("density integrates to 1 over the simplex and the mean is c / c0 (2-D Simpson)", () => {
    const d = new Dirichlet(smooth);
    expect(Math.abs(simplexIntegral(d, (lp) => Math.exp(lp)) - 1)).toBeLessThan(1e-6);
    expect(simplexIntegral(d, (lp, x) => Math.exp(lp) * x[2])).toBeCloseTo(4.5 / 9.5, 6);
  });
  it("sample rows lie on the simplex with the closed-form moments per component (n = 1e5)", () => {
    const cs = [0.5, 2, 3.5];
    const c0 = 6;
    const x = new Dirichlet(cs).sample(new Rng(23), [100000, 3]);
    expect(x.shape).toEqual([100000, 3]);
    const v = x.toArray();
    cs.forEach((ck, k) => expectSampleMoments(column(v, k, 3), ck / c0, (ck * (c0 - ck)) / (c0 * c0 * (c0 + 1))));
    expect(new Dirichlet(cs).logProb(x).shape).toEqual([100000]);
  });
  it("per-row concentration [B, K]: default draw [B, K]; a draw of other rows is a ShapeError", () => {
    const d = new Dirichlet([[100, 1], [1, 100]]);
    const x = d.sample(new Rng(2)).toRows();
    expect(x[0][0]).toBeGreaterThan(0.9);
    expect(x[1][1]).toBeGreaterThan(0.9);
    expect(d.batchShape).toEqual([2]);
    expect(d.eventShape).toEqual([2]);
    expect(() => d.sample(new Rng(2), [3, 2])).toThrow(ShapeError);
  });
  it("gradient of logProb w.r.t. the concentration and the value (through a softmax onto the simplex) matches finite differences", () => {
    const f = (z: Tensor, a: Tensor) => new Dirichlet(a).logProb(softmax(z));
    expect(gradCheck(f, [{ shape: [4, 3] }, { shape: [4, 3], transform: pos }])).toBeLessThan(1e-6);
    expect(gradCheck(f, [{ shape: [2, 5] }, { shape: [5], transform: pos }])).toBeLessThan(1e-6);
  });
  it("entropy matches the closed form and quadrature; gradient matches finite differences", () => {
    const c0 = 7;
    const want = c.reduce((s, ck) => s + lgammaRef(ck) - (ck - 1) * digammaRef(ck), -lgammaRef(c0) + (c0 - 3) * digammaRef(c0));
    const h = new Dirichlet(c).entropy();
    expect(h.shape).toEqual([1]);
    expect(h.item()).toBeCloseTo(want, 12);
    expect(new Dirichlet(smooth).entropy().item()).toBeCloseTo(simplexIntegral(new Dirichlet(smooth), (lp) => -Math.exp(lp) * lp), 6);
    expect(gradCheck((a) => new Dirichlet(a).entropy(), [{ shape: [3, 4], transform: pos }])).toBeLessThan(1e-6);
  });
  it("KL matches quadrature (and the Beta KL for K = 2); gradient in both concentrations", () => {
    const p = new Dirichlet(smooth), q = new Dirichlet([2.5, 1.5, 2]);
    const lq = (x: number[]) => logPdf(x, [2.5, 1.5, 2]);
    expect(kl(p, q).item()).toBeCloseTo(simplexIntegral(p, (lp, x) => Math.exp(lp) * (lp - lq(x))), 6);
    expect(kl(new Dirichlet([2, 3]), new Dirichlet([4, 1.5])).item()).toBeCloseTo(kl(new Beta(2, 3), new Beta(4, 1.5)).item(), 12);
    const f = (a: Tensor, b: Tensor) => kl(new Dirichlet(a), new Dirichlet(b));
    expect(gradCheck(f, [{ shape: [2, 3], transform: pos }, { shape: [3], transform: pos }])).toBeLessThan(1e-6);
    expect(gradCheck(f, [{ shape: [3], transform: pos }, { shape: [2, 3], transform: pos }])).toBeLessThan(1e-6);
  });
  it("rejects non-positive concentrations, K < 2 and values off the simplex, naming the argument", () => {
    expect(() => new Dirichlet([1, 0, 2])).toThrow(/^concentration: expected finite values > 0, received 0 at index 1/);
    expect(() => new Dirichlet([2])).toThrow(ShapeError);
    expect(() => new Dirichlet(c).logProb(Tensor.from([[0.2, 0.2, 0.2]]))).toThrow(/^value: expected rows on the simplex/);
    expect(() => new Dirichlet(c).logProb(Tensor.from([[0, 0.5, 0.5]]))).toThrow(DomainError);
    expect(() => new Dirichlet(c).logProb(Tensor.from([[0.5, 0.5]]))).toThrow(/^value/);
  });
});

describe("Dirichlet rsample (implicit reparameterization through the Gammas)", () => {
  it("rows G / sum G at fixed Gamma quantiles: the tape's dx_0/dc_k match finite differences of the quantiles", () => {
    const c = [0.6, 2, 4.5], us = [0.3, 0.8, 0.5];
    const x0 = (cs: number[]) => {
      const g = cs.map((ck, k) => gammaQuantileRef(us[k], ck));
      return g[0] / (g[0] + g[1] + g[2]);
    };
    const h = 1e-5;
    const fd = c.map((_, k) => (x0(c.map((v, j) => (j === k ? v + h : v))) - x0(c.map((v, j) => (j === k ? v - h : v)))) / (2 * h));
    const gammas = c.map((ck, k) => gammaQuantileRef(us[k], ck));
    const { grads } = lossGrads([{ values: c, shape: [3] }], (p) => sum(mul(dirichletPathwise(p, Tensor.from([gammas])), Tensor.from([[1, 0, 0]]))));
    grads[0].forEach((g, k) => expect(Math.abs(g - fd[k]) / Math.abs(fd[k])).toBeLessThan(1e-3));
  });
  it("d/dc_j E[x_0] = (delta_0j c0 - c_0) / c0^2 by Monte Carlo (per-row concentration [n, K])", () => {
    const c = [0.7, 1.5, 3], n = 20000, K = 3;
    const c0 = c[0] + c[1] + c[2];
    const { grads } = lossGrads([{ values: Array.from({ length: n }, () => c).flat(), shape: [n, K] }], (p) =>
      sum(mul(new Dirichlet(p).rsample(new Rng(13)), Tensor.from([[1, 0, 0]]))),
    );
    c.forEach((_, j) => {
      const { mean, se } = meanAndStdErr(column(grads[0], j, K));
      expect(Math.abs(mean - ((j === 0 ? c0 : 0) - c[0]) / c0 ** 2)).toBeLessThan(4 * se);
    });
  });
  it("rsample equals sample (same stream and numbers); gradients reach a Tensor concentration on the tape", () => {
    const d = new Dirichlet([0.4, 1, 6]);
    expect(d.reparameterized).toBe(true);
    expect(d.rsample(new Rng(5), [30, 3]).toArray()).toEqual(d.sample(new Rng(5), [30, 3]).toArray());
    const { value, grads } = lossGrads([{ values: [0.8, 2.5, 1.2], shape: [3] }], (p) =>
      sum(mul(new Dirichlet(p).rsample(new Rng(4), [16, 3]), Tensor.from([[1, -2, 0.5]]))),
    );
    expect(Number.isFinite(value)).toBe(true);
    grads.flat().forEach((g) => expect(Number.isFinite(g) && g !== 0).toBe(true));
  });
});
