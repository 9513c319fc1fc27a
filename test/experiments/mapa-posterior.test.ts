import { describe, expect, it } from "vitest";
import { getExperiment, quietContext } from "../../src/experiments/index.js";

describe("mapa-posterior --quick", () => {
  it("MAPA's posterior mean follows the true posterior mean on the injective spiral (|rho| > 0.9); on the fold it follows |z|, not E[z | x]", async () => {
    const r = await getExperiment("mapa-posterior").run({ quick: true, seed: 3, outDir: "." }, quietContext());
    const data = r.data as Record<string, Record<string, { mapa: number; mapaSpearman?: number; mapaVsTrueMean?: number }>>;
    expect(data.spiral.spiral.mapa).toBeGreaterThan(0.9);
    expect(data.fold.fold.mapaSpearman).toBeGreaterThan(0.9);
    expect(Math.abs(data.fold.fold.mapaVsTrueMean!)).toBeLessThan(0.3);
    expect(r.figures!.map((f) => f.name)).toEqual(["posterior-means", "posterior-densities"]);
    expect(r.notes!.some((n) => n.includes("captures the trend"))).toBe(true);
  });
});
