import { describe, it, expect } from "vitest";
import { Tensor, ShapeError, transpose, matmul } from "../../src/index.js";
import { tril, triangularSolve, logDetTriangular } from "../../src/low-level.js";
import { gradCheck } from "../helpers/gradcheck.js";

/** A well-conditioned lower-triangular d x d (row-major) with junk above the diagonal, which every op must ignore. */
function factor(d: number): number[] {
  return Array.from({ length: d * d }, (_, i) => {
    const [j, k] = [Math.floor(i / d), i % d];
    if (k > j) return 7.5 + i; // ignored
    return j === k ? 1.2 + 0.3 * j : Math.sin(3 * i + 1) * 0.8;
  });
}
const lower = (v: number[], d: number) => v.map((x, i) => (i % d <= Math.floor(i / d) ? x : 0));

describe("tril", () => {
  it("keeps the lower triangle and zeroes the rest; gradient passes the lower triangle only", () => {
    const v = factor(4);
    expect(tril(Tensor.from(v, [4, 4])).toArray()).toEqual(lower(v, 4));
    expect(gradCheck(tril, [{ shape: [4, 4] }])).toBeLessThan(1e-6);
  });
  it("rejects a non-square L", () => {
    expect(() => tril(Tensor.zeros([2, 3]))).toThrow(ShapeError);
  });
});

describe("triangularSolve", () => {
  it.each([1, 2, 5])("L Y[i] = R[i] for every row (d = %i)", (d) => {
    const L = factor(d);
    const R = Array.from({ length: 3 * d }, (_, i) => Math.cos(i) * 2);
    const Y = triangularSolve(Tensor.from(L, [d, d]), Tensor.from(R, [3, d])).toRows();
    Y.forEach((y, i) => {
      for (let j = 0; j < d; j++) {
        let s = 0;
        for (let k = 0; k <= j; k++) s += L[j * d + k] * y[k];
        expect(s).toBeCloseTo(R[i * d + j], 12);
      }
    });
  });
  it.each([1, 3, 6])("gradient w.r.t. L (lower triangle; upper entries 0) and R matches finite differences (d = %i)", (d) => {
    expect(gradCheck(triangularSolve, [{ shape: [d, d], values: factor(d) }, { shape: [4, d] }])).toBeLessThan(1e-6);
  });
  it("rejects R whose rows are not of length d", () => {
    expect(() => triangularSolve(Tensor.from(factor(3), [3, 3]), Tensor.zeros([2, 2]))).toThrow(/^R/);
  });
});

describe("logDetTriangular", () => {
  it("is sum_j log L_jj; gradient 1 / L_jj on the diagonal", () => {
    const d = 5;
    const L = factor(d);
    const want = Array.from({ length: d }, (_, j) => Math.log(L[j * d + j])).reduce((a, b) => a + b, 0);
    expect(logDetTriangular(Tensor.from(L, [d, d])).item()).toBeCloseTo(want, 13);
    expect(gradCheck(logDetTriangular, [{ shape: [d, d], values: factor(d) }])).toBeLessThan(1e-6);
  });
});

describe("transpose", () => {
  it("swaps the axes; the gradient is transposed back", () => {
    const x = Tensor.from([[1, 2, 3], [4, 5, 6]]);
    expect(transpose(x).toRows()).toEqual([[1, 4], [2, 5], [3, 6]]);
    expect(gradCheck((a) => matmul(transpose(a), a), [{ shape: [3, 5] }])).toBeLessThan(1e-6);
    expect(() => transpose(Tensor.zeros([3]))).toThrow(ShapeError);
  });
});
