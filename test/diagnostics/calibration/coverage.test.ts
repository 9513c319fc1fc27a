import { describe, expect, it } from "vitest";
import { DomainError, NonFiniteError, ShapeError } from "../../../src/core/errors.js";
import { expectedCoverage } from "../../../src/diagnostics/calibration/coverage.js";
import { conjugateGaussian, gaussianLogDensity } from "../../helpers/conjugate-gaussian.js";

const calibrated = conjugateGaussian({ simulations: 400, draws: 200, seed: 2 });
const overconfident = conjugateGaussian({ simulations: 400, draws: 200, sdFactor: 0.5, seed: 2 });

/** Coverage of a central / HPD region of N(0, (f s)^2) when the truth is N(0, s^2): 2 Phi(f z_a) - 1 per dimension, by numeric erf. */
function erf(x: number): number {
  // Abramowitz & Stegun 7.1.26 is too coarse; use the series / continued fraction via the complementary function
  const t = 1 / (1 + 0.5 * Math.abs(x));
  const y =
    1 -
    t *
      Math.exp(
        -x * x - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
      );
  return x >= 0 ? y : -y;
}
const Phi = (x: number) => 0.5 * (1 + erf(x / Math.SQRT2));
/** z with 2 Phi(z) - 1 = a, by bisection. */
function centralQuantile(a: number): number {
  let lo = 0;
  let hi = 10;
  for (let i = 0; i < 100; i++) {
    const mid = 0.5 * (lo + hi);
    if (2 * Phi(mid) - 1 < a) lo = mid;
    else hi = mid;
  }
  return lo;
}

describe("expectedCoverage, central intervals", () => {
  it("the exact posterior: coverage ~ nominal, inside the band; sd / 2: below, at the closed form 2 Phi(z_a / 2) - 1", () => {
    const good = expectedCoverage(calibrated.theta, calibrated.samples);
    expect(good.kind).toBe("central");
    expect(good.regions.length).toBe(2);
    for (const r of good.regions) {
      expect(r.inside).toBe(true);
      expect(r.verdict).toBe("calibrated");
      expect(r.maxDeviation).toBeLessThan(0.08);
    }
    const bad = expectedCoverage(overconfident.theta, overconfident.samples);
    expect(bad.calibrated).toBe(false);
    for (const r of bad.regions) {
      expect(r.verdict).toBe("overconfident");
      r.levels.forEach((a, j) => {
        const exact = 2 * Phi(centralQuantile(a) / 2) - 1;
        expect(Math.abs(r.coverage[j] - exact)).toBeLessThan(0.07); // binomial sd <= 0.025 at N = 400
      });
    }
  });
});

describe("expectedCoverage, HPD regions", () => {
  it("with the posterior's logProb: calibrated passes, sd / 2 is over-confident (coverage of the 90% region ~ P(chi2_2 <= q / 4))", () => {
    const logProbOf = (fixture: typeof calibrated, factor: number) => (points: number[][], i: number) =>
      gaussianLogDensity(points, fixture.posteriorMean[i], fixture.posteriorSd * factor);
    const good = expectedCoverage(calibrated.theta, calibrated.samples, { logProb: logProbOf(calibrated, 1) });
    expect(good.kind).toBe("hpd");
    expect(good.density).toBe("logProb");
    expect(good.regions[0].verdict).toBe("calibrated");
    const bad = expectedCoverage(overconfident.theta, overconfident.samples, { logProb: logProbOf(overconfident, 0.5), levels: [0.5, 0.9] });
    expect(bad.regions[0].verdict).toBe("overconfident");
    // 2-D Gaussian HPD at level a: radius^2 = -2 log(1 - a) in q's units; the truth's radius^2 in q units is 4 chi2_2
    const exact = (a: number) => 1 - Math.exp(-(-2 * Math.log(1 - a)) / 4 / 2);
    expect(Math.abs(bad.regions[0].coverage[0] - exact(0.5))).toBeLessThan(0.06);
    expect(Math.abs(bad.regions[0].coverage[1] - exact(0.9))).toBeLessThan(0.06);
  });

  it("without logProb: the regions of the Gaussian fitted to the draws give the same verdicts", () => {
    const good = expectedCoverage(calibrated.theta, calibrated.samples, { kind: "hpd" });
    expect(good.density).toBe("gaussian");
    expect(good.calibrated).toBe(true);
    const bad = expectedCoverage(overconfident.theta, overconfident.samples, { kind: "hpd" });
    expect(bad.regions[0].verdict).toBe("overconfident");
  });

  it("an under-dispersed truth (q twice too wide) is under-confident", () => {
    const wide = conjugateGaussian({ simulations: 400, draws: 200, sdFactor: 2, seed: 6 });
    expect(expectedCoverage(wide.theta, wide.samples).regions[0].verdict).toBe("underconfident");
  });

  it("bad input: typed errors", () => {
    const theta = calibrated.theta.slice(0, 3);
    const samples = calibrated.samples.slice(0, 3);
    expect(() => expectedCoverage(theta, samples, { kind: "box" as "hpd" })).toThrow(/kind/);
    expect(() => expectedCoverage(theta, samples, { logProb: () => [1] })).toThrow(ShapeError);
    expect(() => expectedCoverage(theta, samples, { logProb: (p) => p.map(() => NaN) })).toThrow(NonFiniteError);
    expect(() => expectedCoverage(theta, samples, { levels: [0.5, 0.2] })).toThrow(/levels/);
    expect(() => expectedCoverage(theta, [[[0, 0]], [[0, 0]], [[0, 0]]], { kind: "hpd" })).toThrow(DomainError);
    expect(() => expectedCoverage([[0, 0]], [[[0, 0]]])).toThrow(/theta: expected at least 2 rows/);
  });
});
