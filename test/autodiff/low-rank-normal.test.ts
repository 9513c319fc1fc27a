import { describe, expect, it } from "vitest";
import { Tensor } from "../../src/core/tensor.js";
import { ShapeError } from "../../src/core/errors.js";
import { lowRankNormalLogProb, rowMatVec } from "../../src/autodiff/ops/low-rank-normal.js";
import { gradCheck } from "../helpers/gradcheck.js";
import { logNormalDense } from "../helpers/dense-gaussian.js";

const wave = (n: number, a: number, s = 1) => Array.from({ length: n }, (_, i) => s * Math.sin(a * i + 0.3));

describe("rowMatVec", () => {
  it("is A_i x_i per row, with finite-difference gradients", () => {
    const [rows, m, n] = [3, 4, 2];
    const A = wave(rows * m * n, 1.7);
    const x = wave(rows * n, 0.9);
    const y = rowMatVec(Tensor.from(A, [rows, m, n]), Tensor.from(x, [rows, n])).toArray();
    for (let i = 0; i < rows; i++) for (let j = 0; j < m; j++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += A[(i * m + j) * n + k] * x[i * n + k];
      expect(y[i * m + j]).toBeCloseTo(s, 12);
    }
    expect(gradCheck(rowMatVec, [{ shape: [rows, m, n] }, { shape: [rows, n] }])).toBeLessThan(1e-6);
  });

  it("rejects mismatched shapes naming the argument", () => {
    expect(() => rowMatVec(Tensor.zeros([2, 3]), Tensor.zeros([2, 3]))).toThrow(/^A/);
    expect(() => rowMatVec(Tensor.zeros([2, 3, 2]), Tensor.zeros([2, 3]))).toThrow(/^x/);
  });
});

describe("lowRankNormalLogProb", () => {
  it.each([[1, 1], [3, 1], [4, 2], [5, 5]])("equals the dense log N(x; mean, W W^T + D) (d = %i, r = %i)", (d, r) => {
    const rows = 3;
    const x = wave(rows * d, 1.3, 1.5);
    const mean = wave(rows * d, 0.4, 0.5);
    const W = wave(rows * d * r, 2.1, 0.8);
    const logD = wave(rows * d, 0.7, 0.5);
    const lp = lowRankNormalLogProb(Tensor.from(x, [rows, d]), Tensor.from(mean, [rows, d]), Tensor.from(W, [rows, d, r]), Tensor.from(logD, [rows, d])).toArray();
    for (let i = 0; i < rows; i++) {
      const C = new Float64Array(d * d);
      for (let j = 0; j < d; j++) for (let k = 0; k < d; k++) {
        let s = j === k ? Math.exp(2 * logD[i * d + j]) : 0;
        for (let a = 0; a < r; a++) s += W[(i * d + j) * r + a] * W[(i * d + k) * r + a];
        C[j * d + k] = s;
      }
      const xc = Array.from({ length: d }, (_, j) => x[i * d + j] - mean[i * d + j]);
      expect(lp[i]).toBeCloseTo(logNormalDense(xc, C), 10);
    }
  });

  it.each([[2, 1], [4, 2], [3, 3]])("gradients in x, mean, W and logD match finite differences (d = %i, r = %i)", (d, r) => {
    const half = (v: number) => 0.5 * v;
    const err = gradCheck(lowRankNormalLogProb, [
      { shape: [3, d] }, { shape: [3, d], transform: half }, { shape: [3, d, r], transform: half }, { shape: [3, d], transform: half },
    ]);
    expect(err).toBeLessThan(1e-6);
  });

  it("rejects mismatched shapes naming the argument", () => {
    const x = Tensor.zeros([2, 3]);
    expect(() => lowRankNormalLogProb(x, Tensor.zeros([2, 3]), Tensor.zeros([2, 2, 1]), Tensor.zeros([2, 3]))).toThrow(/^W/);
    expect(() => lowRankNormalLogProb(x, Tensor.zeros([1, 3]), Tensor.zeros([2, 3, 1]), Tensor.zeros([2, 3]))).toThrow(/^mean/);
    expect(() => lowRankNormalLogProb(x, Tensor.zeros([2, 3]), Tensor.zeros([2, 3, 1]), Tensor.zeros([2, 2]))).toThrow(ShapeError);
  });
});
