import { describe, expect, it } from "vitest";
import { DomainError, Rng, UnknownNameError, assignCodes } from "../../../src/index.js";
import { normalQuantile, orderAlongCurve, spearman } from "../../../src/low-level.js";

/** n points along a curve t -> g(t) with small noise, t shuffled; returns rows and the hidden t. */
function curve(n: number, g: (t: number) => number[], seed: number, noise = 0.02) {
  const rng = new Rng(seed);
  const t = rng.uniform([n]).toFloat64Array();
  const eps = rng.normal([n * 2]).toFloat64Array();
  const x = new Float64Array(n * 2);
  for (let i = 0; i < n; i++) {
    const p = g(t[i]);
    x[2 * i] = p[0] + noise * eps[2 * i];
    x[2 * i + 1] = p[1] + noise * eps[2 * i + 1];
  }
  return { x, t };
}

const rankOf = (order: Int32Array) => {
  const r = new Float64Array(order.length);
  order.forEach((row, i) => (r[row] = i));
  return r;
};

describe("orderAlongCurve", () => {
  it("recovers a monotone order with the first principal component (|Spearman| > 0.99)", () => {
    const { x, t } = curve(300, (s) => [4 * s, Math.sin(3 * s)], 1);
    const { order, method } = orderAlongCurve(x, 2, { ordering: "auto" });
    expect(method).toBe("pca");
    expect(Math.abs(spearman(rankOf(order), t))).toBeGreaterThan(0.99);
  });
  it("follows a spiral with the Fiedler vector where PC1 fails", () => {
    const spiral = (s: number) => {
      const a = 1 + 3 * Math.PI * s;
      return [0.3 * a * Math.cos(a), 0.3 * a * Math.sin(a)];
    };
    const { x, t } = curve(400, spiral, 2);
    const f = orderAlongCurve(x, 2, { ordering: "fiedler" });
    const p = orderAlongCurve(x, 2, { ordering: "pca" });
    expect(Math.abs(spearman(rankOf(f.order), t))).toBeGreaterThan(0.99);
    expect(Math.abs(spearman(rankOf(p.order), t))).toBeLessThan(0.9);
    expect(orderAlongCurve(x, 2).method).toBe("fiedler");
  });
  it("rejects an unknown ordering method", () => {
    expect(() => orderAlongCurve(new Float64Array(20), 2, { ordering: "isomap" as never })).toThrow(UnknownNameError);
  });
});

describe("assignCodes", () => {
  it("1-D: the codes are exactly the prior quantiles Phi^-1((i + 1/2) / n), in curve order", () => {
    const { x } = curve(101, (s) => [4 * s, Math.sin(3 * s)], 3);
    const { codes, method } = assignCodes(x, 2, 1, new Rng(1));
    expect(method).toContain("quantiles");
    const sorted = Float64Array.from(codes).sort();
    sorted.forEach((c, i) => expect(c).toBeCloseTo(normalQuantile((i + 0.5) / 101), 12));
  });
  it("2-D: every prior draw is used once (Hungarian for small n)", () => {
    const rng = new Rng(4);
    const x = rng.normal([120 * 3]).toFloat64Array();
    const a = assignCodes(x, 3, 2, new Rng(9));
    expect(a.method).toContain("hungarian");
    const draws = new Rng(9).normal([240]).toFloat64Array();
    expect(Float64Array.from(a.codes).sort()).toEqual(Float64Array.from(draws).sort());
  });
  it("rejects a latent dimension above 2", () => {
    expect(() => assignCodes(new Float64Array(30), 3, 3, new Rng(1))).toThrow(/latentDim/);
    expect(() => assignCodes(new Float64Array(30), 3, 3, new Rng(1))).toThrow(DomainError);
  });
  it("normalQuantile matches known values and rejects p outside (0, 1)", () => {
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963985, 7);
    expect(normalQuantile(0.001)).toBeCloseTo(-3.090232306, 7);
    expect(() => normalQuantile(1)).toThrow(DomainError);
  });
});
