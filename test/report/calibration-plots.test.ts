import { writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { DomainError, ShapeError } from "../../src/core/errors.js";
import { expectedCoverage } from "../../src/diagnostics/calibration/coverage.js";
import { simulationBasedCalibration } from "../../src/diagnostics/calibration/sbc.js";
import { tarpCoverage } from "../../src/diagnostics/calibration/tarp.js";
import { coveragePlotSpec, coveragePlotSvg, sbcPlotSpec, sbcPlotSvg } from "../../src/report/calibration-plots.js";
import { conjugateGaussian } from "../helpers/conjugate-gaussian.js";

type Panel = { data: { values: Record<string, number>[] } };

describe("calibration plots", () => {
  const good = conjugateGaussian({ simulations: 200, draws: 49, seed: 1 });
  const bad = conjugateGaussian({ simulations: 200, draws: 49, sdFactor: 0.5, seed: 1 });

  it("SBC figure: one histogram and one ECDF-difference panel per parameter, rendered to SVG", async () => {
    const sbc = simulationBasedCalibration(bad.theta, bad.samples, { names: ["mu", "tau"] });
    const spec = sbcPlotSpec(sbc, { title: "SBC" }) as { vconcat: { hconcat: Panel[] }[] };
    expect(spec.vconcat[0].hconcat.length).toBe(2);
    const hist = spec.vconcat[0].hconcat[0].data.values;
    expect(hist.length).toBe(sbc.parameters[0].histogram.counts.length);
    const ecdf = spec.vconcat[1].hconcat[1].data.values;
    expect(ecdf.length).toBe(sbc.parameters[1].ecdf.z.length + 2);
    expect(ecdf[0]).toEqual({ z: 0, difference: 0, lower: 0, upper: 0 });
    const svg = await sbcPlotSvg(sbc, { title: "SBC" });
    expect(svg.startsWith("<svg")).toBe(true);
    expect(svg).toContain("mu");
    expect(svg).toContain("tau");
    expect(svg).toContain("ECDF(z) - z");
    if (process.env.AMORTVI_WRITE_FIGURES) writeFileSync("/tmp/sbc.svg", svg);
  });

  it("coverage figure: curves against the diagonal with their bands (coverage and TARP together)", async () => {
    const central = expectedCoverage(good.theta, good.samples).regions;
    const over = expectedCoverage(bad.theta, bad.samples, { names: ["a (sd / 2)", "b (sd / 2)"] }).regions;
    const tarp = tarpCoverage(bad.theta, bad.samples).curve;
    const curves = [...central, ...over, tarp];
    const spec = coveragePlotSpec(curves) as { layer: Panel[] };
    // all five curves come from 200 simulations at the same levels: one band layer, the diagonal, the curves
    expect(spec.layer.length).toBe(3);
    expect(spec.layer[0].data.values.map((r) => r.upper)).toEqual([0, ...Array.from(tarp.upper), 1]);
    expect(spec.layer[2].data.values.length).toBe(curves.length * (central[0].levels.length + 2));
    const svg = await coveragePlotSvg(curves, { title: "coverage" });
    expect(svg.startsWith("<svg")).toBe(true);
    expect(svg).toContain("nominal level");
    expect(svg).toContain("tarp");
    if (process.env.AMORTVI_WRITE_FIGURES) writeFileSync("/tmp/coverage.svg", svg);
  });

  it("bad input: typed errors", () => {
    expect(() => sbcPlotSpec({ parameters: [] })).toThrow(DomainError);
    expect(() => coveragePlotSpec([])).toThrow(DomainError);
    const c = { name: "x", levels: [0.5], coverage: [0.4, 0.5], lower: [0.3], upper: [0.7] };
    expect(() => coveragePlotSpec([c])).toThrow(ShapeError);
    const p = { name: "p", histogram: { edges: [0, 1], counts: [1, 2], expected: [1, 1], lower: [0, 0], upper: [2, 2] }, ecdf: { z: [], difference: [], lower: [], upper: [] } };
    expect(() => sbcPlotSpec({ parameters: [p] })).toThrow(/histogram.edges/);
  });
});
