import { formatValue } from "../core/format.js";

/** A self-contained HTML page: title, description, headline-number table, inline SVG figures, notes. */
export interface HtmlPage {
  title: string;
  description?: string;
  /** Run settings shown under the title, e.g. { seed: 1, quick: false }. */
  settings?: Record<string, unknown>;
  headline: Record<string, number | string>;
  figures: { title: string; svg: string }[];
  notes?: string[];
}

/** Numbers in tables and headlines: one formatter for the report, the CLI and the progress display. */
export { formatValue };

/** Escapes the five HTML-special characters. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}


const STYLE = `body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222}
table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:.3em .8em;text-align:left}
td.num{text-align:right;font-variant-numeric:tabular-nums}figure{margin:2em 0}figcaption{font-weight:600;margin-bottom:.5em}
.settings{color:#555}`;

/** Renders the page as one HTML string (SVGs inline, so the file can be moved or mailed alone). */
export function renderHtml(page: HtmlPage): string {
  const settings = page.settings
    ? `<p class="settings">${Object.entries(page.settings)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => `${escapeHtml(k)}: ${escapeHtml(String(v))}`)
        .join(" &middot; ")}</p>`
    : "";
  const rows = Object.entries(page.headline)
    .map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td class="${typeof v === "number" ? "num" : ""}">${escapeHtml(formatValue(v))}</td></tr>`)
    .join("\n");
  const figures = page.figures
    .map((f) => `<figure><figcaption>${escapeHtml(f.title)}</figcaption>\n${f.svg.replace(/^<\?xml[^>]*>\s*/, "")}\n</figure>`)
    .join("\n");
  const notes = page.notes?.length ? `<h2>Notes</h2>\n<ul>${page.notes.map((n) => `<li>${escapeHtml(n)}</li>`).join("\n")}</ul>` : "";
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(page.title)}</title><style>${STYLE}</style></head>
<body>
<h1>${escapeHtml(page.title)}</h1>
${page.description ? `<p>${escapeHtml(page.description)}</p>` : ""}
${settings}
<h2>Headline numbers</h2>
<table>
${rows}
</table>
${figures}
${notes}
</body></html>
`;
}
