import { defineConfig } from "tsup";

// platform "neutral": the bundle must not assume Node (the wasm bytes are
// base64 in src/core/kernels-wasm.ts and decoded with atob, present in Node
// >= 16 and in browsers). Node-only pieces (cli, report writers) are separate
// entries that import node: modules themselves.
export default defineConfig([
  {
    entry: { index: "src/index.ts" },
    format: ["esm", "cjs"],
    dts: true,
    sourcemap: true,
    clean: true,
    platform: "neutral",
    target: "es2022",
    outDir: "dist",
  },
  {
    entry: { cli: "src/cli/main.ts" },
    format: ["esm"],
    dts: false,
    sourcemap: true,
    platform: "node",
    target: "node20",
    outDir: "dist",
    external: ["vega", "vega-lite", "commander", "cli-progress"],
  },
]);
