/**
 * Builders for the figures the studies share, as Vega-Lite specs (render
 * with renderSvg). They take plain arrays, drop points a scale cannot show
 * (non-finite values; values <= 0 on a log axis, which would otherwise make
 * Vega silently draw nothing) and thin long series to at most `maxPoints`.
 */
import { DomainError } from "../core/errors.js";

type Spec = Record<string, unknown>;
type Row = Record<string, number | string>;

/** One curve: y against x, drawn in the panel `panel` (default: the only panel). */
export interface Series {
  name: string;
  x: ArrayLike<number>;
  y: ArrayLike<number>;
  panel?: string;
  /** Optional band drawn around the curve, e.g. min / max or mean -+ sd over seeds. */
  lower?: ArrayLike<number>;
  upper?: ArrayLike<number>;
}

/** A dashed horizontal line at `y` (e.g. a true parameter value), labelled. */
export interface ReferenceLine {
  y: number;
  label: string;
  panel?: string;
}

export interface LineChartOptions {
  title?: string;
  xLabel: string;
  yLabel: string;
  series: Series[];
  references?: ReferenceLine[];
  logX?: boolean;
  logY?: boolean;
  /** Longest series kept per curve (evenly spaced, log-spaced when logX); default 600. */
  maxPoints?: number;
  /** Draw a marker at each point (for short series such as one value per setting). */
  points?: boolean;
  /** Panels per row when series have several `panel` values; default 3. */
  columns?: number;
  width?: number;
  height?: number;
}

const FONT = { labelFontSize: 11, titleFontSize: 12 };
/** The config block every figure shares (fonts, frame). */
export const CONFIG = { axis: FONT, legend: FONT, title: { fontSize: 13 }, view: { stroke: "#ccc" } };
/** The Vega-Lite schema of the figures. */
export const SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json";

/** Indices 0..n-1 thinned to about `max`, evenly in index (or in log index) space, always keeping the last. */
export function thinIndices(n: number, max: number, logSpaced = false): number[] {
  if (n <= max) return Array.from({ length: n }, (_, i) => i);
  const keep = new Set<number>();
  for (let j = 0; j < max; j++) {
    const t = j / (max - 1);
    keep.add(logSpaced ? Math.round(Math.expm1(t * Math.log1p(n - 1))) : Math.round(t * (n - 1)));
  }
  return [...keep].sort((a, b) => a - b);
}

function shown(v: number, log: boolean): boolean {
  return Number.isFinite(v) && (!log || v > 0);
}

function scaleOf(log: boolean | undefined): Spec {
  return log ? { type: "log" } : { type: "linear", zero: false };
}

function orderedUnique(values: (string | undefined)[]): string[] {
  return [...new Set(values.map((v) => v ?? ""))];
}

function arrange(panels: Spec[], columns: number, title?: string): Spec {
  const top = { $schema: SCHEMA, config: CONFIG, ...(title ? { title } : {}) };
  if (panels.length === 1) return { ...top, ...panels[0], title: title ?? panels[0].title };
  return { ...top, columns, concat: panels, resolve: { scale: { color: "shared" } } };
}

/** Line chart of each series' y against x (e.g. a parameter vs iteration), optional dashed reference lines, log axes and panels. */
export function lineChart(opts: LineChartOptions): Spec {
  const { series, references = [], logX = false, logY = false, maxPoints = 600, width = 260, height = 180 } = opts;
  if (series.length === 0) throw new DomainError("series", "at least one series", "[]");
  const names = orderedUnique(series.map((s) => s.name));
  const panelNames = orderedUnique([...series.map((s) => s.panel), ...references.map((r) => r.panel)]);
  let drawn = 0;
  const panels = panelNames.map((panel) => {
    const rows: Row[] = [];
    for (const s of series.filter((s) => (s.panel ?? "") === panel)) {
      for (const [key, v] of [["y", s.y], ["lower", s.lower], ["upper", s.upper]] as const) {
        if (v && v.length !== s.x.length) {
          throw new DomainError(`series "${s.name}"`, `x and ${key} of equal length`, `${s.x.length} and ${v.length}`);
        }
      }
      for (const i of thinIndices(s.x.length, maxPoints, logX)) {
        if (!shown(s.x[i], logX) || !shown(s.y[i], logY)) continue;
        const row: Row = { series: s.name, x: s.x[i], y: s.y[i] };
        if (s.lower && s.upper && shown(s.lower[i], logY) && shown(s.upper[i], logY)) {
          row.lower = s.lower[i];
          row.upper = s.upper[i];
        }
        rows.push(row);
      }
    }
    drawn += rows.length;
    const x = { field: "x", type: "quantitative", title: opts.xLabel, scale: scaleOf(logX) };
    const y = { field: "y", type: "quantitative", title: opts.yLabel, scale: scaleOf(logY) };
    const color = { field: "series", type: "nominal", title: null, scale: { domain: names } };
    const refs = references.filter((r) => (r.panel ?? "") === panel && shown(r.y, logY)).map((r) => ({ y: r.y, label: r.label }));
    const layers: Spec[] = [
      {
        data: { values: rows },
        mark: { type: "line", strokeWidth: 1.5, clip: true, point: opts.points ?? false },
        encoding: { x, y, color },
      },
    ];
    if (rows.some((r) => r.lower !== undefined)) {
      // after the line so that the legend shows strokes, not faded band swatches
      layers.push({
        data: { values: rows.filter((r) => r.lower !== undefined) },
        mark: { type: "area", opacity: 0.2, clip: true },
        encoding: { x, y: { ...y, field: "lower" }, y2: { field: "upper" }, color },
      });
    }
    if (refs.length > 0) {
      layers.push(
        {
          data: { values: refs },
          mark: { type: "rule", strokeDash: [5, 4], color: "#555" },
          encoding: { y: { field: "y", type: "quantitative" } },
        },
        {
          data: { values: refs },
          mark: { type: "text", align: "left", baseline: "bottom", dx: 3, dy: -2, fontSize: 10, color: "#333" },
          encoding: { y: { field: "y", type: "quantitative" }, x: { value: 0 }, text: { field: "label" } },
        },
      );
    }
    return { ...(panel ? { title: panel } : {}), width, height, layer: layers };
  });
  if (drawn === 0) {
    throw new DomainError("series", logX || logY ? "some finite points (> 0 on log axes)" : "some finite points", "none");
  }
  return arrange(panels, opts.columns ?? Math.min(3, panels.length), opts.title);
}

/** One panel of a density grid: curves over a common x grid ("line") or probabilities over categories ("bar"). */
export interface DensityPanel {
  row: string;
  col: string;
  kind?: "line" | "bar";
  x: ArrayLike<number> | readonly string[];
  /** Axis titles of this panel (default: the grid's; "probability" for bars). */
  xLabel?: string;
  yLabel?: string;
  /** e.g. [{ name: "prior", y }, { name: "true posterior", y }, { name: "q", y }] */
  curves: { name: string; y: ArrayLike<number> }[];
}

export interface DensityGridOptions {
  title?: string;
  panels: DensityPanel[];
  xLabel?: string;
  yLabel?: string;
  width?: number;
  height?: number;
}

/** Grid of panels (rows x columns, e.g. latent x test y), each comparing densities such as prior / true posterior / q. */
export function densityGrid(opts: DensityGridOptions): Spec {
  const { panels, width = 150, height = 110 } = opts;
  if (panels.length === 0) throw new DomainError("panels", "at least one panel", "[]");
  const rowNames = orderedUnique(panels.map((p) => p.row));
  const colNames = orderedUnique(panels.map((p) => p.col));
  const names = orderedUnique(panels.flatMap((p) => p.curves.map((c) => c.name)));
  const color = { field: "curve", type: "nominal", title: null, scale: { domain: names } };
  const specs: Spec[] = [];
  for (const row of rowNames) {
    for (const col of colNames) {
      const p = panels.find((q) => q.row === row && q.col === col);
      if (!p) {
        specs.push({ width, height, data: { values: [] }, mark: "point" });
        continue;
      }
      const rows: Row[] = [];
      for (const c of p.curves) {
        if (c.y.length !== p.x.length) {
          throw new DomainError(`panel (${row}, ${col}) curve "${c.name}"`, `${p.x.length} values (one per x)`, `${c.y.length}`);
        }
        for (let i = 0; i < c.y.length; i++) {
          if (Number.isFinite(c.y[i])) rows.push({ curve: c.name, x: p.x[i], y: c.y[i] });
        }
      }
      const bar = p.kind === "bar";
      specs.push({
        title: { text: `${row} | ${col}`, fontSize: 11 },
        width,
        height,
        data: { values: rows },
        mark: bar ? { type: "bar" } : { type: "line", strokeWidth: 1.5 },
        encoding: {
          x: bar
            ? { field: "x", type: "nominal", title: p.xLabel ?? opts.xLabel ?? null, axis: { labelAngle: 0 } }
            : { field: "x", type: "quantitative", title: p.xLabel ?? opts.xLabel ?? null, scale: { zero: false, nice: false } },
          ...(bar ? { xOffset: { field: "curve", type: "nominal", scale: { domain: names } } } : {}),
          y: bar
            ? { field: "y", type: "quantitative", title: p.yLabel ?? "probability", scale: { domain: [0, 1] } }
            : { field: "y", type: "quantitative", title: p.yLabel ?? opts.yLabel ?? null },
          color,
        },
      });
    }
  }
  return arrange(specs, colNames.length, opts.title);
}

export interface BoxplotOptions {
  title?: string;
  /** One box per group, e.g. one per method, values over seeds. */
  groups: { name: string; values: ArrayLike<number> }[];
  xLabel?: string;
  yLabel: string;
  logY?: boolean;
  width?: number;
  height?: number;
}

/** Boxplots (min-max whiskers) of each group's values with the individual values drawn as points. */
export function boxplot(opts: BoxplotOptions): Spec {
  const { groups, logY = false, height = 220 } = opts;
  if (groups.length === 0) throw new DomainError("groups", "at least one group", "[]");
  const rows: Row[] = [];
  for (const g of groups) {
    for (let i = 0; i < g.values.length; i++) if (shown(g.values[i], logY)) rows.push({ group: g.name, value: g.values[i] });
  }
  const names = groups.map((g) => g.name);
  const x = { field: "group", type: "nominal", title: opts.xLabel ?? null, sort: names, axis: { labelAngle: -30 } };
  const y = { field: "value", type: "quantitative", title: opts.yLabel, scale: scaleOf(logY) };
  return arrange(
    [
      {
        width: opts.width ?? Math.max(160, 60 * groups.length),
        height,
        data: { values: rows },
        layer: [
          { mark: { type: "boxplot", extent: "min-max", size: 24 }, encoding: { x, y, color: { field: "group", type: "nominal", legend: null, sort: names } } },
          { mark: { type: "point", filled: true, size: 14, color: "#222", opacity: 0.6 }, encoding: { x, y } },
        ],
      },
    ],
    1,
    opts.title,
  );
}

/** One segment of a stacked bar: `value` (may be negative) with an optional standard error. */
export interface BarSegment {
  /** The bar it belongs to (x axis), e.g. "FFG-trained, q FFG". */
  group: string;
  /** Its part of the bar (colour), e.g. "approximation gap". */
  part: string;
  value: number;
  se?: number;
}

export interface StackedBarsOptions {
  title?: string;
  segments: BarSegment[];
  xLabel?: string;
  yLabel: string;
  width?: number;
  height?: number;
}

/**
 * Stacked bars: one bar per group (in order of appearance), its parts stacked
 * in order of appearance (segment k spans [sum_{j<k} v_j, sum_{j<=k} v_j]),
 * with a +-se error bar at the top of each segment (e.g. the inference gap of
 * a guide as approximation gap + amortization gap, Cremer et al. 2018).
 */
export function stackedBars(opts: StackedBarsOptions): Spec {
  const { segments, height = 220 } = opts;
  if (segments.length === 0) throw new DomainError("segments", "at least one segment", "[]");
  const groups = orderedUnique(segments.map((s) => s.group));
  const parts = orderedUnique(segments.map((s) => s.part));
  const rows: Row[] = [];
  for (const g of groups) {
    let top = 0;
    for (const p of parts) {
      const s = segments.find((t) => t.group === g && t.part === p);
      if (!s) continue;
      if (!Number.isFinite(s.value)) throw new DomainError(`segment (${g}, ${p}).value`, "a finite number", String(s.value));
      if (s.se !== undefined && !(s.se >= 0)) throw new DomainError(`segment (${g}, ${p}).se`, "a number >= 0", String(s.se));
      const row: Row = { group: g, part: p, start: top, end: top + s.value, value: s.value };
      if (s.se !== undefined) {
        row.low = top + s.value - s.se;
        row.high = top + s.value + s.se;
      }
      rows.push(row);
      top += s.value;
    }
  }
  const x = { field: "group", type: "nominal", title: opts.xLabel ?? null, sort: groups, axis: { labelAngle: -30, labelLimit: 240 } };
  const color = { field: "part", type: "nominal", title: null, scale: { domain: parts }, legend: { labelLimit: 400 } };
  return arrange(
    [
      {
        width: opts.width ?? Math.max(160, 70 * groups.length),
        height,
        layer: [
          {
            data: { values: rows },
            mark: { type: "bar", size: 28 },
            encoding: { x, y: { field: "start", type: "quantitative", title: opts.yLabel }, y2: { field: "end" }, color, tooltip: [{ field: "part" }, { field: "value", format: ".3f" }] },
          },
          {
            data: { values: rows.filter((r) => r.low !== undefined) },
            mark: { type: "errorbar", ticks: { size: 8 }, color: "#222" },
            encoding: { x, y: { field: "low", type: "quantitative", title: opts.yLabel }, y2: { field: "high" } },
          },
        ],
      },
    ],
    1,
    opts.title,
  );
}
