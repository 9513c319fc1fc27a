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
