import { describe, expect, it } from "vitest";
import { Tensor } from "../../src/core/tensor.js";
import { DomainError, ShapeError } from "../../src/core/errors.js";
import { packedTrilLogDet, packedTrilMatVec, packedTrilSolve, packedTrilSize } from "../../src/autodiff/ops/packed-triangular.js";
import { gradCheck } from "../helpers/gradcheck.js";

/** Packed rows (log diagonal) of `rows` factors of size d, deterministic. */
function packed(rows: number, d: number): number[] {
  return Array.from({ length: rows * packedTrilSize(d) }, (_, i) => Math.sin(2.3 * i + 0.7) * 0.6);
}

/** The dense d x d factor of packed row `i` (plain JS reference). */
function dense(p: number[], i: number, d: number): number[][] {
  const T = packedTrilSize(d);
  const L = Array.from({ length: d }, () => new Array<number>(d).fill(0));
  for (let j = 0; j < d; j++) for (let k = 0; k <= j; k++) {
    const v = p[i * T + (j * (j + 1)) / 2 + k];
    L[j][k] = j === k ? Math.exp(v) : v;
  }
  return L;
}

describe("packed lower-triangular factors (log diagonal), one per row", () => {
  it.each([1, 2, 4])("L x and L^{-1} r match the dense factor, log det is the diagonal's sum (d = %i)", (d) => {
    const rows = 3;
    const p = packed(rows, d);
    const x = Array.from({ length: rows * d }, (_, i) => Math.cos(1.1 * i));
    const Lp = Tensor.from(p, [rows, packedTrilSize(d)]);
    const y = packedTrilMatVec(Lp, Tensor.from(x, [rows, d])).toArray();
    const back = packedTrilSolve(Lp, Tensor.from(y, [rows, d])).toArray();
    const logDet = packedTrilLogDet(Lp).toArray();
    for (let i = 0; i < rows; i++) {
      const L = dense(p, i, d);
      let ld = 0;
      for (let j = 0; j < d; j++) {
        const ref = L[j].reduce((s, v, k) => s + v * x[i * d + k], 0);
        expect(y[i * d + j]).toBeCloseTo(ref, 12);
        expect(back[i * d + j]).toBeCloseTo(x[i * d + j], 12);
        ld += Math.log(L[j][j]);
      }
      expect(logDet[i]).toBeCloseTo(ld, 12);
    }
  });

  it.each([1, 3, 5])("gradients of L x, L^{-1} r and log det L match finite differences (d = %i)", (d) => {
    const T = packedTrilSize(d);
    const factor = { shape: [4, T], transform: (v: number) => 0.4 * v };
    expect(gradCheck(packedTrilMatVec, [factor, { shape: [4, d] }])).toBeLessThan(1e-6);
    expect(gradCheck(packedTrilSolve, [factor, { shape: [4, d] }])).toBeLessThan(1e-6);
    expect(gradCheck(packedTrilLogDet, [factor])).toBeLessThan(1e-6);
  });

  it("rejects a width that is no triangle number and rows that do not match, naming the argument", () => {
    expect(() => packedTrilMatVec(Tensor.zeros([2, 4]), Tensor.zeros([2, 2]))).toThrow(DomainError);
    expect(() => packedTrilLogDet(Tensor.zeros([2, 5]))).toThrow(/Lp.*d\(d\+1\)\/2/);
    expect(() => packedTrilSolve(Tensor.zeros([2, 3]), Tensor.zeros([2, 3]))).toThrow(ShapeError);
    expect(() => packedTrilSolve(Tensor.zeros([2, 3]), Tensor.zeros([3, 2]))).toThrow(/^r/);
  });
});
