import { describe, it, expect } from "vitest";
import { DomainError, ShapeError, Tensor, Rng } from "../../src/index.js";
import { convOutputLength, patches1d, segmentMeanRows, segmentSumRows } from "../../src/autodiff/ops/segments.js";
import { gradCheck } from "../helpers/gradcheck.js";

/** Plain-JS segment sum: out[s][j] = scale * sum_i x[s k + i][j]. */
function segmentSumRef(x: number[], rows: number, cols: number, k: number, scale: number): number[] {
  const out = new Array((rows / k) * cols).fill(0);
  for (let r = 0; r < rows; r++) for (let j = 0; j < cols; j++) out[Math.floor(r / k) * cols + j] += scale * x[r * cols + j];
  return out;
}

/** Plain-JS im2col of a time-major [B, T C] sequence. */
function patchesRef(x: number[], B: number, T: number, C: number, K: number, s: number, p: number): number[] {
  const L = Math.floor((T + 2 * p - K) / s) + 1;
  const out: number[] = [];
  for (let b = 0; b < B; b++)
    for (let t = 0; t < L; t++)
      for (let j = 0; j < K; j++)
        for (let c = 0; c < C; c++) {
          const u = t * s - p + j;
          out.push(u >= 0 && u < T ? x[(b * T + u) * C + c] : 0);
        }
  return out;
}

describe("segmentSumRows / segmentMeanRows", () => {
  it.each([
    [6, 1, 3],
    [6, 5, 2],
    [4, 3, 4],
    [3, 7, 1],
  ])("[%i, %i] in segments of %i rows: values match a plain-JS sum and mean", (rows, cols, k) => {
    const x = new Rng(rows * cols + k).normal([rows, cols]);
    const v = x.toArray();
    const sum = segmentSumRows(x, k);
    expect(sum.shape).toEqual([rows / k, cols]);
    sum.toArray().forEach((y, i) => expect(y).toBeCloseTo(segmentSumRef(v, rows, cols, k, 1)[i], 13));
    segmentMeanRows(x, k).toArray().forEach((y, i) => expect(y).toBeCloseTo(segmentSumRef(v, rows, cols, k, 1 / k)[i], 13));
  });

  it.each([
    [6, 1, 3],
    [6, 5, 2],
    [8, 3, 4],
    [3, 7, 1],
  ])("[%i, %i] in segments of %i rows: gradients match finite differences", (rows, cols, k) => {
    expect(gradCheck((x) => segmentSumRows(x, k), [{ shape: [rows, cols] }])).toBeLessThan(1e-6);
    expect(gradCheck((x) => segmentMeanRows(x, k), [{ shape: [rows, cols] }])).toBeLessThan(1e-6);
  });

  it("rejects rows that are not a multiple of k and a bad k, naming them", () => {
    expect(() => segmentSumRows(Tensor.zeros([5, 2]), 2)).toThrow(ShapeError);
    expect(() => segmentSumRows(Tensor.zeros([5, 2]), 2)).toThrow(/multiple of k = 2/);
    expect(() => segmentMeanRows(Tensor.zeros([4, 2]), 0)).toThrow(/^k: /);
  });
});

describe("patches1d (im2col of a time-major sequence)", () => {
  const cases: [number, number, number, number, number, number][] = [
    // B, T, C, K, stride, padding
    [2, 5, 1, 3, 1, 0],
    [3, 6, 2, 3, 2, 1],
    [1, 4, 3, 4, 1, 3],
    [2, 7, 2, 2, 3, 1],
    [2, 3, 1, 1, 1, 0],
  ];

  it.each(cases)("B %i, T %i, C %i, K %i, stride %i, padding %i: values match a plain-JS im2col", (B, T, C, K, s, p) => {
    const x = new Rng(B + T + C).normal([B, T * C]);
    const out = patches1d(x, { length: T, channels: C, kernel: K, stride: s, padding: p });
    const L = convOutputLength(T, K, s, p);
    expect(out.shape).toEqual([B * L, K * C]);
    expect(out.toArray()).toEqual(patchesRef(x.toArray(), B, T, C, K, s, p));
  });

  it.each(cases)("B %i, T %i, C %i, K %i, stride %i, padding %i: the gradient matches finite differences", (B, T, C, K, s, p) => {
    expect(gradCheck((x) => patches1d(x, { length: T, channels: C, kernel: K, stride: s, padding: p }), [{ shape: [B, T * C] }])).toBeLessThan(1e-6);
  });

  it("bad input: typed errors naming the argument", () => {
    const x = Tensor.zeros([2, 6]);
    expect(() => patches1d(x, { length: 4, channels: 2, kernel: 2 })).toThrow(ShapeError);
    expect(() => patches1d(x, { length: 4, channels: 2, kernel: 2 })).toThrow(/^x: .*T = 4 steps of 2 channels/);
    expect(() => patches1d(x, { length: 6, channels: 1, kernel: 7 })).toThrow(DomainError);
    expect(() => patches1d(x, { length: 6, channels: 1, kernel: 7 })).toThrow(/^kernel: /);
    expect(() => patches1d(x, { length: 6, channels: 1, kernel: 2, padding: 2 })).toThrow(/^padding: /);
    expect(() => patches1d(x, { length: 6, channels: 1, kernel: 2, stride: 0 })).toThrow(/^stride: /);
  });
});
