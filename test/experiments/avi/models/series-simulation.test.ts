import { describe, it, expect } from "vitest";
import { Rng, Normal, DomainError, defineModel, add, scale } from "../../../../src/index.js";
import { simulateSeries } from "../../../../src/experiments/avi/models/series-simulation.js";

describe("simulateSeries (per-step execution of a model whose covariate is the previous observation)", () => {
  /** AR(1) with a global offset: mu ~ N(0, 1), x_n ~ N(mu + 0.5 x_{n-1}, 0.1^2). */
  const ar = defineModel("ar", (m) => {
    const mu = m.sample("mu", new Normal(0, 1));
    m.plate("t", () => m.observe("x", new Normal(add(scale(m.data("prev"), 0.5), mu), 0.1)));
  });

  it("feeds each step's observation into the next step's covariate; globals drawn once", () => {
    const s = simulateSeries(ar, 200, new Rng(3), { covariate: "prev", from: "x", initial: 2 });
    const x = s.observed.x;
    const mu = s.global.mu[0];
    expect(x).toHaveLength(200);
    let r2 = 0;
    for (let n = 0; n < 200; n++) r2 += (x[n] - mu - 0.5 * (n > 0 ? x[n - 1] : 2)) ** 2 / 200;
    expect(Math.sqrt(r2)).toBeGreaterThan(0.08);
    expect(Math.sqrt(r2)).toBeLessThan(0.12);
    // same seed, same series
    expect(simulateSeries(ar, 200, new Rng(3), { covariate: "prev", from: "x", initial: 2 }).observed.x).toEqual(x);
  });

  it("typed errors: an unknown observed site, a bad length or initial value", () => {
    expect(() => simulateSeries(ar, 3, new Rng(0), { covariate: "prev", from: "y" })).toThrow(DomainError);
    expect(() => simulateSeries(ar, 0, new Rng(0), { covariate: "prev", from: "x" })).toThrow(/N/);
    expect(() => simulateSeries(ar, 3, new Rng(0), { covariate: "prev", from: "x", initial: NaN })).toThrow(/initial/);
  });
});
