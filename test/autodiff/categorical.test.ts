import { describe, it, expect } from "vitest";
import { Tensor, Rng, ShapeError, DomainError } from "../../src/index.js";
import { categoricalKL } from "../../src/low-level.js";
import { categoricalEntropy } from "../../src/low-level.js";
import { sampleCategorical } from "../../src/index.js";
import { categoricalLogProb } from "../../src/index.js";
import { gradCheck, CHECK_SHAPES } from "../helpers/gradcheck.js";

const logSoftmax = (row: number[]) => {
  const m = Math.max(...row);
  const z = m + Math.log(row.reduce((s, v) => s + Math.exp(v - m), 0));
  return row.map((v) => v - z);
};
const labels = (B: number, K: number) => Int32Array.from({ length: B }, (_, b) => (3 * b + 1) % K);

describe("categoricalLogProb", () => {
  it("is the log-softmax entry of each row's index, stable for large logits", () => {
    const rows = [[0.1, 2, -1], [1000, 999, -5]];
    const got = categoricalLogProb(Tensor.from(rows), [2, 0]).toArray();
    expect(got[0]).toBeCloseTo(logSoftmax(rows[0])[2], 12);
    expect(got[1]).toBeCloseTo(logSoftmax(rows[1])[0], 12);
  });
  it.each(CHECK_SHAPES)("gradient matches finite differences for [%i, %i]", (B, K) => {
    expect(gradCheck((l) => categoricalLogProb(l, labels(B, K)), [{ shape: [B, K] }])).toBeLessThan(1e-6);
  });
  it("rejects indices out of range, wrong counts and non-[B, K] logits, naming the argument", () => {
    const l = Tensor.zeros([2, 3]);
    expect(() => categoricalLogProb(l, [0, 3])).toThrow(DomainError);
    expect(() => categoricalLogProb(l, [0, -1])).toThrow(/idx/);
    expect(() => categoricalLogProb(l, [0])).toThrow(ShapeError);
    expect(() => categoricalLogProb(Tensor.zeros([3]), [0, 1, 2])).toThrow(/logits/);
  });
});

describe("sampleCategorical", () => {
  it("frequencies match softmax probabilities (chi-square, n = 1e5)", () => {
    const row = [0.5, -1, 2, 0, 1.2];
    const p = logSoftmax(row).map(Math.exp);
    const n = 100000;
    const idx = sampleCategorical(Tensor.from([row]), new Rng(11), n);
    const counts = new Array(row.length).fill(0);
    idx.forEach((k) => counts[k]++);
    const chi2 = counts.reduce((s, c, k) => s + (c - n * p[k]) ** 2 / (n * p[k]), 0);
    const df = row.length - 1;
    expect(chi2).toBeLessThan(df + 5 * Math.sqrt(2 * df)); // ~ 1e-4 false-failure rate
    expect(chi2).toBeGreaterThan(0);
  });
  it("samples each row from its own logits and is deterministic per seed", () => {
    const logits = Tensor.from([[50, 0, 0], [0, 0, 50], [0, 50, 0]]);
    expect(Array.from(sampleCategorical(logits, new Rng(3)))).toEqual([0, 2, 1]);
    const wide = Tensor.from([[0.1, 0.2, 0.3, 0.4]]);
    expect(sampleCategorical(wide, new Rng(5), 50)).toEqual(sampleCategorical(wide, new Rng(5), 50));
  });
  it("rejects n different from the number of rows of per-row logits", () => {
    expect(() => sampleCategorical(Tensor.zeros([2, 3]), new Rng(1), 5)).toThrow(ShapeError);
  });
});

describe("categoricalEntropy", () => {
  it("is -sum p log p", () => {
    const row = [0.3, -0.7, 1.1];
    const lp = logSoftmax(row);
    expect(categoricalEntropy(Tensor.from([row])).item()).toBeCloseTo(-lp.reduce((s, v) => s + Math.exp(v) * v, 0), 12);
    expect(categoricalEntropy(Tensor.from([[0, 0, 0, 0]])).item()).toBeCloseTo(Math.log(4), 12);
  });
  it.each(CHECK_SHAPES)("gradient matches finite differences for [%i, %i]", (B, K) => {
    expect(gradCheck((l) => categoricalEntropy(l), [{ shape: [B, K] }])).toBeLessThan(1e-6);
  });
});

describe("categoricalKL", () => {
  it("is sum p (log p - log q), 0 for equal rows", () => {
    const a = [0.3, -0.7, 1.1], b = [1, 0, -2];
    const lp = logSoftmax(a), lq = logSoftmax(b);
    const want = lp.reduce((s, v, k) => s + Math.exp(v) * (v - lq[k]), 0);
    expect(categoricalKL(Tensor.from([a]), Tensor.from([b])).item()).toBeCloseTo(want, 12);
    expect(categoricalKL(Tensor.from([a]), Tensor.from([a.map((v) => v + 3)])).item()).toBeCloseTo(0, 12);
  });
  it.each(CHECK_SHAPES)("gradient w.r.t. both logits matches finite differences for [%i, %i]", (B, K) => {
    expect(gradCheck((p, q) => categoricalKL(p, q), [{ shape: [B, K] }, { shape: [B, K] }])).toBeLessThan(1e-6);
    expect(gradCheck((p, q) => categoricalKL(p, q), [{ shape: [B, K] }, { shape: [1, K] }])).toBeLessThan(1e-6);
    expect(gradCheck((p, q) => categoricalKL(p, q), [{ shape: [1, K] }, { shape: [B, K] }])).toBeLessThan(1e-6);
  });
  it("rejects mismatched K by name", () => {
    expect(() => categoricalKL(Tensor.zeros([2, 3]), Tensor.zeros([2, 4]))).toThrow(/logitsQ/);
  });
});
