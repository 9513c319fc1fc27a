import { describe, it, expect } from "vitest";
import { Tensor, ShapeError, NonFiniteError, DomainError } from "../../src/index.js";

describe("Tensor.from / toArray", () => {
  it("copies flat values with an explicit shape", () => {
    const t = Tensor.from([1, 2, 3, 4, 5, 6], [2, 3]);
    expect(t.shape).toEqual([2, 3]);
    expect([t.size, t.rows, t.cols, t.rank]).toEqual([6, 2, 3, 2]);
    expect(t.toArray()).toEqual([1, 2, 3, 4, 5, 6]);
    expect(t.toRows()).toEqual([[1, 2, 3], [4, 5, 6]]);
  });
  it("infers [n] from a flat array and [rows, cols] from nested rows", () => {
    expect(Tensor.from(new Float64Array([1, 2, 3])).shape).toEqual([3]);
    const t = Tensor.from([[1, 2], [3, 4], [5, 6]]);
    expect(t.shape).toEqual([3, 2]);
    expect(t.toArray()).toEqual([1, 2, 3, 4, 5, 6]);
  });
  it("does not alias the source array", () => {
    const src = [1, 2, 3];
    const t = Tensor.from(src);
    src[0] = 99;
    expect(t.toArray()).toEqual([1, 2, 3]);
  });
  it("scalar, zeros, full, item", () => {
    expect(Tensor.scalar(2.5).item()).toBe(2.5);
    expect(Tensor.zeros([2, 2]).toArray()).toEqual([0, 0, 0, 0]);
    expect(Tensor.full([3], -1).toArray()).toEqual([-1, -1, -1]);
  });
});

describe("Tensor errors", () => {
  it("rejects NaN and Inf, naming the index", () => {
    expect(() => Tensor.from([1, NaN, 3])).toThrow(NonFiniteError);
    expect(() => Tensor.from([1, 2, Infinity])).toThrow("values: expected finite numbers, received Infinity at index 2");
    expect(() => Tensor.from([1, 2], [2], "arena", undefined, "data")).not.toThrow();
    expect(() => Tensor.from([NaN], [1], "arena", undefined, "data")).toThrow(/^data: /);
  });
  it("rejects zero, negative and fractional dimensions", () => {
    expect(() => Tensor.zeros([2, 0])).toThrow(DomainError);
    expect(() => Tensor.zeros([-1])).toThrow(DomainError);
    expect(() => Tensor.from([1, 2], [2, 0.5])).toThrow("shape: expected positive integer dimensions, received [2, 0.5]");
    expect(() => Tensor.from([])).toThrow(DomainError);
  });
  it("rejects a value count that does not match the shape", () => {
    expect(() => Tensor.from([1, 2, 3], [2, 2])).toThrow("values: expected 4 values for shape [2, 2], received 3 values");
    expect(() => Tensor.from([[1, 2], [3]])).toThrow(ShapeError);
    expect(() => Tensor.zeros([3]).set([1, 2])).toThrow(ShapeError);
  });
  it("item on a tensor with more than one value", () => {
    expect(() => Tensor.zeros([2]).item()).toThrow("tensor: expected a tensor with one value, received shape [2]");
  });
});

describe("reshape / clone / set / firstNonFinite / dispose", () => {
  it("reshape is a view with the same values", () => {
    const t = Tensor.from([1, 2, 3, 4, 5, 6], [2, 3]);
    const r = t.reshape([3, 2]);
    expect(r.toRows()).toEqual([[1, 2], [3, 4], [5, 6]]);
    t.set([6, 5, 4, 3, 2, 1]);
    expect(r.toArray()).toEqual([6, 5, 4, 3, 2, 1]);
    expect(() => t.reshape([4, 2])).toThrow("shape: expected a shape of size 6, received [4, 2] (size 8)");
    expect(() => t.reshape([6, 0])).toThrow(DomainError);
  });
  it("clone has its own storage", () => {
    const t = Tensor.from([1, 2]);
    const c = t.clone();
    t.set([3, 4]);
    expect(c.toArray()).toEqual([1, 2]);
  });
  it("firstNonFinite finds a NaN produced in memory", () => {
    const t = Tensor.from([1, 2, 3, 4, 5]);
    expect(t.firstNonFinite()).toBe(-1);
    t.view()[3] = NaN;
    expect(t.firstNonFinite()).toBe(3);
  });
  it("a disposed persistent tensor's memory is reused by the next allocation of that size", () => {
    const a = Tensor.zeros([37], "persistent");
    const b = Tensor.zeros([5], "persistent"); // a is no longer at the top of memory
    const ptr = a.ptr;
    a.dispose();
    const c = Tensor.zeros([37], "persistent");
    expect(c.ptr).toBe(ptr);
    b.dispose();
    c.dispose();
  });
});
