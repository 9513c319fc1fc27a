// Properties every bijector must have, on each case of cases.ts: value and
// log |det J| against plain-JS references and a finite-difference Jacobian,
// both round trips, extreme inputs, gradients of forward / logdet / inverse.
import { describe, expect, it } from "vitest";
import { add, sumCols } from "../../../src/index.js";
import { Rng } from "../../../src/core/rng.js";
import { Tensor } from "../../../src/core/tensor.js";
import { ShapeError } from "../../../src/core/errors.js";
import { gradCheck } from "../../helpers/gradcheck.js";
import { CASES, numericLogDet, rowsTensor } from "./cases.js";

const normals = (seed: number, rows: number, cols: number, sd = 1) =>
  new Rng(seed).normal([rows, cols]).toRows().map((r) => r.map((v) => sd * v));

const maxAbsDiff = (a: number[][], b: number[][]) => Math.max(...a.flatMap((r, i) => r.map((v, j) => Math.abs(v - b[i][j]))));

describe.each(CASES)("$name", ({ bijector: b, du, forward, logDet, pointFrom }) => {
  const dx = b.constrainedSize(du);
  const u = normals(11, 6, du, 2);

  it("sizes: du <-> dx", () => {
    expect(b.unconstrainedSize(dx)).toBe(du);
    expect(dx).toBe(forward(new Array(du).fill(0)).length);
  });

  it("forward and logAbsDetJacobian match the plain-JS reference", () => {
    const x = b.forward(rowsTensor(u)).toRows();
    expect(x[0].length).toBe(dx);
    x.forEach((row, r) => row.forEach((v, j) => expect(v).toBeCloseTo(forward(u[r])[j], 12)));
    const ld = b.logAbsDetJacobian(rowsTensor(u)).toArray();
    expect(ld.length).toBe(u.length);
    ld.forEach((v, r) => expect(v).toBeCloseTo(logDet(u[r]), 11));
  });

  it("forwardWithLogDet gives the same numbers as forward and logAbsDetJacobian", () => {
    const both = b.forwardWithLogDet(rowsTensor(u));
    expect(both.value.toRows()).toEqual(b.forward(rowsTensor(u)).toRows());
    expect(both.logDet.toArray()).toEqual(b.logAbsDetJacobian(rowsTensor(u)).toArray());
  });

  it("log |det J| matches the determinant of a finite-difference Jacobian", () => {
    const ld = b.logAbsDetJacobian(rowsTensor(u)).toArray();
    u.forEach((row, r) => expect(Math.abs(ld[r] - numericLogDet(b, row))).toBeLessThan(1e-7));
  });

  it("inverse(forward(u)) = u on random u", () => {
    const back = b.inverse(b.forward(rowsTensor(u))).toRows();
    expect(maxAbsDiff(back, u)).toBeLessThan(1e-10);
  });

  it("forward(inverse(x)) = x on random x in the codomain", () => {
    const x = normals(12, 6, dx).map(pointFrom).map((r) => r.slice(0, dx));
    const again = b.forward(b.inverse(rowsTensor(x))).toRows();
    again.forEach((row, r) => row.forEach((v, j) => expect(Math.abs(v - x[r][j])).toBeLessThan(1e-12 * Math.max(1, Math.abs(x[r][j])))));
  });

  it("u = +-30 and 0: forward and logdet finite, round trip within the documented resolution", () => {
    const ext = [new Array(du).fill(30), new Array(du).fill(-30), new Array(du).fill(0), Array.from({ length: du }, (_, j) => (j % 2 ? 30 : -30))];
    const { value, logDet: ld } = b.forwardWithLogDet(rowsTensor(ext));
    expect(value.firstNonFinite()).toBe(-1);
    expect(ld.firstNonFinite()).toBe(-1);
    ld.toArray().forEach((v, r) => expect(v).toBeCloseTo(logDet(ext[r]), 8));
    const back = b.inverse(value).toRows();
    const x = value.toRows();
    back.forEach((row, r) =>
      row.forEach((v, j) => {
        // sigmoid-affine: u is held only to ulp(bound) / |x - bound| (see intervalBijector)
        const cod = b.codomain;
        const res = cod.kind === "interval" ? (4 * Number.EPSILON * Math.max(Math.abs(cod.low), Math.abs(cod.high), 1)) / Math.min(x[r][j] - cod.low, cod.high - x[r][j]) : 0;
        expect(Math.abs(v - ext[r][j])).toBeLessThanOrEqual(1e-11 * Math.max(1, Math.abs(ext[r][j])) + res);
      }),
    );
  });

  it("gradient of forward matches finite differences", () => {
    expect(gradCheck((t) => b.forward(t), [{ shape: [4, du] }])).toBeLessThan(1e-6);
  });

  it("gradient of logAbsDetJacobian matches finite differences", () => {
    expect(gradCheck((t) => b.logAbsDetJacobian(t), [{ shape: [4, du] }])).toBeLessThan(1e-6);
  });

  it("gradients of forwardWithLogDet's two outputs used together match finite differences", () => {
    const f = (t: Tensor) => {
      const r = b.forwardWithLogDet(t);
      return add(sumCols(r.value), r.logDet);
    };
    expect(gradCheck(f, [{ shape: [4, du] }])).toBeLessThan(1e-6);
  });

  it("forward and logdet reject a tensor that is not [rows, du]", () => {
    const flat = Tensor.zeros([du]);
    expect(() => b.forward(flat)).toThrow(ShapeError);
    expect(() => b.logAbsDetJacobian(flat)).toThrow(ShapeError);
    expect(() => b.forwardWithLogDet(flat)).toThrow(ShapeError);
    expect(() => b.inverse(Tensor.zeros([dx]))).toThrow(ShapeError);
  });
});

describe.each(CASES.filter((c) => c.bijector.codomain.kind !== "simplex"))("$name inverse", ({ bijector: b, du, pointFrom }) => {
  it("gradient of inverse matches finite differences", () => {
    const x = normals(13, 3, du).flatMap(pointFrom);
    expect(gradCheck((t) => b.inverse(t), [{ shape: [3, du], values: x }])).toBeLessThan(1e-6);
  });
});
