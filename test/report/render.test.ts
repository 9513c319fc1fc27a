import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { AmortviError } from "../../src/core/errors.js";

const root = resolve(import.meta.dirname, "../..");

describe("renderSvg and its optional peers", () => {
  it("renders a Vega-Lite spec to SVG when vega and vega-lite are installed", async () => {
    const { renderSvg } = await import("../../src/report/render.js");
    const svg = await renderSvg({ data: { values: [{ x: 1, y: 2 }, { x: 2, y: 3 }] }, mark: "point", encoding: { x: { field: "x", type: "quantitative" }, y: { field: "y", type: "quantitative" } } });
    expect(svg.startsWith("<svg")).toBe(true);
    expect(svg).toContain("<path");
  });

  it("a package that cannot be found becomes a MissingDependencyError naming it and the install command", async () => {
    const { rendererImportError, MissingDependencyError } = await import("../../src/report/render.js");
    // what Node's loader throws for `import("vega-lite")` when the package is not installed
    const notFound = Object.assign(new Error("Cannot find package 'vega-lite' imported from /app/node_modules/amortvi/dist/experiments.js"), { code: "ERR_MODULE_NOT_FOUND" });
    const err = rendererImportError(notFound);
    expect(err).toBeInstanceOf(MissingDependencyError);
    expect(err).toBeInstanceOf(AmortviError);
    expect((err as Error).message).toBe(
      'vega, vega-lite: expected installed to draw a report\'s figures (optional peer dependencies of amortvi, not installed with the library: npm install "vega@~6.4.0" "vega-lite@~6.4.0"), received no package "vega-lite"',
    );
  });

  it("lets any other failure through as it is (another missing package, another error)", async () => {
    const { rendererImportError } = await import("../../src/report/render.js");
    const other = new Error("Cannot find package 'd3-array' imported from /app/node_modules/vega/build/vega.js");
    const broken = new TypeError("something else broke");
    expect(rendererImportError(other)).toBe(other);
    expect(rendererImportError(broken)).toBe(broken);
  });

  it("asks for the ranges package.json declares as optional peer dependencies", async () => {
    const { RENDERER_PEERS } = await import("../../src/report/render.js");
    const manifest = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
    for (const [name, range] of Object.entries(RENDERER_PEERS)) {
      expect(manifest.peerDependencies[name]).toBe(range);
      expect(manifest.peerDependenciesMeta[name].optional).toBe(true);
      expect(manifest.devDependencies[name]).toBe(range); // a clone installs them: `npx amortvi reproduce` works there
      expect(manifest.dependencies?.[name]).toBeUndefined();
    }
  });
});
