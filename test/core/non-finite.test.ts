import { describe, expect, it } from "vitest";
import { Tensor } from "../../src/index.js";

describe("firstNonFinite", () => {
  it.each([1, 2, 63, 64, 65, 130, 1000])("finds the first NaN/Inf at any position of %i values", (n) => {
    const t = Tensor.zeros([n], "persistent");
    expect(t.firstNonFinite()).toBe(-1);
    for (const pos of [0, Math.floor(n / 2), n - 1]) {
      for (const bad of [NaN, Infinity, -Infinity]) {
        const v = new Float64Array(n).fill(1.5);
        v[pos] = bad;
        if (pos + 1 < n) v[n - 1] = NaN; // a later one must not win
        t.set(v);
        expect(t.firstNonFinite()).toBe(pos);
      }
    }
    t.dispose();
  });
});

describe("firstAbsAbove (the parameter sanity bound)", () => {
  const ref = (v: Float64Array, bound: number) => v.findIndex((x) => !(Math.abs(x) <= bound));
  it.each([1, 2, 63, 64, 65, 130, 1000])("finds the first value beyond +-bound, NaN or Inf at any position of %i values", (n) => {
    const t = Tensor.zeros([n], "persistent");
    const first = (bound: number) => t.rt.k.firstAbsAbove(t.ptr, n, bound);
    expect(first(0)).toBe(-1);
    for (const pos of [0, Math.floor(n / 2), n - 1]) {
      for (const bad of [NaN, Infinity, -Infinity, 1e13, -1e13, 2.5]) {
        const v = new Float64Array(n).map((_, i) => Math.sin(i)); // |v| <= 1
        v[pos] = bad;
        if (pos + 1 < n) v[n - 1] = NaN; // a later one must not win
        t.set(v);
        expect(first(2)).toBe(ref(v, 2));
        expect(first(2)).toBe(pos);
        expect(first(Infinity)).toBe(Number.isFinite(bad) ? (pos + 1 < n ? n - 1 : -1) : pos);
      }
    }
    t.set(new Float64Array(n).fill(-3));
    expect(first(3)).toBe(-1); // the bound itself is inside
    t.dispose();
  });
});
