import { describe, expect, it } from "vitest";
import { DomainError, Rng, ShapeError } from "../../src/index.js";
import { autocovariance, essBulk, essMean, splitRhat } from "../../src/diagnostics/mcmc.js";

/** M chains of an AR(1) process x_t = phi x_{t-1} + sqrt(1 - phi^2) e_t (stationary N(0, 1)), each shifted and scaled. */
function ar1Chains(M: number, n: number, phi: number, seed: number, shift = (_c: number) => 0, scale = (_c: number) => 1): Float64Array[] {
  const rng = new Rng(seed);
  const e = rng.normal([M * n]).toFloat64Array();
  return Array.from({ length: M }, (_, c) => {
    const x = new Float64Array(n);
    let v = e[c * n];
    for (let t = 0; t < n; t++) {
      if (t > 0) v = phi * v + Math.sqrt(1 - phi * phi) * e[c * n + t];
      x[t] = shift(c) + scale(c) * v;
    }
    return x;
  });
}

describe("splitRhat", () => {
  it("is ~1 for chains of one stationary process and well above 1.01 when a chain sits elsewhere or has another scale", () => {
    expect(Math.abs(splitRhat(ar1Chains(4, 2000, 0, 1)) - 1)).toBeLessThan(0.005);
    expect(splitRhat(ar1Chains(4, 4000, 0.5, 2))).toBeLessThan(1.01);
    // one chain of four shifted by one sd: var+ / W ~ 1 + var(split-chain means) ~ 1.2
    expect(splitRhat(ar1Chains(4, 2000, 0, 3, (c) => (c === 0 ? 1 : 0)))).toBeGreaterThan(1.05);
    // same location, one chain twice as wide: only the folded (tail) R-hat sees it
    expect(splitRhat(ar1Chains(4, 2000, 0, 4, () => 0, (c) => (c === 0 ? 2 : 1)))).toBeGreaterThan(1.02);
    // a drifting chain: split halves disagree
    const drift = ar1Chains(2, 2000, 0, 5).map((c) => c.map((v, t) => v + (3 * t) / 2000));
    expect(splitRhat(drift)).toBeGreaterThan(1.1);
  });

  it("rejects unequal, too short or non-finite chains with typed errors", () => {
    expect(() => splitRhat([new Float64Array(10), new Float64Array(11)])).toThrow(ShapeError);
    expect(() => splitRhat([new Float64Array(3), new Float64Array(3)])).toThrow(ShapeError);
    expect(() => splitRhat([Float64Array.from([1, 2, NaN, 4]), Float64Array.from([1, 2, 3, 4])])).toThrow(DomainError);
  });
});

describe("essBulk / essMean", () => {
  it("is ~M n for independent draws and M n (1 - phi) / (1 + phi) for AR(1) chains", () => {
    const iid = ar1Chains(4, 5000, 0, 6);
    expect(essBulk(iid) / 20000).toBeGreaterThan(0.9);
    expect(essBulk(iid) / 20000).toBeLessThan(1.1);
    for (const phi of [0.5, 0.9]) {
      const chains = ar1Chains(4, 20000, phi, 7);
      const expected = (80000 * (1 - phi)) / (1 + phi);
      expect(Math.abs(essMean(chains) / expected - 1)).toBeLessThan(0.15);
      expect(Math.abs(essBulk(chains) / expected - 1)).toBeLessThan(0.15);
    }
  });

  it("autocovariance by FFT equals the direct sum", () => {
    const x = ar1Chains(1, 300, 0.7, 8)[0];
    const acov = autocovariance(x);
    const m = x.reduce((s, v) => s + v, 0) / x.length;
    for (const t of [0, 1, 5, 50, 299]) {
      let s = 0;
      for (let i = 0; i + t < x.length; i++) s += (x[i] - m) * (x[i + t] - m);
      expect(acov[t]).toBeCloseTo(s / x.length, 12);
    }
  });
});
