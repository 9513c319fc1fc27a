import { describe, it, expect } from "vitest";
import { Tensor, Rng, MultivariateNormal, Normal, kl, DomainError, ShapeError } from "../../src/index.js";
import { tril } from "../../src/low-level.js";
import { gradCheck } from "../helpers/gradcheck.js";
import { column, expectSampleMoments } from "../helpers/distribution-checks.js";
import { grid, meanAndStdErr, simpson } from "../helpers/quadrature.js";

const L3 = [[1.2, 0, 0], [0.5, 0.8, 0], [-0.3, 0.4, 0.6]];
const loc3 = [0.5, -1, 2];
/** L L^T. */
const cov = (L: number[][]) => L.map((r) => L.map((s) => r.reduce((a, v, k) => a + v * s[k], 0)));
/** log N(x; m, L L^T) by forward substitution in plain JS. */
function logPdf(x: number[], m: number[], L: number[][]): number {
  const d = m.length;
  const u: number[] = [];
  for (let j = 0; j < d; j++) {
    let s = x[j] - m[j];
    for (let k = 0; k < j; k++) s -= L[j][k] * u[k];
    u.push(s / L[j][j]);
  }
  return -0.5 * u.reduce((a, v) => a + v * v, 0) - L.reduce((a, r, j) => a + Math.log(r[j]), 0) - 0.5 * d * Math.log(2 * Math.PI);
}
// Gradient checks pass scaleTril through tril: the constructor rejects nonzero upper entries,
// which finite differences would create (they get no gradient, so training never does).

/** A lower-triangular d x d with a positive diagonal, as flat values. */
const factorValues = (d: number) => Array.from({ length: d * d }, (_, i) => (i % d > Math.floor(i / d) ? 0 : i % d === Math.floor(i / d) ? 0.9 + 0.2 * (i % d) : 0.3 * Math.sin(i + 1)));

describe("MultivariateNormal", () => {
  const d = new MultivariateNormal(loc3, L3);
  it("logProb matches the closed form; [B, d] values give [B], a [d] value gives [1]; d = 1 is the Normal", () => {
    const xs = [[0, 0, 0], [1, -2, 3.5]];
    const lp = d.logProb(Tensor.from(xs));
    expect(lp.shape).toEqual([2]);
    lp.toArray().forEach((v, b) => expect(v).toBeCloseTo(logPdf(xs[b], loc3, L3), 12));
    expect(d.logProb(Tensor.from(xs[1])).shape).toEqual([1]);
    const one = new MultivariateNormal([0.3], [[1.7]]).logProb(Tensor.from([[1], [-2]])).toArray();
    const normal = new Normal(0.3, 1.7).logProb(Tensor.from([1, -2])).toArray();
    one.forEach((v, i) => expect(v).toBeCloseTo(normal[i], 13));
  });
  it("density integrates to 1 with mean loc (2-D Simpson over loc +- 10 sd)", () => {
    const L = [[1, 0], [0.6, 0.5]];
    const m = new MultivariateNormal([1, -1], L);
    const n = 400;
    const xs = grid(-9, 11, n), ys = grid(-11, 9, n);
    const lp = m.logProb(Tensor.from(xs.flatMap((x) => ys.map((y) => [x, y])))).toArray();
    const rowInt = (f: (p: number, x: number, y: number) => number) =>
      simpson(xs.map((x, i) => simpson(ys.map((y, j) => f(Math.exp(lp[i * (n + 1) + j]), x, y)), ys[0], ys[n])), xs[0], xs[n]);
    expect(Math.abs(rowInt((p) => p) - 1)).toBeLessThan(1e-8);
    expect(rowInt((p, x) => p * x)).toBeCloseTo(1, 8);
    expect(rowInt((p, _x, y) => p * y)).toBeCloseTo(-1, 8);
    expect(rowInt((p, x, y) => p * (x - 1) * (y + 1))).toBeCloseTo(0.6, 7);
  });
  it("sample mean and covariance match loc and L L^T (n = 1e5, 4 standard errors)", () => {
    const n = 100000;
    const x = d.sample(new Rng(29), [n, 3]).toArray();
    const S = cov(L3);
    const cols = [0, 1, 2].map((j) => column(x, j, 3));
    cols.forEach((c, j) => expectSampleMoments(c, loc3[j], S[j][j]));
    const [m0, m1] = [meanAndStdErr(cols[0]).mean, meanAndStdErr(cols[1]).mean];
    const c01 = cols[0].reduce((a, v, i) => a + (v - m0) * (cols[1][i] - m1), 0) / (n - 1);
    expect(Math.abs(c01 - S[0][1])).toBeLessThan(4 * Math.sqrt((S[0][0] * S[1][1] + S[0][1] ** 2) / n));
  });
  it("batched loc [B, d]: draws [B, d] (default), logProb [B], entropy [B]; other draw shapes are ShapeErrors", () => {
    const b = new MultivariateNormal([[0, 0, 0], [100, 100, 100]], L3);
    expect(b.batchShape).toEqual([2]);
    expect(b.eventShape).toEqual([3]);
    const x = b.sample(new Rng(3)).toRows();
    expect(x[1][0]).toBeGreaterThan(90);
    expect(b.logProb(Tensor.from(x)).shape).toEqual([2]);
    expect(b.entropy().shape).toEqual([2]);
    expect(() => b.sample(new Rng(3), [3, 3])).toThrow(/^loc/);
    expect(() => d.sample(new Rng(3), [4, 2])).toThrow(/^shape/);
  });
  it.each([1, 2, 4])("rsample loc + L eps is pathwise in loc and the lower triangle of L (d = %i)", (k) => {
    const f = (m: Tensor, L: Tensor) => new MultivariateNormal(m, tril(L)).rsample(new Rng(12), [5, k]);
    expect(gradCheck(f, [{ shape: [k] }, { shape: [k, k], values: factorValues(k) }])).toBeLessThan(1e-6);
  });
  it.each([1, 3])("gradient of logProb w.r.t. value, loc and scaleTril matches finite differences (d = %i)", (k) => {
    const f = (x: Tensor, m: Tensor, L: Tensor) => new MultivariateNormal(m, tril(L)).logProb(x);
    expect(gradCheck(f, [{ shape: [4, k] }, { shape: [4, k] }, { shape: [k, k], values: factorValues(k) }])).toBeLessThan(1e-6);
    expect(gradCheck(f, [{ shape: [4, k] }, { shape: [k] }, { shape: [k, k], values: factorValues(k) }])).toBeLessThan(1e-6);
  });
  it("entropy d (1 + log 2 pi)/2 + log det L matches a Monte Carlo estimate of -E log p (n = 1e5)", () => {
    const want = 1.5 * (1 + Math.log(2 * Math.PI)) + Math.log(1.2 * 0.8 * 0.6);
    expect(d.entropy().item()).toBeCloseTo(want, 13);
    const lp = d.logProb(d.sample(new Rng(30), [100000, 3])).toArray().map((v) => -v);
    const { mean, se } = meanAndStdErr(lp);
    expect(Math.abs(d.entropy().item() - mean)).toBeLessThan(4 * se);
    expect(gradCheck((L) => new MultivariateNormal(loc3, tril(L)).entropy(), [{ shape: [3, 3], values: factorValues(3) }])).toBeLessThan(1e-6);
  });
  it("KL matches a Monte Carlo estimate and reduces to the Normal KL for d = 1; gradient in all parameters", () => {
    const q = MultivariateNormal.fromCovariance([0, 0.5, 1], [[2, 0.3, 0], [0.3, 1, -0.2], [0, -0.2, 0.5]]);
    const z = d.sample(new Rng(31), [100000, 3]);
    const lp = d.logProb(z).toArray(), lq = q.logProb(z).toArray();
    const { mean, se } = meanAndStdErr(lp.map((v, i) => v - lq[i]));
    expect(Math.abs(kl(d, q).item() - mean)).toBeLessThan(4 * se);
    expect(kl(d, d).item()).toBeCloseTo(0, 13);
    expect(kl(new MultivariateNormal([0.4], [[0.6]]), new MultivariateNormal([-0.3], [[1.4]])).item()).toBeCloseTo(kl(new Normal(0.4, 0.6), new Normal(-0.3, 1.4)).item(), 13);
    const f = (m1: Tensor, L1: Tensor, m2: Tensor, L2: Tensor) => kl(new MultivariateNormal(m1, tril(L1)), new MultivariateNormal(m2, tril(L2)));
    const specs = [{ shape: [2, 3] }, { shape: [3, 3], values: factorValues(3) }, { shape: [3] }, { shape: [3, 3], values: factorValues(3).map((v) => v * 1.3) }];
    expect(gradCheck(f, specs)).toBeLessThan(1e-6);
  });
  it("fromCovariance factors a covariance (L L^T = Sigma) and rejects non-symmetric or indefinite ones", () => {
    const S = [[4, 1.2, 0], [1.2, 2, 0.5], [0, 0.5, 1]];
    const L = MultivariateNormal.fromCovariance([0, 0, 0], S).scaleTril.toRows();
    cov(L).forEach((r, i) => r.forEach((v, j) => expect(v).toBeCloseTo(S[i][j], 13)));
    expect(() => MultivariateNormal.fromCovariance([0, 0], [[1, 2], [0, 1]])).toThrow(/^covariance: expected a symmetric matrix/);
    expect(() => MultivariateNormal.fromCovariance([0, 0], [[1, 2], [2, 1]])).toThrow(/^covariance: expected a positive-definite matrix/);
  });
  it("rejects a scaleTril that is no Cholesky factor and a loc of the wrong size, naming the argument", () => {
    expect(() => new MultivariateNormal([0, 0], [[1, 0.5], [0.2, 1]])).toThrow(/^scaleTril: expected a lower-triangular matrix .* received 0.5 at \[0, 1\]/);
    expect(() => new MultivariateNormal([0, 0], [[1, 0], [0.2, -1]])).toThrow(DomainError);
    expect(() => new MultivariateNormal([0, 0], [[1, 0, 0], [0, 1, 0]])).toThrow(ShapeError);
    expect(() => new MultivariateNormal([0, 0, 0], [[1, 0], [0, 1]])).toThrow(/^loc/);
    expect(() => d.logProb(Tensor.zeros([2, 2]))).toThrow(/^value/);
  });
});
