// Plain-text table of the results: one row per workload, one column per
// implementation, then amortvi's ratio to each peer and its peak Wasm memory.

/** amortvi with initThreads(THREADS) (ADR 0006); shown as an extra row "<workload> [amortvi 2 threads]" with its own ratios. */
export const THREADS = 2;
export const THREADS_IMPL = `amortvi-${THREADS}t`;
export const JS_IMPLS = ["amortvi", THREADS_IMPL, "tfjs-wasm", "tfjs-cpu"];
export const PEER_COLUMNS = ["tfjs-wasm", "tfjs-cpu", "torch-1t", "torch-1t-f64", "torch-Nt"];
const RATIO_PEERS = ["tfjs-wasm", "tfjs-cpu", "torch-1t", "torch-1t-f64"];

/** 3 significant digits, no exponent for the magnitudes met here. */
export function fmt(v) {
  if (!Number.isFinite(v)) return "-";
  if (v >= 100) return v.toFixed(0);
  if (v >= 10) return v.toFixed(1);
  if (v >= 1) return v.toFixed(2);
  return v.toPrecision(3);
}

const cell = (r, stat) => (!r ? "-" : r[stat] !== undefined ? fmt(r[stat]) : r.status ?? "error");
const mib = (bytes) => (bytes ? `${(bytes / 2 ** 20).toFixed(1)} MiB` : "-");

/** The rows (arrays of strings) of the summary table; stat is "median" or "max" (best round). */
export function tableRows(scenarios, stat = "median") {
  const head = ["workload", "unit", "amortvi", ...PEER_COLUMNS, ...RATIO_PEERS.map((p) => `av/${p}`), "av peak mem"];
  const rows = [head];
  for (const s of scenarios) {
    const r = s.results;
    for (const impl of ["amortvi", THREADS_IMPL]) {
      if (impl !== "amortvi" && !r[impl]) continue;
      const av = r[impl]?.[stat];
      const ratios = RATIO_PEERS.map((p) => (av && r[p]?.[stat] ? `${(av / r[p][stat]).toFixed(2)}x` : "-"));
      const label = `${s.label ?? s.name}${impl === "amortvi" ? "" : ` [amortvi ${THREADS} threads]`}`;
      rows.push([label, s.unit, cell(r[impl], stat), ...PEER_COLUMNS.map((p) => cell(r[p], stat)), ...ratios, mib(r[impl]?.memoryBytes)]);
    }
  }
  return rows;
}

/** Aligned text: first two columns left-aligned, the rest right-aligned. */
export function formatTable(rows) {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  const line = (r) => r.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ");
  return [line(rows[0]), widths.map((w) => "-".repeat(w)).join("  "), ...rows.slice(1).map(line)].join("\n");
}

/**
 * Rows of the scaling table: step time as B (or H) doubles, the time per
 * B*H unit relative to the largest size (1.00 = the cost grows linearly
 * there; above 1 = fixed per-step overhead dominates) and the peak memory.
 */
export function scalingRows(points, stat = "median") {
  const rows = [["axis", "B", "H", "us/step", "x prev", "us/(B*H) vs largest", "av peak mem"]];
  for (const axis of ["B", "H"]) {
    const pts = points.filter((p) => p.axis === axis && p.results.amortvi?.[stat]);
    if (!pts.length) continue;
    const us = (p) => 1e6 / p.results.amortvi[stat];
    const last = pts[pts.length - 1];
    const unit = us(last) / (last.b * last.h);
    pts.forEach((p, i) => {
      const prev = i ? `${(us(p) / us(pts[i - 1])).toFixed(2)}x` : "-";
      rows.push([axis, String(p.b), String(p.h), fmt(us(p)), prev, (us(p) / (p.b * p.h) / unit).toFixed(2), mib(p.results.amortvi.memoryBytes)]);
    });
  }
  return rows;
}
