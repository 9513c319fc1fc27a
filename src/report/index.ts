// Node-only reporting: results files, Vega-Lite -> SVG figures, HTML pages.
export { writeTextAtomic, writeJsonAtomic, jsonReplacer } from "./files.js";
export { renderSvg } from "./render.js";
export { lineChart, densityGrid, boxplot, stackedBars, thinIndices } from "./plots.js";
export type { Series, ReferenceLine, LineChartOptions, DensityPanel, DensityGridOptions, BoxplotOptions, BarSegment, StackedBarsOptions } from "./plots.js";
export { renderHtml, escapeHtml, formatValue, type HtmlPage } from "./html.js";
export { runInputs, writeReport, type RunRecord } from "./write.js";
export { amortviVersion, gitCommit, packageRoot, provenance, type Provenance } from "./provenance.js";
