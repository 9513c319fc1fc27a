import { describe, expect, it } from "vitest";
import { DomainError } from "../../../src/core/errors.js";
import { binomialCdf, chiSquareSurvival, logGamma, quantileFromCdf, regularizedGammaQ } from "../../../src/diagnostics/calibration/distribution-functions.js";

describe("scalar distribution functions", () => {
  it("logGamma: factorials, Gamma(1/2) = sqrt(pi), reflection below 1/2", () => {
    expect(logGamma(1)).toBeCloseTo(0, 14);
    expect(logGamma(11)).toBeCloseTo(Math.log(3628800), 12);
    expect(logGamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 14);
    expect(logGamma(0.1)).toBeCloseTo(2.252712651734206, 12);
    expect(logGamma(100)).toBeCloseTo(359.1342053695754, 10);
    expect(() => logGamma(0)).toThrow(DomainError);
  });

  it("chi-square survival: df = 2 is exp(-x / 2); df = 1 at 3.841459 is 0.05; both branches of Q", () => {
    for (const x of [0.1, 1, 3, 10, 40]) expect(chiSquareSurvival(x, 2)).toBeCloseTo(Math.exp(-x / 2), 13);
    expect(chiSquareSurvival(3.841458820694124, 1)).toBeCloseTo(0.05, 12);
    expect(chiSquareSurvival(30.14352720564616, 19)).toBeCloseTo(0.05, 11);
    expect(chiSquareSurvival(0, 5)).toBe(1);
    // Q(a, x) + P(a, x) = 1 with P(3, x) = 1 - e^-x (1 + x + x^2 / 2)
    for (const x of [0.5, 3.5, 9]) expect(regularizedGammaQ(3, x)).toBeCloseTo(Math.exp(-x) * (1 + x + (x * x) / 2), 13);
  });

  it("binomial CDF and quantile (R's qbinom)", () => {
    const cdf = binomialCdf(4, 0.5);
    expect(Array.from(cdf)).toEqual([1 / 16, 5 / 16, 11 / 16, 15 / 16, 1].map((v) => expect.closeTo(v, 14)));
    expect(quantileFromCdf(cdf, 0.05)).toBe(0);
    expect(quantileFromCdf(cdf, 5 / 16)).toBe(1); // the fuzz keeps an exact hit
    expect(quantileFromCdf(cdf, 0.95)).toBe(4);
    expect(Array.from(binomialCdf(3, 0))).toEqual([1, 1, 1, 1]);
    expect(Array.from(binomialCdf(3, 1))).toEqual([0, 0, 0, 1]);
  });
});
