import { describe, expect, it } from "vitest";
import { getExperiment, quietContext } from "../../src/experiments/index.js";
import "../../src/experiments/notes/index.js";

describe("note-3 --quick", () => {
  it("q(z|y) is within 0.05 total variation of the exact p(z|y) at the test y values (pq and qp with z enumerated)", async () => {
    const result = await getExperiment("note-3").run({ quick: true, seed: 1, outDir: "." }, quietContext());
    const perY = result.data!.perY as ({ y: number } & Record<string, { tv: number }>)[];
    expect(perY.map((r) => r.y)).toContain(0);
    for (const r of perY) {
      expect(r.pq.tv).toBeLessThan(0.05);
      expect(r["qp-enum"].tv).toBeLessThan(0.05);
      expect(Number.isFinite(r.qp.tv)).toBe(true);
    }
    // the automatic guide (autoGuide with dependsOn: { x: ["z"] }) matches the hand-written network's TV within 0.05
    const maxTv = result.data!.maxTv as Record<string, number>;
    const maxTvAuto = result.data!.maxTvAuto as Record<string, number>;
    for (const loss of ["qp-enum", "pq"]) {
      expect(maxTvAuto[loss], loss).toBeLessThan(0.05);
      expect(Math.abs(maxTvAuto[loss] - maxTv[loss]), loss).toBeLessThan(0.05);
    }
    expect(result.figures!.map((f) => f.name)).toEqual(["marginals", "network-outputs"]);
    expect(result.notes!.join(" ")).toMatch(/total variation/);
  });
});
