import { describe, it, expect } from "vitest";
import { quickRun, row } from "./avi-helpers.js";
import type { MethodSummary } from "../../src/experiments/avi/shared.js";

describe("avi-nonlinear --quick", () => {
  it("a width-8 network is within 1% of F-VI, width 1 is not; so is the automatic guide of width 8", async () => {
    const r = await quickRun("avi-nonlinear");
    expect(row(r, "A-VI k=8").relativeGap).toBeLessThan(0.01);
    expect(row(r, "A-VI k=1").relativeGap).toBeGreaterThan(0.01);
    // autoGuide(model, { data, amortized: { width: 8, ... } }), summarized apart against the same F-VI
    const auto = row(r, "autoGuide k=8", (r.data as { autoGuide: { summaries: MethodSummary[] } }).autoGuide.summaries);
    expect(Math.abs(auto.relativeGap)).toBeLessThan(0.01);
    expect(auto.negElbo).toBeCloseTo(row(r, "F-VI").negElbo + auto.gap, 8);
    expect(auto.negElboSe).toBeGreaterThan(0);
    expect(r.headline["autoGuide k=8 within 1% of F-VI"]).toBe("yes");
    expect(r.figures!.map((f) => f.name)).toContain("gap-vs-width");
  });
});
