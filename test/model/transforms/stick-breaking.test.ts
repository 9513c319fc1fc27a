// Stick-breaking specifics beyond the shared properties of bijectors.test.ts:
// the uniform point, K = 2, tails, the inverse's gradient off the simplex and
// its validation.
import { describe, expect, it } from "vitest";
import { backward, clearTape, startRecording, stopRecording } from "../../../src/autodiff/tape.js";
import { DomainError, ShapeError } from "../../../src/core/errors.js";
import { Rng } from "../../../src/core/rng.js";
import { Tensor } from "../../../src/core/tensor.js";
import { stickBreakingBijector as sb } from "../../../src/model/transforms/index.js";
import { rowsTensor } from "./cases.js";

describe("stick-breaking", () => {
  it.each([2, 3, 4, 7])("u = 0 maps to the uniform point for K = %i", (K) => {
    const x = sb.forward(Tensor.zeros([2, K - 1])).toArray();
    x.forEach((v) => expect(v).toBeCloseTo(1 / K, 15));
  });

  it("K = 2 is the logistic map x = (sigmoid(u), 1 - sigmoid(u))", () => {
    const u = [-3, -0.2, 0.5, 4];
    const x = sb.forward(rowsTensor(u.map((v) => [v]))).toRows();
    x.forEach((row, i) => {
      const s = 1 / (1 + Math.exp(-u[i]));
      expect(row[0]).toBeCloseTo(s, 15);
      expect(row[1]).toBeCloseTo(1 - s, 15);
    });
  });

  it("rows sum to 1 and entries stay > 0 for large |u| (until the remaining stick underflows)", () => {
    const u = [[60, -60, 60, -60], [-200, -200, -200, -200], [150, 150, 150, 150]];
    const x = sb.forward(rowsTensor(u)).toRows();
    for (const row of x) {
      expect(Math.abs(row.reduce((a, b) => a + b, 0) - 1)).toBeLessThan(1e-15);
      row.forEach((v) => expect(v).toBeGreaterThan(0));
    }
    expect(sb.forward(rowsTensor([[200, 200, 200, 200]])).toArray()[4]).toBe(0); // e^-800: the documented limit
    // a tiny remaining stick is held to full relative precision: the inverse uses suffix sums
    const back = sb.inverse(sb.forward(rowsTensor([[40, 40, 40]]))).toArray();
    back.forEach((v) => expect(Math.abs(v - 40)).toBeLessThan(1e-12 * 40));
  });

  it("the inverse's gradient (of its scale-invariant formula) matches finite differences, also off the simplex's tangent", () => {
    // u_k = log x_k - log(sum_{j>k} x_j) + log(K-1-k), plain JS, valid for any positive x
    const ref = (x: number[]) =>
      x.slice(0, -1).map((v, k) => Math.log(v) - Math.log(x.slice(k + 1).reduce((a, b) => a + b, 0)) + Math.log(x.length - 1 - k));
    const K = 5;
    const rng = new Rng(4);
    const raw = rng.uniform([3, K]).toArray().map((v) => v + 0.1);
    const rows = [0, 1, 2].map((r) => {
      const row = raw.slice(r * K, (r + 1) * K);
      const t = row.reduce((a, b) => a + b, 0);
      return row.map((v) => v / t);
    });
    const w = rng.normal([3, K - 1]).toRows();
    const x = rowsTensor(rows).clone("persistent");
    x.requiresGrad = true;
    startRecording();
    const u = sb.inverse(x);
    stopRecording();
    backward(u, rowsTensor(w));
    const analytic = x.grad!.toRows();
    clearTape();
    x.dispose();
    const eps = 1e-6;
    rows.forEach((row, r) => {
      for (let j = 0; j < K; j++) {
        const f = (d: number) => ref(row.map((v, i) => (i === j ? v + d : v))).reduce((s, v, k) => s + v * w[r][k], 0);
        const numeric = (f(eps) - f(-eps)) / (2 * eps);
        expect(Math.abs(analytic[r][j] - numeric)).toBeLessThan(1e-6 * Math.max(1, Math.abs(numeric)));
      }
    });
  });

  it("inverse rejects rows off the simplex with a DomainError naming the row", () => {
    expect(() => sb.inverse(rowsTensor([[0.5, 0.5], [0.3, 0.6]]))).toThrow(/row 1/);
    expect(() => sb.inverse(rowsTensor([[0.5, 0.5, 0]]))).toThrow(DomainError);
    expect(() => sb.inverse(rowsTensor([[1.5, -0.5]]))).toThrow(DomainError);
    expect(() => sb.inverse(rowsTensor([[1], [1]]))).toThrow(ShapeError);
  });

  it("sizes: K - 1 reals for K entries; K >= 2", () => {
    expect(sb.unconstrainedSize(4)).toBe(3);
    expect(sb.constrainedSize(3)).toBe(4);
    expect(() => sb.unconstrainedSize(1)).toThrow(DomainError);
    expect(() => sb.constrainedSize(0)).toThrow(DomainError);
    expect(() => sb.constrainedSize(1.5)).toThrow(DomainError);
  });
});
