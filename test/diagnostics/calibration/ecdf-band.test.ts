import { describe, expect, it } from "vitest";
import { DomainError, ShapeError } from "../../../src/core/errors.js";
import { Rng } from "../../../src/core/rng.js";
import { firstOutsideBand, interiorProbability, simultaneousEcdfBand } from "../../../src/diagnostics/calibration/ecdf-band.js";
import { binomialCdf } from "../../../src/diagnostics/calibration/distribution-functions.js";

/** Fraction of `reps` uniform samples of size N whose scaled ECDF stays in the band. */
function simulatedCoverage(N: number, z: Float64Array, lower: Int32Array, upper: Int32Array, reps: number, seed: number): number {
  const rng = new Rng(seed);
  let inside = 0;
  for (let r = 0; r < reps; r++) {
    const mark = rng.rt.arena.mark();
    const u = rng.uniform([N]).toFloat64Array().sort();
    rng.rt.arena.restore(mark);
    let c = 0;
    let ok = true;
    for (let j = 0; j < z.length && ok; j++) {
      while (c < N && u[c] <= z[j]) c++;
      ok = c >= lower[j] && c <= upper[j];
    }
    if (ok) inside++;
  }
  return inside / reps;
}

describe("interiorProbability", () => {
  it("one point: P(lo <= Bin(N, z) <= hi) from the binomial CDF", () => {
    const cdf = binomialCdf(30, 0.4);
    expect(interiorProbability(30, [0.4], [8], [15])).toBeCloseTo(cdf[15] - cdf[7], 12);
  });

  it("two points: the sum over paths of multinomial probabilities", () => {
    // N = 3, z = (0.3, 0.6): counts (a, b, c) in the three cells with multinomial(3; 0.3, 0.3, 0.4)
    const fact = [1, 1, 2, 6];
    let want = 0;
    for (let a = 0; a <= 3; a++) {
      for (let b = 0; a + b <= 3; b++) {
        const c = 3 - a - b;
        const x1 = a;
        const x2 = a + b;
        if (x1 >= 0 && x1 <= 1 && x2 >= 1 && x2 <= 2) want += (fact[3] / (fact[a] * fact[b] * fact[c])) * 0.3 ** a * 0.3 ** b * 0.4 ** c;
      }
    }
    expect(interiorProbability(3, [0.3, 0.6], [0, 1], [1, 2])).toBeCloseTo(want, 14);
  });
});

describe("simultaneousEcdfBand", () => {
  it("optimize: exact coverage >= prob and close to it; simulated uniform ECDFs stay inside at that rate", () => {
    const N = 100;
    const z = Float64Array.from({ length: 19 }, (_, j) => (j + 1) / 20);
    const band = simultaneousEcdfBand(N, z, { prob: 0.95 });
    expect(band.coverage).toBeGreaterThanOrEqual(0.95);
    expect(band.coverage).toBeLessThan(0.97);
    expect(band.gamma).toBeLessThan(0.05 / 3); // simultaneous: well below the pointwise 0.05
    expect(band.gamma).toBeGreaterThan(0.05 / 19 / 2); // and less conservative than Bonferroni-ish
    const reps = 4000;
    const mc = simulatedCoverage(N, z, band.lower, band.upper, reps, 11);
    const se = Math.sqrt((band.coverage * (1 - band.coverage)) / reps);
    expect(Math.abs(mc - band.coverage)).toBeLessThan(4 * se);
  });

  it("discrete SBC ranks r in {0..L}: #{r < c} at z = c / (L + 1) has the band's coverage", () => {
    const L = 24;
    const N = 60;
    const c = Int32Array.from({ length: L }, (_, j) => j + 1);
    const z = Float64Array.from(c, (v) => v / (L + 1));
    const band = simultaneousEcdfBand(N, z, { prob: 0.9 });
    const rng = new Rng(3);
    let inside = 0;
    const reps = 3000;
    for (let r = 0; r < reps; r++) {
      const mark = rng.rt.arena.mark();
      const ranks = Int32Array.from(rng.uniform([N]).toFloat64Array(), (u) => Math.floor(u * (L + 1))).sort();
      rng.rt.arena.restore(mark);
      let m = 0;
      const counts = Int32Array.from(c, (cj) => {
        while (m < N && ranks[m] < cj) m++;
        return m;
      });
      if (firstOutsideBand(counts, band) < 0) inside++;
    }
    const se = Math.sqrt((band.coverage * (1 - band.coverage)) / reps);
    expect(band.coverage).toBeGreaterThanOrEqual(0.9);
    expect(Math.abs(inside / reps - band.coverage)).toBeLessThan(4 * se);
  });

  it("simulate: gamma near the optimized one, coverage near prob", () => {
    const N = 80;
    const z = Float64Array.from({ length: 9 }, (_, j) => (j + 1) / 10);
    const opt = simultaneousEcdfBand(N, z, { prob: 0.95 });
    const sim = simultaneousEcdfBand(N, z, { prob: 0.95, method: "simulate", simulations: 2000, rng: 5 });
    expect(sim.method).toBe("simulate");
    expect(Math.abs(sim.coverage - 0.95)).toBeLessThan(0.02);
    expect(Math.abs(Math.log(sim.gamma / opt.gamma))).toBeLessThan(0.5);
  });

  it("bad input: typed errors naming the argument", () => {
    expect(() => simultaneousEcdfBand(0, [0.5])).toThrow(DomainError);
    expect(() => simultaneousEcdfBand(10, [0.5, 0.4])).toThrow(/z: expected strictly increasing/);
    expect(() => simultaneousEcdfBand(10, [1])).toThrow(/z: expected evaluation points in \(0, 1\)/);
    expect(() => simultaneousEcdfBand(10, [0.5], { prob: 1 })).toThrow(/prob/);
    expect(() => simultaneousEcdfBand(10, [0.5], { method: "bogus" as "simulate" })).toThrow(/method/);
    expect(() => interiorProbability(10, [0.5], [1, 2], [3])).toThrow(ShapeError);
  });
});
