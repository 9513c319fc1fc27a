import { describe, expect, it } from "vitest";
import { DomainError, ShapeError } from "../../../src/core/errors.js";
import { posteriorZScoreContraction } from "../../../src/diagnostics/calibration/z-score-contraction.js";
import { conjugateGaussian } from "../../helpers/conjugate-gaussian.js";

describe("posteriorZScoreContraction", () => {
  it("exact posterior: rms z ~ 1, contraction ~ 1 - s^2 / (1 + s^2) = 0.8; sd / 2: rms z ~ 2", () => {
    const good = conjugateGaussian({ simulations: 500, draws: 200, seed: 3 });
    const r = posteriorZScoreContraction(good.theta, good.samples, { priorVariance: [1, 1] });
    for (const p of r.parameters) {
      expect(Math.abs(p.rmsZ - 1)).toBeLessThan(0.1);
      expect(Math.abs(p.meanZ)).toBeLessThan(0.15);
      expect(Math.abs(p.meanContraction - 0.8)).toBeLessThan(0.01);
      expect(p.fractionLargeZ).toBeLessThan(0.02);
    }
    const bad = conjugateGaussian({ simulations: 500, draws: 200, sdFactor: 0.5, seed: 3 });
    const rb = posteriorZScoreContraction(bad.theta, bad.samples, { priorVariance: [1, 1] });
    for (const p of rb.parameters) {
      expect(Math.abs(p.rmsZ - 2)).toBeLessThan(0.2);
      expect(Math.abs(p.meanContraction - (1 - 0.25 * 0.2))).toBeLessThan(0.01);
      expect(p.fractionLargeZ).toBeGreaterThan(0.08); // P(|N(0, 4)| > 3) = 0.134
    }
  });

  it("the prior variance defaults to that of theta over the simulations", () => {
    const f = conjugateGaussian({ simulations: 2000, draws: 20, seed: 5 });
    const r = posteriorZScoreContraction(f.theta, f.samples);
    for (const v of r.priorVariance) expect(Math.abs(v - 1)).toBeLessThan(0.1);
  });

  it("bad input", () => {
    const f = conjugateGaussian({ simulations: 3, draws: 5, seed: 1 });
    expect(() => posteriorZScoreContraction(f.theta, f.samples, { priorVariance: [1] })).toThrow(ShapeError);
    expect(() => posteriorZScoreContraction(f.theta, f.samples, { priorVariance: [1, 0] })).toThrow(/priorVariance: expected finite variances > 0/);
    expect(() => posteriorZScoreContraction(f.theta, f.theta.map(() => [[0, 0], [0, 0]]))).toThrow(DomainError);
    expect(() => posteriorZScoreContraction(f.theta, f.theta.map(() => [[0, 0]]))).toThrow(/at least 2 draws/);
  });
});
