import { describe, expect, it } from "vitest";
import { gaussianGaussianOptimum } from "../../src/experiments/index.js";
import { getExperiment, quietContext } from "../../src/experiments/index.js";
import "../../src/experiments/notes/index.js";

interface SettingData {
  label: string;
  truth: { a: number; b: number; c: number };
  runs: Record<"qp" | "pq", { final: { a: number; b: number; c: number } }>;
}

describe("note-1 --quick", () => {
  it("qp and pq both reach a*, b*, c* within 0.02, for the note's setting and for mu0 = 2, s0 = 3, s = 0.5", async () => {
    const result = await getExperiment("note-1").run({ quick: true, seed: 1, outDir: "." }, quietContext());
    const settings = result.data!.settings as SettingData[];
    expect(settings.map((s) => s.label)).toEqual(["mu0=0, s0=1, s=1", "mu0=2, s0=3, s=0.5"]);
    const other = gaussianGaussianOptimum({ mu0: 2, s0: 3, s: 0.5 });
    expect(settings[1].truth).toEqual(other);
    for (const s of settings) {
      for (const loss of ["qp", "pq"] as const) {
        for (const p of ["a", "b", "c"] as const) expect(Math.abs(s.runs[loss].final[p] - s.truth[p])).toBeLessThan(0.02);
      }
    }
    expect(result.headline["a (qp)"]).toBeCloseTo(0.5, 1);
    expect(result.figures!.map((f) => f.name)).toEqual(["params-vs-iteration", "params-vs-iteration-2"]);
    expect(result.notes!.join(" ")).toMatch(/Shown/);
  });
});
