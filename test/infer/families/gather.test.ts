import { describe, it, expect } from "vitest";
import { Tensor, DomainError, mul, sum, backward } from "../../../src/index.js";
import { startRecording, stopRecording, clearTape } from "../../../src/low-level.js";
import { gatherRows, sin, cos } from "../../../src/infer/families/index.js";
import { gradCheck } from "../../helpers/gradcheck.js";

describe("gatherRows", () => {
  it("picks rows by index, repeated indices included", () => {
    const x = Tensor.from([[1, 2], [3, 4], [5, 6]]);
    expect(gatherRows(x, Int32Array.from([2, 0, 2])).toRows()).toEqual([[5, 6], [1, 2], [5, 6]]);
  });
  it("scatter-adds the gradient (repeated rows accumulate)", () => {
    const x = Tensor.from([[1, 2], [3, 4], [5, 6]], undefined, "persistent");
    x.requiresGrad = true;
    startRecording();
    const y = sum(gatherRows(x, Int32Array.from([2, 0, 2])));
    stopRecording();
    backward(y);
    expect(x.grad!.toRows()).toEqual([[1, 1], [0, 0], [2, 2]]);
    clearTape();
    x.dispose();
  });
  it.each([[1, 1], [5, 3], [7, 4]])("gradient matches finite differences for [%i, %i]", (r, c) => {
    const idx = Int32Array.from({ length: 6 }, (_, i) => (i * 3) % r);
    expect(gradCheck((x) => mul(gatherRows(x, idx), gatherRows(x, idx)), [{ shape: [r, c] }])).toBeLessThan(1e-6);
  });
  it("rejects out-of-range indices, naming idx", () => {
    expect(() => gatherRows(Tensor.zeros([2, 1]), Int32Array.from([2]))).toThrow(DomainError);
    expect(() => gatherRows(Tensor.zeros([2, 1]), Int32Array.from([2]))).toThrow(/idx/);
  });
});

describe("sin / cos", () => {
  it("values and gradients", () => {
    expect(sin(Tensor.from([0, Math.PI / 2])).toArray()[1]).toBeCloseTo(1, 12);
    expect(cos(Tensor.from([0])).item()).toBeCloseTo(1, 12);
    expect(gradCheck((x) => mul(sin(x), cos(x)), [{ shape: [3, 5] }])).toBeLessThan(1e-6);
  });
});
