// Plain-text table of the results: one row per workload, one column per
// implementation, then amortvi's ratio to each peer and its peak Wasm memory.

export const JS_IMPLS = ["amortvi", "tfjs-wasm", "tfjs-cpu"];
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
    const av = r.amortvi?.[stat];
    const ratios = RATIO_PEERS.map((p) => (av && r[p]?.[stat] ? `${(av / r[p][stat]).toFixed(2)}x` : "-"));
    rows.push([s.label ?? s.name, s.unit, cell(r.amortvi, stat), ...PEER_COLUMNS.map((p) => cell(r[p], stat)), ...ratios, mib(r.amortvi?.memoryBytes)]);
  }
  return rows;
}

/** Aligned text: first two columns left-aligned, the rest right-aligned. */
export function formatTable(rows) {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  const line = (r) => r.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ");
  return [line(rows[0]), widths.map((w) => "-".repeat(w)).join("  "), ...rows.slice(1).map(line)].join("\n");
}
