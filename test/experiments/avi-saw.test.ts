import { describe, it, expect } from "vitest";
import { quickRun, row } from "./avi-helpers.js";
import type { MethodSummary } from "../../src/experiments/avi/shared.js";

describe("avi-saw --quick", () => {
  it("the window (x_{n-1}, x_n) closes the gap to < 1%, x_n alone does not; so does autoGuide with windowFeatures", async () => {
    const r = await quickRun("avi-saw");
    expect(row(r, "A-VI window k=4").relativeGap).toBeLessThan(0.01);
    expect(row(r, "A-VI x_n k=10").relativeGap).toBeGreaterThan(0.01);
    expect(row(r, "Const").relativeGap).toBeGreaterThan(row(r, "A-VI x_n k=10").relativeGap);
    // autoGuide(model, { data, amortized: { features: windowFeatures({ before: 1 }), ... } }), summarized against the same F-VI
    const auto = row(r, "autoGuide window k=4", (r.data as { autoGuide: { summaries: MethodSummary[] } }).autoGuide.summaries);
    expect(auto.relativeGap).toBeLessThan(0.01);
    expect(auto.gap).toBeLessThan(row(r, "A-VI x_n k=10").gap / 10);
    // the closed-form -ELBO of the fitted autoGuide agrees with its Monte Carlo estimate
    expect(Math.abs(auto.exactNegElbo! - auto.negElbo)).toBeLessThan(4 * auto.negElboSe + 0.5);
  });
});
