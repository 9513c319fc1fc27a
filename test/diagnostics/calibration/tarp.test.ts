import { describe, expect, it } from "vitest";
import { ShapeError } from "../../../src/core/errors.js";
import { tarpCoverage } from "../../../src/diagnostics/calibration/tarp.js";
import { conjugateGaussian } from "../../helpers/conjugate-gaussian.js";

describe("tarpCoverage (Lemos et al. 2023)", () => {
  it("calibrated posterior: ECP(a) ~ a inside the band; over-confident: below it", () => {
    const good = conjugateGaussian({ simulations: 400, draws: 200, seed: 8 });
    const r = tarpCoverage(good.theta, good.samples);
    expect(r.calibrated).toBe(true);
    expect(r.curve.maxDeviation).toBeLessThan(0.08);
    const badFixture = conjugateGaussian({ simulations: 400, draws: 200, sdFactor: 0.5, seed: 8 });
    const bad = tarpCoverage(badFixture.theta, badFixture.samples);
    expect(bad.calibrated).toBe(false);
    // f_i piles up at 0 and 1: more than the nominal 10% of the f fall in the outer 5% at either end
    const f = bad.curve.credibility;
    expect(f.filter((v) => v < 0.05 || v > 0.95).length / f.length).toBeGreaterThan(0.3);
  });

  it("the verdict does not depend on the reference points (manhattan, given references, no normalization)", () => {
    const good = conjugateGaussian({ simulations: 300, draws: 100, seed: 9 });
    const refs = good.theta.map((_, i) => [Math.sin(i), Math.cos(3 * i)]);
    expect(tarpCoverage(good.theta, good.samples, { references: refs, metric: "manhattan", normalize: false }).calibrated).toBe(true);
    const bad = conjugateGaussian({ simulations: 300, draws: 100, sdFactor: 0.5, seed: 9 });
    expect(tarpCoverage(bad.theta, bad.samples, { references: refs, metric: "manhattan", normalize: false }).calibrated).toBe(false);
  });

  it("bad input", () => {
    const f = conjugateGaussian({ simulations: 5, draws: 10, seed: 1 });
    expect(() => tarpCoverage(f.theta, f.samples, { references: [[0, 0]] })).toThrow(/references: expected 5 reference points/);
    expect(() => tarpCoverage(f.theta, f.samples, { metric: "cosine" as "manhattan" })).toThrow(/metric/);
    expect(() => tarpCoverage(f.theta, f.samples.slice(1))).toThrow(ShapeError);
  });
});
