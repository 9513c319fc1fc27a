// Plain-text table of the results: one row per workload, one column per
// implementation, then amortvi's ratio to each peer and its peak Wasm memory.
// A workload measured with amortvi-f32 too gets a second row ("f32 compute")
// whose amortvi cell and ratios are amortvi-f32's.

/** amortvi with MLP precision "f32" (results key and child implementation name). */
export const F32_IMPL = "amortvi-f32";
/** amortvi with initThreads(THREADS) (ADR 0006); shown as an extra row "<workload> [amortvi 2 threads]" with its own ratios. */
export const THREADS = 2;
export const THREADS_IMPL = `amortvi-${THREADS}t`;
/** amortvi-f32 on initThreads(THREADS): the f32 dense layers split too; row "<workload>, f32 compute [amortvi 2 threads]". */
export const THREADS_F32_IMPL = `amortvi-f32-${THREADS}t`;
export const JS_IMPLS = ["amortvi", F32_IMPL, THREADS_IMPL, THREADS_F32_IMPL, "tfjs-wasm", "tfjs-cpu"];
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
    const row = (label, mine) => {
      const av = mine?.[stat];
      const ratios = RATIO_PEERS.map((p) => (av && r[p]?.[stat] ? `${(av / r[p][stat]).toFixed(2)}x` : "-"));
      return [label, s.unit, cell(mine, stat), ...PEER_COLUMNS.map((p) => cell(r[p], stat)), ...ratios, mib(mine?.memoryBytes)];
    };
    rows.push(row(s.label ?? s.name, r.amortvi));
    if (r[F32_IMPL]) rows.push(row(`${s.label ?? s.name}, f32 compute`, r[F32_IMPL]));
    if (r[THREADS_IMPL]) rows.push(row(`${s.label ?? s.name} [amortvi ${THREADS} threads]`, r[THREADS_IMPL]));
    if (r[THREADS_F32_IMPL]) rows.push(row(`${s.label ?? s.name}, f32 compute [amortvi ${THREADS} threads]`, r[THREADS_F32_IMPL]));
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
  const rows = [["axis", "compute", "B", "H", "us/step", "x prev", "us/(B*H) vs largest", "av peak mem"]];
  for (const [impl, compute] of [["amortvi", "f64"], [F32_IMPL, "f32"]]) {
    for (const axis of ["B", "H"]) {
      const pts = points.filter((p) => p.axis === axis && p.results[impl]?.[stat]);
      if (!pts.length) continue;
      const us = (p) => 1e6 / p.results[impl][stat];
      const last = pts[pts.length - 1];
      const unit = us(last) / (last.b * last.h);
      pts.forEach((p, i) => {
        const prev = i ? `${(us(p) / us(pts[i - 1])).toFixed(2)}x` : "-";
        rows.push([axis, compute, String(p.b), String(p.h), fmt(us(p)), prev, (us(p) / (p.b * p.h) / unit).toFixed(2), mib(p.results[impl].memoryBytes)]);
      });
    }
  }
  return rows;
}
