/**
 * Vega-Lite specification -> SVG string, in Node, without a browser or a
 * canvas: vega-lite compiles to a Vega spec, a headless Vega View renders it.
 * vega and vega-lite are ESM-only packages with top-level await, so they are
 * loaded with a dynamic import (this also keeps them out of the library
 * bundle: only the CLI and the report need them).
 */
type VegaModules = { vega: typeof import("vega"); vl: typeof import("vega-lite") };

let modules: Promise<VegaModules> | null = null;

function loadVega(): Promise<VegaModules> {
  modules ??= Promise.all([import("vega"), import("vega-lite")]).then(([vega, vl]) => ({ vega, vl }));
  return modules;
}

/** Renders a Vega-Lite top-level spec to an SVG document string. */
export async function renderSvg(spec: Record<string, unknown>): Promise<string> {
  const { vega, vl } = await loadVega();
  const compiled = vl.compile(spec as unknown as Parameters<typeof vl.compile>[0]).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: "none" });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
