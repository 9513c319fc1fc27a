import { describe, expect, it } from "vitest";
import { DomainError, Rng } from "../../../src/index.js";
import { MersenneTwister, numpyRandn } from "../../../src/experiments/sbi/numpy-random.js";
import { RandomStream, binomial, erfc, logBinomialCoefficient, logGamma, normalCdf, truncatedNormal } from "../../../src/experiments/sbi/random.js";

describe("numpyRandn", () => {
  it("reproduces numpy's RandomState(42) bit for bit (values printed by numpy 1.x / 2.x)", () => {
    const mt = new MersenneTwister(42);
    expect(mt.nextDouble()).toBe(0.3745401188473625);
    expect(mt.nextDouble()).toBe(0.9507143064099162);
    const z = numpyRandn(42, 100);
    expect(Array.from(z.subarray(0, 3))).toEqual([0.4967141530112327, -0.13826430117118466, 0.6476885381006925]);
    expect(z[99]).toBe(-0.23458713337514692);
    expect(z.reduce((s, v) => s + v, 0)).toBeCloseTo(-10.384651739409383, 12);
  });
});

describe("special functions", () => {
  it("erfc and Phi match reference values to 1e-14 relative", () => {
    // Python's math.erfc
    const ref: [number, number][] = [
      [0, 1],
      [0.3, 0.6713732405408726],
      [1, 0.15729920705028513],
      [1.9, 0.0072095707647425325],
      [2, 0.004677734981047265],
      [2.5, 0.0004069520174449589],
      [3, 2.2090496998585438e-5],
      [5, 1.5374597944280351e-12],
      [10, 2.088487583762545e-45],
      [-1.5, 1.9661051464753108],
    ];
    for (const [x, v] of ref) expect(Math.abs(erfc(x) - v) / v).toBeLessThan(1e-13);
    expect(normalCdf(0)).toBe(0.5);
    expect(normalCdf(1.959963984540054)).toBeCloseTo(0.975, 14);
  });

  it("logGamma and log C(n, k) match factorials", () => {
    expect(logGamma(1)).toBeCloseTo(0, 13);
    expect(logGamma(11)).toBeCloseTo(Math.log(3628800), 12);
    expect(logGamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 13);
    expect(logBinomialCoefficient(10, 3)).toBeCloseTo(Math.log(120), 12);
    expect(logBinomialCoefficient(1000, 0)).toBeCloseTo(0, 10);
  });
});

describe("binomial", () => {
  it("matches the pmf (chi-square over outcomes) and the moments n p, n p (1 - p), including tiny p", () => {
    const stream = new RandomStream(new Rng(3));
    const draws = 20000;
    for (const [n, p] of [
      [20, 0.3],
      [1000, 0.02],
      [1000, 0.6],
      [1000, 1e-6],
    ] as const) {
      const counts = new Map<number, number>();
      let m = 0;
      let m2 = 0;
      for (let i = 0; i < draws; i++) {
        const k = binomial(stream, n, p);
        expect(Number.isInteger(k) && k >= 0 && k <= n).toBe(true);
        counts.set(k, (counts.get(k) ?? 0) + 1);
        m += k / draws;
        m2 += (k * k) / draws;
      }
      const v = n * p * (1 - p);
      expect(Math.abs(m - n * p)).toBeLessThan(5 * Math.sqrt(v / draws) + 1e-9);
      if (v > 1) expect(Math.abs(m2 - m * m - v) / v).toBeLessThan(0.05);
      if (n === 20) {
        let chi2 = 0;
        for (let k = 0; k <= n; k++) {
          const e = draws * Math.exp(logBinomialCoefficient(n, k) + k * Math.log(p) + (n - k) * Math.log(1 - p));
          if (e > 5) chi2 += ((counts.get(k) ?? 0) - e) ** 2 / e;
        }
        expect(chi2).toBeLessThan(45); // ~15 degrees of freedom: the 99.99% point is ~42
      }
    }
    expect(binomial(stream, 10, 0)).toBe(0);
    expect(binomial(stream, 10, 1)).toBe(10);
    expect(() => binomial(stream, 10, 1.5)).toThrow(DomainError);
  });
});

describe("truncatedNormal", () => {
  const phi = (z: number) => Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI);
  it("has the truncated Normal's closed-form mean and variance on centred, short, one-sided and far-tail intervals", () => {
    const stream = new RandomStream(new Rng(8));
    for (const [a, b] of [
      [-1, 2],
      [-3, 3],
      [-0.2, 0.3],
      [0.1, 5],
      [2, 2.5],
      [4, 9],
      [6, Infinity],
      [-Infinity, -3],
    ] as const) {
      const Z = normalCdfSafe(b) - normalCdfSafe(a);
      const pa = Number.isFinite(a) ? phi(a) : 0;
      const pb = Number.isFinite(b) ? phi(b) : 0;
      const aa = Number.isFinite(a) ? a * pa : 0;
      const bb = Number.isFinite(b) ? b * pb : 0;
      const mean = (pa - pb) / Z;
      const variance = 1 + (aa - bb) / Z - mean * mean;
      const n = 20000;
      let m = 0;
      let m2 = 0;
      for (let i = 0; i < n; i++) {
        const z = truncatedNormal(stream, a, b);
        expect(z >= a && z <= b).toBe(true);
        m += z / n;
        m2 += (z * z) / n;
      }
      expect(Math.abs(m - mean)).toBeLessThan(5 * Math.sqrt(variance / n));
      expect(Math.abs(m2 - m * m - variance) / variance).toBeLessThan(0.06);
    }
    expect(() => truncatedNormal(stream, 1, 1)).toThrow(DomainError);
  });

  /** Phi(z) with the upper tail computed as 1 - Phi(-z) is inaccurate far out: use erfc directly. */
  function normalCdfSafe(z: number): number {
    if (z === Infinity) return 1;
    if (z === -Infinity) return 0;
    return z > 0 ? 1 - 0.5 * erfc(z / Math.SQRT2) : 0.5 * erfc(-z / Math.SQRT2);
  }
});
