import { describe, it, expect } from "vitest";
import {
  Tensor,
  ShapeError,
  DomainError,
  reshape,
  concatCols,
  sliceCols,
  pickCols,
  oneHot,
  repeatRows,
  mul,
  sum,
  backward,
} from "../../src/index.js";
import { startRecording, stopRecording, clearTape } from "../../src/low-level.js";
import { gradCheck, CHECK_SHAPES } from "../helpers/gradcheck.js";

const seq = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

describe("reshape", () => {
  it("keeps values, changes the shape", () => {
    const y = reshape(Tensor.from(seq(6), [2, 3]), [3, 2]);
    expect(y.shape).toEqual([3, 2]);
    expect(y.toRows()).toEqual([[1, 2], [3, 4], [5, 6]]);
  });
  it.each(CHECK_SHAPES)("gradient matches finite differences for shape [%i, %i]", (r, c) => {
    // multiply by the reshaped input so that the gradient depends on the layout
    expect(gradCheck((x) => mul(reshape(x, [c, r]), reshape(x, [c, r])), [{ shape: [r, c] }])).toBeLessThan(1e-6);
  });
  it("rejects a shape of another size", () => {
    expect(() => reshape(Tensor.zeros([2, 3]), [4, 2])).toThrow(ShapeError);
  });
});

describe("concatCols", () => {
  it("puts the columns side by side", () => {
    const a = Tensor.from([[1, 2], [3, 4]]);
    const b = Tensor.from([[5], [6]]);
    const c = Tensor.from([[7, 8, 9], [10, 11, 12]]);
    expect(concatCols([a, b, c]).toRows()).toEqual([[1, 2, 5, 7, 8, 9], [3, 4, 6, 10, 11, 12]]);
  });
  it.each(CHECK_SHAPES)("gradient matches finite differences for parts of [%i, %i], [rows, 2], [rows, 1]", (r, c) => {
    expect(gradCheck((a, b, d) => concatCols([a, b, d]), [{ shape: [r, c] }, { shape: [r, 2] }, { shape: [r, 1] }])).toBeLessThan(1e-6);
  });
  it("routes gradients only to parts that need them", () => {
    expect(gradCheck((a, b) => concatCols([a, b]), [{ shape: [3, 2], constant: true }, { shape: [3, 3] }])).toBeLessThan(1e-6);
  });
  it("rejects parts with different row counts and an empty list", () => {
    expect(() => concatCols([Tensor.zeros([2, 2]), Tensor.zeros([3, 2])])).toThrow("parts[1]: expected 2 rows like parts[0], received shape [3, 2]");
    expect(() => concatCols([])).toThrow(ShapeError);
  });
});

describe("sliceCols", () => {
  it("takes columns [start, end)", () => {
    expect(sliceCols(Tensor.from(seq(8), [2, 4]), 1, 3).toRows()).toEqual([[2, 3], [6, 7]]);
  });
  it.each(CHECK_SHAPES)("gradient matches finite differences for shape [%i, %i]", (r, c) => {
    const start = Math.floor(c / 3);
    expect(gradCheck((x) => sliceCols(x, start, c), [{ shape: [r, c] }])).toBeLessThan(1e-6);
  });
  it("rejects bad bounds", () => {
    const x = Tensor.zeros([2, 4]);
    expect(() => sliceCols(x, 2, 2)).toThrow(DomainError);
    expect(() => sliceCols(x, 1, 5)).toThrow("end: expected an integer <= 4 (columns of x), received 5");
    expect(() => sliceCols(x, -1, 2)).toThrow(DomainError);
  });
});

describe("pickCols", () => {
  it("picks x[b, idx[b]]", () => {
    expect(pickCols(Tensor.from(seq(6), [3, 2]), new Int32Array([1, 0, 1])).toArray()).toEqual([2, 3, 6]);
  });
  it.each(CHECK_SHAPES)("gradient matches finite differences for shape [%i, %i]", (r, c) => {
    const idx = Int32Array.from({ length: r }, (_, i) => (i * 2) % c);
    expect(gradCheck((x) => pickCols(x, idx), [{ shape: [r, c] }])).toBeLessThan(1e-6);
  });
  it("puts each row's gradient at its picked column", () => {
    const x = Tensor.from(seq(6), [2, 3], "persistent");
    x.requiresGrad = true;
    startRecording();
    const y = sum(pickCols(x, new Int32Array([2, 0])));
    stopRecording();
    backward(y);
    expect(x.grad!.toRows()).toEqual([[0, 0, 1], [1, 0, 0]]);
    clearTape();
    x.dispose();
  });
  it("rejects out-of-range indices and wrong counts", () => {
    const x = Tensor.zeros([2, 3]);
    expect(() => pickCols(x, new Int32Array([0, 3]))).toThrow("idx: expected indices in [0, 3), received 3 at position 1");
    expect(() => pickCols(x, new Int32Array([0, -1]))).toThrow(DomainError);
    expect(() => pickCols(x, new Int32Array([0]))).toThrow(ShapeError);
  });
});

describe("oneHot", () => {
  it("sets one 1 per row", () => {
    const y = oneHot(new Int32Array([2, 0, 1]), 3);
    expect(y.toRows()).toEqual([[0, 0, 1], [1, 0, 0], [0, 1, 0]]);
    expect(y.requiresGrad).toBe(false);
  });
  it("overwrites whatever the arena held before", () => {
    Tensor.full([4, 4], 9);
    expect(oneHot(new Int32Array([0, 1]), 4).toArray().filter((v) => v !== 0 && v !== 1)).toEqual([]);
  });
  it("rejects bad K and indices", () => {
    expect(() => oneHot(new Int32Array([0]), 0)).toThrow(DomainError);
    expect(() => oneHot(new Int32Array([5]), 3)).toThrow(DomainError);
    expect(() => oneHot(new Int32Array([]), 3)).toThrow(ShapeError);
  });
});

describe("repeatRows", () => {
  it("repeats each row k times consecutively", () => {
    const y = repeatRows(Tensor.from([[1, 2], [3, 4]]), 3);
    expect(y.shape).toEqual([6, 2]);
    expect(y.toRows()).toEqual([[1, 2], [1, 2], [1, 2], [3, 4], [3, 4], [3, 4]]);
  });
  it("keeps trailing dims", () => {
    expect(repeatRows(Tensor.zeros([2, 3, 2]), 2).shape).toEqual([4, 3, 2]);
    expect(repeatRows(Tensor.from([1, 2]), 2).toArray()).toEqual([1, 1, 2, 2]);
  });
  it.each(CHECK_SHAPES)("gradient matches finite differences for shape [%i, %i], k = 3", (r, c) => {
    expect(gradCheck((x) => repeatRows(x, 3), [{ shape: [r, c] }])).toBeLessThan(1e-6);
  });
  it("rejects k < 1", () => {
    expect(() => repeatRows(Tensor.zeros([2, 2]), 0)).toThrow("k: expected an integer >= 1, received 0");
  });
});

describe("backward accumulates (input used twice gives twice the gradient)", () => {
  const twice = (f: (x: Tensor) => Tensor) => (x: Tensor) => concatCols([f(x), f(x)]);
  it.each([
    ["reshape", (x: Tensor) => reshape(x, [5, 3])],
    ["concatCols", (x: Tensor) => concatCols([x, x])],
    ["sliceCols", (x: Tensor) => sliceCols(x, 1, 4)],
    ["pickCols", (x: Tensor) => reshape(pickCols(x, new Int32Array([4, 0, 2])), [3, 1])],
    ["repeatRows", (x: Tensor) => reshape(repeatRows(x, 2), [3, 10])],
  ] as [string, (x: Tensor) => Tensor][])("%s", (_, f) => {
    expect(gradCheck(twice(f), [{ shape: [3, 5] }])).toBeLessThan(1e-6);
  });
});
