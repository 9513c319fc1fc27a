/**
 * Vega-Lite specification -> SVG string, in Node, without a browser or a
 * canvas: vega-lite compiles to a Vega spec, a headless Vega View renders it.
 * vega and vega-lite are ESM-only packages with top-level await, so they are
 * loaded with a dynamic import; they are optional peer dependencies
 * (docs/adr/0010-lean-package.md): the library never loads them, the report
 * does, and names them with the install command when they are missing.
 */
import { AmortviError } from "../core/errors.js";

type VegaModules = { vega: typeof import("vega"); vl: typeof import("vega-lite") };

/** A package that only the report or the CLI needs is not installed (an optional peer dependency of amortvi). */
export class MissingDependencyError extends AmortviError {}

/** The renderer's peer dependencies and their ranges (the same as package.json's peerDependencies; test/report/render.test.ts checks). */
export const RENDERER_PEERS: Readonly<Record<string, string>> = { vega: "~6.4.0", "vega-lite": "~6.4.0" };

let modules: Promise<VegaModules> | null = null;

/** The error a failed import of vega / vega-lite becomes: a MissingDependencyError for "Cannot find package 'vega'", any other error unchanged. */
export function rendererImportError(err: unknown): unknown {
  const message = err instanceof Error ? err.message : String(err);
  const name = /Cannot find (?:package|module) '([^']+)'/.exec(message)?.[1];
  if (!name || !(name in RENDERER_PEERS)) return err;
  const install = Object.entries(RENDERER_PEERS).map(([peer, range]) => `"${peer}@${range}"`).join(" ");
  return new MissingDependencyError(
    Object.keys(RENDERER_PEERS).join(", "),
    `installed to draw a report's figures (optional peer dependencies of amortvi, not installed with the library: npm install ${install})`,
    `no package "${name}"`,
  );
}

/** Loads vega and vega-lite once; a MissingDependencyError naming the install command if either is not installed. */
export function loadVega(): Promise<VegaModules> {
  modules ??= Promise.all([import("vega"), import("vega-lite")]).then(
    ([vega, vl]) => ({ vega, vl }),
    (err: unknown) => {
      modules = null;
      throw rendererImportError(err);
    },
  );
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
