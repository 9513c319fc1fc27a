import { describe, it, expect } from "vitest";
import { quickRun, row } from "./avi-helpers.js";

describe("avi-linear --quick", () => {
  it("A-VI d=1 reaches the closed-form F-VI optimum; d=0 leaves a gap", async () => {
    const r = await quickRun("avi-linear");
    const data = r.data as { closedForm: { slope: number; intercept: number; logStd: number }; avi1: { slope: number[]; intercept: number[]; logStd: number[] } };
    for (let i = 0; i < data.avi1.slope.length; i++) {
      expect(Math.abs(data.avi1.slope[i] - data.closedForm.slope)).toBeLessThan(0.01);
      expect(Math.abs(data.avi1.intercept[i] - data.closedForm.intercept)).toBeLessThan(0.02);
      expect(Math.abs(data.avi1.logStd[i] - data.closedForm.logStd)).toBeLessThan(0.01);
    }
    expect(Math.abs(row(r, "A-VI d=1").relativeGap)).toBeLessThan(0.01);
    expect(row(r, "A-VI d=0").relativeGap).toBeGreaterThan(0.05);
    expect(row(r, "Const").relativeGap).toBeGreaterThan(0.05);
    expect(r.figures!.map((f) => f.name)).toContain("neg-elbo-vs-iteration");
    expect(r.notes!.join(" ")).toMatch(/Scaled down/);
  });
});
