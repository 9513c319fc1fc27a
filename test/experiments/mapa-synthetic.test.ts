import { describe, expect, it } from "vitest";
import { getExperiment, quietContext } from "../../src/experiments/index.js";

describe("mapa-synthetic --quick", () => {
  it("every pipeline beats the prior-only baseline; notes state whether MAPA wins", async () => {
    const r = await getExperiment("mapa-synthetic").run({ quick: true, seed: 1, outDir: "." }, quietContext());
    const summary = (r.data as { summary: Record<string, Record<string, { finalTestLL?: { mean: number } } | number>> }).summary;
    for (const [ds, s] of Object.entries(summary)) {
      const prior = s.priorOnlyLL as number;
      for (const p of ["joint", "iwae-5", "iwae-50", "aggressive", "mapa"]) {
        const ll = (s[p] as { finalTestLL: { mean: number } }).finalTestLL.mean;
        expect(ll, `${ds} ${p}`).toBeGreaterThan(prior);
      }
    }
    expect(r.notes!.some((n) => /MAPA (wins|does NOT win)/.test(n))).toBe(true);
    expect(r.figures!.map((f) => f.name)).toEqual(["ll-vs-passes", "ll-vs-seconds"]);
  });
});
