// Line charts drawn as SVG by hand (no plotting library in the page): axes
// with round ticks, one path per series, solid for the fit and dashed for
// the exact reference in the same hue.

const SVG = "http://www.w3.org/2000/svg";

export interface Series {
  readonly x: ArrayLike<number>;
  readonly y: ArrayLike<number>;
  readonly color: string;
  readonly dashed?: boolean;
  readonly label?: string;
}

export interface ChartSpec {
  readonly series: readonly Series[];
  readonly xLabel: string;
  readonly yLabel: string;
  /** Horizontal reference lines (exact values), dashed. */
  readonly references?: readonly { y: number; color: string }[];
  readonly yFloor?: number;
}

const MARGIN = { left: 58, right: 12, top: 10, bottom: 38 };

/** About `count` round tick values covering [lo, hi] (1, 2, 5 x 10^k steps). */
export function ticks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Math.abs(v) < step * 1e-9 ? 0 : v);
  return out;
}

function extent(values: Iterable<number>): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (lo === Infinity) return [0, 1];
  if (lo === hi) return [lo - 1, hi + 1];
  return [lo, hi];
}

function el<K extends keyof SVGElementTagNameMap>(name: K, attrs: Record<string, string | number>, parent: Element): SVGElementTagNameMap[K] {
  const node = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  parent.appendChild(node);
  return node;
}

function label(v: number): string {
  const a = Math.abs(v);
  return a !== 0 && (a >= 1e4 || a < 1e-3) ? v.toExponential(1) : String(Number(v.toPrecision(6)));
}

/** Redraws `svg` (its width and height attributes fix the size) with the chart. */
export function drawChart(svg: SVGSVGElement, spec: ChartSpec): void {
  const width = Number(svg.getAttribute("width"));
  const height = Number(svg.getAttribute("height"));
  svg.replaceChildren();
  svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
  const xs = spec.series.flatMap((s) => Array.from(s.x));
  const ys = [...spec.series.flatMap((s) => Array.from(s.y)), ...(spec.references ?? []).map((r) => r.y)];
  const [x0, x1] = extent(xs);
  let [y0, y1] = extent(ys);
  if (spec.yFloor !== undefined) y0 = Math.max(y0, spec.yFloor);
  const pad = (y1 - y0) * 0.05;
  [y0, y1] = [y0 - pad, y1 + pad];
  const w = width - MARGIN.left - MARGIN.right;
  const h = height - MARGIN.top - MARGIN.bottom;
  const sx = (v: number) => MARGIN.left + ((v - x0) / (x1 - x0)) * w;
  const sy = (v: number) => MARGIN.top + (1 - (v - y0) / (y1 - y0)) * h;

  const axes = el("g", { class: "axes" }, svg);
  for (const t of ticks(x0, x1)) {
    el("line", { x1: sx(t), x2: sx(t), y1: MARGIN.top, y2: MARGIN.top + h, class: "grid" }, axes);
    el("text", { x: sx(t), y: MARGIN.top + h + 14, "text-anchor": "middle" }, axes).textContent = label(t);
  }
  for (const t of ticks(y0, y1)) {
    el("line", { x1: MARGIN.left, x2: MARGIN.left + w, y1: sy(t), y2: sy(t), class: "grid" }, axes);
    el("text", { x: MARGIN.left - 5, y: sy(t) + 4, "text-anchor": "end" }, axes).textContent = label(t);
  }
  el("rect", { x: MARGIN.left, y: MARGIN.top, width: w, height: h, class: "frame" }, axes);
  el("text", { x: MARGIN.left + w / 2, y: height - 6, "text-anchor": "middle", class: "axis-label" }, axes).textContent = spec.xLabel;
  el("text", { x: 12, y: MARGIN.top + h / 2, "text-anchor": "middle", class: "axis-label", transform: `rotate(-90 12 ${MARGIN.top + h / 2})` }, axes).textContent = spec.yLabel;

  const marks = el("g", { class: "marks", "clip-path": "none" }, svg);
  for (const r of spec.references ?? []) {
    el("line", { x1: MARGIN.left, x2: MARGIN.left + w, y1: sy(r.y), y2: sy(r.y), stroke: r.color, "stroke-dasharray": "5 4", class: "mark reference" }, marks);
  }
  for (const s of spec.series) {
    let d = "";
    for (let i = 0; i < s.x.length; i++) {
      const y = Math.min(Math.max(s.y[i], y0), y1);
      if (!Number.isFinite(y)) continue;
      d += `${d ? "L" : "M"}${sx(s.x[i]).toFixed(1)},${sy(y).toFixed(1)}`;
    }
    if (!d) continue;
    const path = el("path", { d, fill: "none", stroke: s.color, "stroke-width": 1.8, class: "mark" }, marks);
    if (s.dashed) path.setAttribute("stroke-dasharray", "6 4");
    if (s.label) el("title", {}, path).textContent = s.label;
  }
}

/** At most `n` points of a long curve: the mean of each of n equal runs of steps (a loss curve's trend). */
export function downsample(x: ArrayLike<number>, y: ArrayLike<number>, n: number): { x: number[]; y: number[] } {
  if (x.length <= n) return { x: Array.from(x), y: Array.from(y) };
  const outX: number[] = [];
  const outY: number[] = [];
  const per = x.length / n;
  for (let b = 0; b < n; b++) {
    const lo = Math.floor(b * per);
    const hi = Math.floor((b + 1) * per);
    let sy = 0;
    for (let i = lo; i < hi; i++) sy += y[i];
    outX.push(x[hi - 1]);
    outY.push(sy / (hi - lo));
  }
  return { x: outX, y: outY };
}

/** The moving average of y over the last `window` values (fewer at the start). */
export function movingAverage(y: ArrayLike<number>, window: number): number[] {
  const out: number[] = [];
  let sum = 0;
  for (let i = 0; i < y.length; i++) {
    sum += y[i];
    if (i >= window) sum -= y[i - window];
    out.push(sum / Math.min(i + 1, window));
  }
  return out;
}
