import { describe, it, expect } from "vitest";
import { DomainError, ParamStore, Rng, UnknownNameError, glorotUniform, heNormal, inits, type Init } from "../../src/index.js";
import { fans, resolveInit } from "../../src/low-level.js";

function sample(init: Init, shape: number[], seed = 7): number[] {
  return ParamStore.build([{ name: "w", shape, init }], new Rng(seed)).values.toArray();
}

const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
const std = (xs: number[]) => {
  const m = mean(xs);
  return Math.sqrt(xs.reduce((s, x) => s + (x - m) ** 2, 0) / (xs.length - 1));
};

describe("initializers", () => {
  it("fans follow W [in, out]", () => {
    expect(fans([30, 20])).toEqual([30, 20]);
    expect(fans([5])).toEqual([5, 5]);
  });

  it("glorotUniform stays within +-sqrt(6 / (in + out)) and fills it uniformly", () => {
    const a = Math.sqrt(6 / (200 + 100));
    const w = sample(glorotUniform, [200, 100]);
    expect(Math.max(...w.map(Math.abs))).toBeLessThanOrEqual(a);
    expect(Math.max(...w)).toBeGreaterThan(0.99 * a);
    expect(Math.min(...w)).toBeLessThan(-0.99 * a);
    expect(Math.abs(mean(w))).toBeLessThan(0.01 * a);
    expect(std(w)).toBeCloseTo(a / Math.sqrt(3), 3);
  });

  it("heNormal has std sqrt(2 / fanIn)", () => {
    const w = sample(heNormal, [50, 400]);
    expect(Math.abs(mean(w))).toBeLessThan(0.005);
    // 20000 draws: the sample std is within 3% (6 standard errors) of sqrt(2 / 50)
    expect(Math.abs(std(w) / Math.sqrt(2 / 50) - 1)).toBeLessThan(0.03);
  });

  it("normal(std, mean), constant and zeros", () => {
    const w = sample(inits.normal(0.3, 2), [20000]);
    expect(mean(w)).toBeCloseTo(2, 2);
    expect(std(w)).toBeCloseTo(0.3, 2);
    expect(sample(inits.constant(1.5), [3])).toEqual([1.5, 1.5, 1.5]);
    expect(sample(inits.zeros, [2, 2])).toEqual([0, 0, 0, 0]);
  });

  it("is deterministic in the seed", () => {
    expect(sample(heNormal, [4, 3], 1)).toEqual(sample(heNormal, [4, 3], 1));
    expect(sample(heNormal, [4, 3], 1)).not.toEqual(sample(heNormal, [4, 3], 2));
    expect(sample(glorotUniform, [4, 3], 1)).not.toEqual(sample(glorotUniform, [4, 3], 2));
  });

  it("resolves names and rejects bad arguments", () => {
    expect(resolveInit("heNormal")).toBe(heNormal);
    expect(() => resolveInit("xavier" as "heNormal")).toThrow(UnknownNameError);
    expect(() => resolveInit("toString" as "heNormal")).toThrow(UnknownNameError);
    expect(() => inits.normal(0)).toThrow(DomainError);
    expect(() => inits.constant(NaN)).toThrow(/c/);
  });
});
