/**
 * Figures of the calibration diagnostics (src/diagnostics/calibration/), as
 * Vega-Lite specs and SVG strings: the SBC rank histogram with its 99%
 * pointwise band (Talts et al. 2018, Fig. 1) above the ECDF difference
 * F(z) - z with its simultaneous band (Säilynoja et al. 2022, Fig. 3), one
 * column per parameter; and empirical against nominal coverage with the
 * simultaneous band (grey; one per distinct band) and the diagonal.
 * The inputs are structural (the fields of SbcResult and CoverageCurve), so
 * the report layer needs nothing from the library layers.
 */
import { DomainError, ShapeError } from "../core/errors.js";
import { CONFIG, SCHEMA } from "./plots.js";
import { renderSvg } from "./render.js";

type Spec = Record<string, unknown>;

/** What the SBC figure reads of one parameter (SbcParameter has these fields). */
export interface SbcPlotParameter {
  name: string;
  histogram: { edges: ArrayLike<number>; counts: ArrayLike<number>; expected: ArrayLike<number>; lower: ArrayLike<number>; upper: ArrayLike<number> };
  ecdf: { z: ArrayLike<number>; difference: ArrayLike<number>; lower: ArrayLike<number>; upper: ArrayLike<number> };
}

/** What the coverage figure reads of one curve (CoverageCurve, TarpResult.curve). */
export interface CoveragePlotCurve {
  name: string;
  levels: ArrayLike<number>;
  coverage: ArrayLike<number>;
  lower: ArrayLike<number>;
  upper: ArrayLike<number>;
}

export interface CalibrationPlotOptions {
  title?: string;
  /** Panel size in pixels. Defaults: 200 x 140 (SBC), 260 x 260 (coverage). */
  width?: number;
  height?: number;
}

function sameLength(argument: string, n: number, fields: Record<string, ArrayLike<number>>): void {
  for (const [key, v] of Object.entries(fields)) {
    if (!v || v.length !== n) throw new ShapeError(`${argument}.${key}`, `${n} values`, `${v?.length}`);
  }
}

function histogramPanel(p: SbcPlotParameter, width: number, height: number): Spec {
  const h = p.histogram;
  const B = h.counts.length;
  if (h.edges.length !== B + 1) throw new ShapeError(`${p.name}: histogram.edges`, `${B + 1} edges (bins + 1)`, `${h.edges.length}`);
  sameLength(`${p.name}: histogram`, B, { expected: h.expected, lower: h.lower, upper: h.upper });
  const rows = Array.from({ length: B }, (_, b) => ({
    x: h.edges[b],
    x2: h.edges[b + 1],
    count: h.counts[b],
    expected: h.expected[b],
    lower: h.lower[b],
    upper: h.upper[b],
  }));
  const x = { field: "x", type: "quantitative", title: "rank", scale: { domain: [h.edges[0], h.edges[B]], nice: false } };
  return {
    title: p.name,
    width,
    height,
    data: { values: rows },
    layer: [
      { mark: { type: "rect", color: "#bbb", opacity: 0.5 }, encoding: { x, x2: { field: "x2" }, y: { field: "lower", type: "quantitative", title: "count per bin" }, y2: { field: "upper" } } },
      { mark: { type: "rect", color: "#4c78a8", opacity: 0.85, stroke: "white", strokeWidth: 0.5 }, encoding: { x, x2: { field: "x2" }, y: { field: "count", type: "quantitative" }, y2: { datum: 0 } } },
      { mark: { type: "rule", color: "#333", strokeDash: [4, 3] }, encoding: { x, x2: { field: "x2" }, y: { field: "expected", type: "quantitative" } } },
    ],
  };
}

function ecdfPanel(p: SbcPlotParameter, width: number, height: number): Spec {
  const e = p.ecdf;
  sameLength(`${p.name}: ecdf`, e.z.length, { difference: e.difference, lower: e.lower, upper: e.upper });
  // the ECDF difference is 0 with a band of width 0 at z = 0 and z = 1
  const rows = [{ z: 0, difference: 0, lower: 0, upper: 0 }];
  for (let j = 0; j < e.z.length; j++) rows.push({ z: e.z[j], difference: e.difference[j], lower: e.lower[j], upper: e.upper[j] });
  rows.push({ z: 1, difference: 0, lower: 0, upper: 0 });
  const x = { field: "z", type: "quantitative", title: "fractional rank z", scale: { domain: [0, 1] } };
  return {
    width,
    height,
    data: { values: rows },
    layer: [
      { mark: { type: "area", color: "#bbb", opacity: 0.5, interpolate: "step-after" }, encoding: { x, y: { field: "lower", type: "quantitative", title: "ECDF(z) - z" }, y2: { field: "upper" } } },
      { mark: { type: "rule", color: "#555", strokeDash: [4, 3] }, encoding: { y: { datum: 0 } } },
      { mark: { type: "line", color: "#d62728", strokeWidth: 1.5, interpolate: "step-after" }, encoding: { x, y: { field: "difference", type: "quantitative" } } },
    ],
  };
}

/** SBC figure: per parameter, the rank histogram (99% pointwise band, expected count dashed) over the ECDF difference with its simultaneous band. */
export function sbcPlotSpec(sbc: { parameters: readonly SbcPlotParameter[] }, options: CalibrationPlotOptions = {}): Spec {
  const parameters = sbc?.parameters;
  if (!Array.isArray(parameters) || parameters.length === 0) throw new DomainError("sbc.parameters", "at least one parameter", String(parameters));
  const { width = 200, height = 140 } = options;
  return {
    $schema: SCHEMA,
    config: CONFIG,
    ...(options.title ? { title: options.title } : {}),
    vconcat: [{ hconcat: parameters.map((p) => histogramPanel(p, width, height)) }, { hconcat: parameters.map((p) => ecdfPanel(p, width, height)) }],
  };
}

/** Coverage figure: empirical against nominal coverage per curve, with each curve's simultaneous band and the diagonal. */
export function coveragePlotSpec(curves: readonly CoveragePlotCurve[], options: CalibrationPlotOptions = {}): Spec {
  if (!Array.isArray(curves) || curves.length === 0) throw new DomainError("curves", "at least one coverage curve", String(curves));
  const { width = 260, height = 260 } = options;
  const rows: Record<string, number | string>[] = [];
  // curves of the same number of simulations share one band: draw each distinct band once, in grey
  const bands = new Map<string, Record<string, number | string>[]>();
  for (const c of curves) {
    sameLength(`curve "${c.name}"`, c.levels.length, { coverage: c.coverage, lower: c.lower, upper: c.upper });
    rows.push({ curve: c.name, level: 0, coverage: 0 });
    for (let j = 0; j < c.levels.length; j++) rows.push({ curve: c.name, level: c.levels[j], coverage: c.coverage[j] });
    rows.push({ curve: c.name, level: 1, coverage: 1 });
    const band = [{ level: 0, lower: 0, upper: 0 }, ...Array.from({ length: c.levels.length }, (_, j) => ({ level: c.levels[j], lower: c.lower[j], upper: c.upper[j] })), { level: 1, lower: 1, upper: 1 }];
    bands.set(JSON.stringify(band), band);
  }
  const names = curves.map((c) => c.name);
  const x = { field: "level", type: "quantitative", title: "nominal level", scale: { domain: [0, 1] } };
  const y = { type: "quantitative", title: "empirical coverage", scale: { domain: [0, 1] } };
  const color = { field: "curve", type: "nominal", title: null, scale: { domain: names } };
  return {
    $schema: SCHEMA,
    config: CONFIG,
    ...(options.title ? { title: options.title } : {}),
    width,
    height,
    layer: [
      ...[...bands.values()].map((band) => ({
        data: { values: band },
        mark: { type: "area", color: "#999", opacity: 0.25 },
        encoding: { x, y: { ...y, field: "lower" }, y2: { field: "upper" } },
      })),
      { data: { values: [{ a: 0 }, { a: 1 }] }, mark: { type: "line", color: "#555", strokeDash: [4, 3] }, encoding: { x: { field: "a", type: "quantitative" }, y: { field: "a", type: "quantitative" } } },
      { data: { values: rows }, mark: { type: "line", strokeWidth: 1.5, point: true }, encoding: { x, y: { ...y, field: "coverage" }, color } },
    ],
  };
}

/** sbcPlotSpec rendered to an SVG document string. */
export function sbcPlotSvg(sbc: { parameters: readonly SbcPlotParameter[] }, options: CalibrationPlotOptions = {}): Promise<string> {
  return renderSvg(sbcPlotSpec(sbc, options));
}

/** coveragePlotSpec rendered to an SVG document string. */
export function coveragePlotSvg(curves: readonly CoveragePlotCurve[], options: CalibrationPlotOptions = {}): Promise<string> {
  return renderSvg(coveragePlotSpec(curves, options));
}
