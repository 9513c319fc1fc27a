import { describe, it, expect } from "vitest";
import { getExperiment } from "../../src/experiments/registry.js";
import { quickRun } from "./avi-helpers.js";

describe("avi-width-vs-n --quick", () => {
  it("is registered under its lower-case CLI name and reports the smallest closing width per N", async () => {
    expect(getExperiment("avi-width-vs-n").name).toBe("avi-width-vs-n");
    const r = await quickRun("avi-width-vs-n");
    const groups = (r.data as { groups: { N: number; smallest: number | null }[] }).groups;
    expect(groups.map((g) => g.N)).toEqual([100, 400]);
    for (const g of groups) expect(g.smallest).not.toBeNull();
    // the paper's claim: the width needed does not grow with N
    expect(groups[1].smallest!).toBeLessThanOrEqual(groups[0].smallest!);
  });
});
