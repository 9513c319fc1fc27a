import { describe, expect, it } from "vitest";
import { DomainError, NonFiniteError, ShapeError } from "../../../src/core/errors.js";
import { sbcDiagnostic, sbcRanks, simulationBasedCalibration } from "../../../src/diagnostics/calibration/sbc.js";
import { conjugateGaussian } from "../../helpers/conjugate-gaussian.js";

describe("sbcRanks", () => {
  it("counts draws below the true value; ties share the rank uniformly", () => {
    const { ranks, draws } = sbcRanks([[0.5, 2]], [[[0.1, 3], [0.7, 1], [0.2, 5], [0.9, 0]]]);
    expect(draws).toBe(4);
    expect(ranks[0][0]).toBe(2);
    expect(ranks[1][0]).toBe(2);
    // all four draws equal the truth: the rank is uniform on {0..4}
    const seen = new Set<number>();
    for (let seed = 0; seed < 60; seed++) seen.add(sbcRanks([[1]], [[[1], [1], [1], [1]]], { rng: seed }).ranks[0][0]);
    expect([...seen].sort()).toEqual([0, 1, 2, 3, 4]);
  });
});

describe("simulationBasedCalibration (Talts et al. 2018)", () => {
  it("sample sets as an array or as a function of the simulation index give the same ranks", () => {
    const { theta, samples } = conjugateGaussian({ simulations: 20, draws: 9, seed: 2 });
    const a = sbcRanks(theta, samples);
    const b = sbcRanks(theta, (i) => samples[i].map((r) => Float64Array.from(r)));
    expect(b.ranks.map((r) => Array.from(r))).toEqual(a.ranks.map((r) => Array.from(r)));
  });

  it("the exact conjugate posterior passes; ranks inside the band, chi-square not rejected", () => {
    const { theta, samples } = conjugateGaussian({ simulations: 300, draws: 99, seed: 1 });
    const r = simulationBasedCalibration(theta, samples, { names: ["a", "b"] });
    expect(r.simulations).toBe(300);
    expect(r.draws).toBe(99);
    expect(r.band.coverage).toBeGreaterThanOrEqual(0.95);
    for (const p of r.parameters) {
      expect(p.ecdf.inside).toBe(true);
      expect(p.chiSquare.pValue).toBeGreaterThan(0.01);
      expect(p.histogram.counts.reduce((s, c) => s + c, 0)).toBe(300);
      expect(p.histogram.expected.reduce((s, c) => s + c, 0)).toBeCloseTo(300, 10);
      expect(p.ecdf.z.length).toBe(99); // K = min(L + 1, N) = 100 points, minus the end
    }
    expect(r.parameters.map((p) => p.name)).toEqual(["a", "b"]);
    expect(r.calibrated).toBe(true);
  });

  it("an over-confident posterior (sd / 2) fails both tests with U-shaped ranks", () => {
    const { theta, samples } = conjugateGaussian({ simulations: 300, draws: 99, sdFactor: 0.5, seed: 1 });
    const r = simulationBasedCalibration(theta, samples);
    expect(r.calibrated).toBe(false);
    for (const p of r.parameters) {
      expect(p.ecdf.inside).toBe(false);
      expect(p.chiSquare.pValue).toBeLessThan(1e-6);
      const c = p.histogram.counts;
      expect(c[0] + c[c.length - 1]).toBeGreaterThan(4 * (c[c.length >> 1] + c[(c.length >> 1) - 1]));
      // ECDF - z dips below the band early (too many small ranks) for an over-confident q
      expect(p.ecdf.firstOutside).not.toBeNull();
    }
  });

  it("a biased posterior (mean + 1 posterior sd) fails: the ECDF difference is one-signed", () => {
    const fixture = conjugateGaussian({ simulations: 300, draws: 99, seed: 4 });
    const { samples } = conjugateGaussian({ simulations: 300, draws: 99, shift: fixture.posteriorSd, seed: 4 });
    const r = simulationBasedCalibration(fixture.theta, samples);
    for (const p of r.parameters) {
      expect(p.calibrated).toBe(false);
      // draws above the truth -> small ranks -> ECDF above z
      expect(Math.max(...p.ecdf.difference)).toBeGreaterThan(0.2);
    }
  });

  it("sbcDiagnostic: bins and evaluation points as asked; bad input named", () => {
    const ranks = { ranks: [Int32Array.from({ length: 40 }, (_, i) => i % 10)], draws: 9 };
    const r = sbcDiagnostic(ranks, { bins: 5, evaluationPoints: 5 });
    expect(Array.from(r.parameters[0].histogram.edges)).toEqual([0, 2, 4, 6, 8, 10]);
    expect(Array.from(r.parameters[0].histogram.counts)).toEqual([8, 8, 8, 8, 8]);
    expect(r.parameters[0].chiSquare.statistic).toBe(0);
    expect(Array.from(r.parameters[0].ecdf.z)).toEqual([0.2, 0.4, 0.6, 0.8]);
    // default bins: 20 lowered to a divisor of L + 1 (50 -> 10), kept at 20 when L + 1 = 100, 20 when L + 1 = 101 is prime
    const many = (L: number) => ({ ranks: [Int32Array.from({ length: 200 }, (_, i) => i % (L + 1))], draws: L });
    expect(sbcDiagnostic(many(49)).parameters[0].histogram.counts.length).toBe(10);
    expect(sbcDiagnostic(many(99)).parameters[0].histogram.counts.length).toBe(20);
    expect(sbcDiagnostic(many(100)).parameters[0].histogram.counts.length).toBe(20);
    expect(() => sbcDiagnostic({ ranks: [Int32Array.of(0, 11)], draws: 9 })).toThrow(/ranks\[0\]: expected integers in \[0, 9\]/);
    expect(() => sbcDiagnostic(ranks, { bins: 11 })).toThrow(DomainError);
    expect(() => simulationBasedCalibration([[0], [1]], [[[0]]])).toThrow(ShapeError);
    expect(() => simulationBasedCalibration([[0], [NaN]], [[[0]], [[1]]])).toThrow(NonFiniteError);
    expect(() => simulationBasedCalibration([[0], [1]], [[[0], [1]], [[1]]])).toThrow(/samples\[1\]: expected 2 draws/);
    expect(() => simulationBasedCalibration([[0, 1], [1, 2]], [[[0]], [[1]]])).toThrow(/samples\[0\]: expected rows of length 2/);
  });
});
