import { describe, it, expect } from "vitest";
import { quickRun, row } from "./avi-helpers.js";

describe("avi-saw --quick", () => {
  it("the window (x_{n-1}, x_n) closes the gap to < 1%, x_n alone does not", async () => {
    const r = await quickRun("avi-saw");
    expect(row(r, "A-VI window k=4").relativeGap).toBeLessThan(0.01);
    expect(row(r, "A-VI x_n k=10").relativeGap).toBeGreaterThan(0.01);
    expect(row(r, "Const").relativeGap).toBeGreaterThan(row(r, "A-VI x_n k=10").relativeGap);
  });
});
