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
    // the cost conclusion is stated in network passes; wall time is reported beside it and decides nothing,
    // so a second run's conclusions are the same text up to the measured seconds
    const conclusions = (notes: string[]) => notes.map((n) => n.replace(/Wall time of the whole budget.*$/, "").replace(/\d+\.\d+ s\b/g, "(seconds)")).join("\n");
    expect(r.notes!.some((n) => /cost: every pipeline ran its budget of 600 network passes per training datapoint .*used in no conclusion/.test(n))).toBe(true);
    expect(r.notes!.some((n) => /wall time: at/.test(n))).toBe(false);
    const again = await getExperiment("mapa-synthetic").run({ quick: true, seed: 1, outDir: "." }, quietContext());
    expect(conclusions(again.notes!)).toBe(conclusions(r.notes!));
  }, 120_000);
});
