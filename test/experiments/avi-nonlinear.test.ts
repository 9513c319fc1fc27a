import { describe, it, expect } from "vitest";
import { quickRun, row } from "./avi-helpers.js";

describe("avi-nonlinear --quick", () => {
  it("a width-8 network is within 1% of F-VI, width 1 is not", async () => {
    const r = await quickRun("avi-nonlinear");
    expect(row(r, "A-VI k=8").relativeGap).toBeLessThan(0.01);
    expect(row(r, "A-VI k=1").relativeGap).toBeGreaterThan(0.01);
    expect(r.figures!.map((f) => f.name)).toContain("gap-vs-width");
  });
});
