import { beforeAll, describe, expect, it } from "vitest";
import type { ExperimentResult } from "../../src/experiments/types.js";
import { getExperiment, quietContext } from "../../src/experiments/index.js";
import "../../src/experiments/notes/index.js";

type Stats = { mean: number; std: number };

describe("note-2 --quick", () => {
  // one run for both checks
  let result: ExperimentResult;
  beforeAll(async () => {
    result = await getExperiment("note-2").run({ quick: true, seed: 1, outDir: "." }, quietContext());
  });

  it("at y = 0 qp locks onto one posterior mode while pq covers both (moment matching)", () => {
    const perY = result.data!.perY as ({ y: number } & Record<"qp" | "pq" | "exact", Stats>)[];
    const at0 = perY.find((r) => r.y === 0)!;
    expect(at0.pq.std).toBeGreaterThan(at0.qp.std);
    expect(Math.min(Math.abs(at0.qp.mean - 2), Math.abs(at0.qp.mean + 2))).toBeLessThan(0.5);
    expect(Math.abs(at0.pq.mean - 0.8)).toBeLessThan(0.4);
    expect(Math.abs(at0.pq.std - 1.96)).toBeLessThan(0.4);
    expect(at0.exact.mean).toBeCloseTo(0.8, 10);
    // away from the modes' boundary both losses match the (near-Normal) posterior
    for (const r of perY.filter((r) => Math.abs(r.y) >= 4)) {
      for (const l of ["qp", "pq"] as const) expect(Math.abs(r[l].mean - r.exact.mean)).toBeLessThan(0.5);
    }
    expect(result.headline["mode-seeking (qp)"]).toBe("shown");
    expect(result.headline["mass-covering (pq)"]).toBe("shown");
    expect(result.figures!.map((f) => f.name)).toEqual(["posteriors", "network-outputs", "families"]);
  });

  it("at y = 0 (bimodal posterior) the pq-trained mixture autoGuide covers both modes, closer to p than the Gaussian", () => {
    type Readout = { tv: number; klPQ: number; modeMass: number[] };
    const at0 = (result.data!.families as { atZero: { modeMass: number[]; guides: Record<string, Readout> } }).atZero;
    expect(at0.modeMass[0]).toBeCloseTo(0.3, 3);
    const mix = at0.guides["mixture (pq)"];
    // q's mass on each side of the modes' boundary (exact: 0.3 and 0.7)
    expect(Math.min(...mix.modeMass)).toBeGreaterThan(0.15);
    expect(mix.tv).toBeLessThan(0.15);
    // forward KL is what pq minimizes; the mixture family contains the Gaussian one
    expect(mix.klPQ).toBeLessThan(at0.guides["Gaussian (pq)"].klPQ);
    expect(mix.tv).toBeLessThan(at0.guides["Gaussian (pq)"].tv);
    expect(result.headline["mixture (pq) at y=0"]).toBe("covers both modes");
  });
});
