import { describe, expect, it } from "vitest";
import { DomainError } from "../../src/core/errors.js";
import { boxplot, densityGrid, lineChart, stackedBars, thinIndices } from "../../src/report/plots.js";
import { renderSvg } from "../../src/report/render.js";

type Layered = { layer: { data: { values: { x: number; y: number }[] } }[] };

describe("thinIndices", () => {
  it("keeps everything when short, else about max indices including both ends", () => {
    expect(thinIndices(4, 10)).toEqual([0, 1, 2, 3]);
    const even = thinIndices(20001, 101);
    expect(even).toHaveLength(101);
    expect(even[0]).toBe(0);
    expect(even.at(-1)).toBe(20000);
    expect(even[1]).toBe(200);
    const log = thinIndices(20001, 101, true);
    expect(log[0]).toBe(0);
    expect(log.at(-1)).toBe(20000);
    // log-spaced: dense at the start (evenly spaced keeps only index 0 below 200)
    expect(log.filter((i) => i < 200).length).toBeGreaterThan(20);
    expect(even.filter((i) => i < 200)).toEqual([0]);
  });
});

describe("lineChart", () => {
  it("drops non-finite points and, on log axes, points <= 0", () => {
    const spec = lineChart({
      xLabel: "iteration",
      yLabel: "-ELBO",
      logX: true,
      logY: true,
      series: [{ name: "F-VI", x: [0, 1, 2, 3, 4], y: [5, NaN, 3, -1, 2] }],
    }) as unknown as Layered;
    expect(spec.layer[0].data.values.map((r) => [r.x, r.y])).toEqual([
      [2, 3],
      [4, 2],
    ]);
  });

  it("throws when there is nothing to draw or x and y differ in length", () => {
    expect(() => lineChart({ xLabel: "x", yLabel: "y", logY: true, series: [{ name: "s", x: [1, 2], y: [0, -1] }] })).toThrow(DomainError);
    expect(() => lineChart({ xLabel: "x", yLabel: "y", series: [] })).toThrow(/series/);
    expect(() => lineChart({ xLabel: "x", yLabel: "y", series: [{ name: "s", x: [1, 2], y: [1] }] })).toThrow(/equal length/);
  });

  it("renders panels with reference lines and a legend to SVG", async () => {
    const x = Array.from({ length: 50 }, (_, i) => i);
    const svg = await renderSvg(
      lineChart({
        title: "params",
        xLabel: "iteration",
        yLabel: "value",
        series: [
          { name: "qp", panel: "a", x, y: x.map((i) => 2 - i / 50) },
          { name: "pq", panel: "a", x, y: x.map((i) => 2 - i / 40) },
          { name: "qp", panel: "c", x, y: x.map((i) => 1 + 1 / (i + 1)) },
        ],
        references: [
          { panel: "a", y: 0.5, label: "a* = 0.5" },
          { panel: "c", y: 0.7071, label: "c* = 0.707" },
        ],
      }),
    );
    expect(svg.startsWith("<svg")).toBe(true);
    for (const text of ["params", "a* = 0.5", "c* = 0.707", "qp", "pq", "iteration"]) expect(svg).toContain(text);
    expect((svg.match(/class="mark-line role-mark/g) ?? []).length).toBe(3); // one per series and panel
    expect((svg.match(/class="mark-rule role-mark/g) ?? []).length).toBe(2);
  });
});

describe("densityGrid and boxplot", () => {
  it("renders a rows x columns grid with line and bar panels", async () => {
    const xs = [-1, 0, 1];
    const panels = ["y=-1", "y=1"].flatMap((col) => [
      { row: "k", col, kind: "bar" as const, x: ["1", "2"], curves: [{ name: "prior", y: [0.5, 0.5] }, { name: "q", y: [0.2, 0.8] }] },
      { row: "x", col, x: xs, curves: [{ name: "prior", y: [0.2, 0.4, 0.2] }, { name: "true posterior", y: [0.1, 0.5, 0.1] }] },
    ]);
    const spec = densityGrid({ panels, xLabel: "value", yLabel: "density" }) as { columns: number; concat: { title: { text: string } }[] };
    expect(spec.columns).toBe(2);
    expect(spec.concat.map((p) => p.title.text)).toEqual(["k | y=-1", "k | y=1", "x | y=-1", "x | y=1"]);
    const svg = await renderSvg(spec);
    for (const text of ["k | y=1", "true posterior", "probability", "density"]) expect(svg).toContain(text);
    expect(() => densityGrid({ panels: [{ row: "r", col: "c", x: [1, 2], curves: [{ name: "q", y: [1] }] }] })).toThrow(/one per x/);
  });

  it("renders one box per group", async () => {
    const svg = await renderSvg(
      boxplot({ yLabel: "-ELBO", groups: [{ name: "F-VI", values: [1, 2, 3] }, { name: "A-VI", values: [2, 3, 4, 9] }] }),
    );
    expect(svg).toContain("F-VI");
    expect(svg).toContain("A-VI");
    expect(svg).toContain("-ELBO");
  });
});

describe("lineChart bands and points", () => {
  it("draws a band from lower to upper under the curve, and markers when asked", async () => {
    const spec = lineChart({
      xLabel: "passes per datapoint",
      yLabel: "test log-likelihood",
      logX: true,
      points: true,
      series: [
        { name: "MAPA", x: [10, 100, 1000], y: [-3, -2, -1.5], lower: [-3.2, -2.1, -1.6], upper: [-2.8, -1.9, -1.4] },
        { name: "joint", x: [10, 100, 1000], y: [-4, -3, -2] },
      ],
    }) as { layer: { mark: { type: string }; data: { values: Record<string, number>[] } }[] };
    expect(spec.layer.map((l) => l.mark.type)).toEqual(["line", "area"]);
    expect(spec.layer[1].data.values.map((r) => [r.lower, r.upper])).toEqual([
      [-3.2, -2.8],
      [-2.1, -1.9],
      [-1.6, -1.4],
    ]);
    const svg = await renderSvg(spec);
    expect(svg).toContain('class="mark-area role-mark');
    expect(svg).toContain('class="mark-symbol role-mark');
    expect(() => lineChart({ xLabel: "x", yLabel: "y", series: [{ name: "s", x: [1, 2], y: [1, 2], lower: [0] }] })).toThrow(/lower/);
  });
});

describe("stackedBars", () => {
  it("stacks each group's parts cumulatively (negative parts go down) with error bars at each segment's top, and renders", async () => {
    const spec = stackedBars({
      yLabel: "nats",
      segments: [
        { group: "FFG", part: "approximation", value: 1.5, se: 0.1 },
        { group: "FFG", part: "amortization", value: 2, se: 0.2 },
        { group: "flow", part: "approximation", value: 0.5 },
        { group: "flow", part: "amortization", value: -0.25, se: 0.05 },
      ],
    }) as { layer: { data: { values: Record<string, number | string>[] } }[] };
    const bars = spec.layer[0].data.values.map((r) => [r.group, r.part, r.start, r.end]);
    expect(bars).toEqual([
      ["FFG", "approximation", 0, 1.5],
      ["FFG", "amortization", 1.5, 3.5],
      ["flow", "approximation", 0, 0.5],
      ["flow", "amortization", 0.5, 0.25],
    ]);
    const errors = spec.layer[1].data.values.map((r) => [r.group, r.part, r.low, r.high]);
    expect(errors).toEqual([
      ["FFG", "approximation", 1.4, 1.6],
      ["FFG", "amortization", 3.3, 3.7],
      ["flow", "amortization", 0.2, 0.3],
    ]);
    const svg = await renderSvg(spec);
    for (const text of ["FFG", "flow", "amortization", "nats"]) expect(svg).toContain(text);
  });

  it("throws on no segments, a non-finite value or a negative se, naming the segment", () => {
    expect(() => stackedBars({ yLabel: "y", segments: [] })).toThrow(DomainError);
    expect(() => stackedBars({ yLabel: "y", segments: [{ group: "a", part: "b", value: NaN }] })).toThrow(/segment \(a, b\)\.value/);
    expect(() => stackedBars({ yLabel: "y", segments: [{ group: "a", part: "b", value: 1, se: -1 }] })).toThrow(/segment \(a, b\)\.se/);
  });
});
