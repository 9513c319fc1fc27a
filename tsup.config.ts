import { defineConfig } from "tsup";

// platform "neutral": the bundle must not assume Node (the wasm bytes are
// base64 in src/core/kernels-wasm.ts and decoded with atob, present in Node
// >= 16 and in browsers). Node-only pieces (cli, report writers) are separate
// entries that import node: modules themselves.
// The library entries (amortvi, amortvi/low-level, amortvi/experiments, amortvi/worker)
// are built together with code splitting, in both formats, so that they share
// ONE copy of the library: one Tensor class and one default runtime (one Wasm
// memory). Separate bundles would each carry their own, and a tensor made by
// one entry would fail `instanceof Tensor` in another. The experiments entry
// reads files (node: modules, kept external) and renders figures with vega
// (dynamic imports, external); the shared chunks and dist/index.js import
// neither (test/package checks the root entry has no node: import).
//
// package.json's "sideEffects" tells a USER's bundler that only the study and
// CLI entries of dist/ have import-time effects. Our own build must not apply
// it to src/: the study files register themselves when imported
// (experiments/index.ts imports them bare), and esbuild would drop them as
// side-effect free. So this build ignores side-effect annotations.
const keepSourceSideEffects = (options: { ignoreAnnotations?: boolean }) => {
  options.ignoreAnnotations = true;
};

export default defineConfig([
  {
    entry: {
      index: "src/index.ts",
      "low-level": "src/low-level.ts",
      experiments: "src/experiments/index.ts",
      worker: "src/worker/index.ts",
      // the program a training worker runs (createTrainingWorker's default URL: ./worker-thread.js next to worker.js)
      "worker-thread": "src/worker/worker-thread.ts",
    },
    format: ["esm", "cjs"],
    dts: true,
    sourcemap: true,
    clean: true,
    splitting: true,
    shims: true,
    platform: "neutral",
    target: "es2022",
    outDir: "dist",
    external: [/^node:/, "vega", "vega-lite"],
    esbuildOptions: keepSourceSideEffects,
  },
  {
    entry: { cli: "src/cli/main.ts" },
    format: ["esm"],
    dts: false,
    sourcemap: true,
    platform: "node",
    target: "node20",
    outDir: "dist",
    external: ["vega", "vega-lite", "commander"],
    esbuildOptions: keepSourceSideEffects,
  },
]);
