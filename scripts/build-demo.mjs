// Bundles the demo page into demo/build/ with esbuild (installed with tsup):
// app.js, the page (no Wasm), and worker-thread.js, the training worker
// (the library and its Wasm kernels). demo/ is then a static folder that any
// file server can serve (GitHub Pages style). Needs src/core/kernels-wasm.ts
// (`npm run build:wasm`; `npm run build:demo` runs it first).
import { build } from "esbuild";
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(import.meta.dirname, "..");

/** Builds demo/build/{app,worker-thread}.js (ES modules for the browser) and returns their sizes in bytes. */
export async function buildDemo({ outdir = join(root, "demo", "build"), minify = true } = {}) {
  if (!existsSync(join(root, "src/core/kernels-wasm.ts"))) {
    throw new Error("src/core/kernels-wasm.ts is missing: run `npm run build:wasm` first");
  }
  const result = await build({
    entryPoints: { app: join(root, "demo/src/app.ts"), "worker-thread": join(root, "src/worker/worker-thread.ts") },
    outdir,
    bundle: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    minify,
    sourcemap: true,
    // reached only in Node, through a variable id that esbuild leaves alone anyway
    external: ["node:*"],
    metafile: true,
    logLevel: "warning",
  });
  return Object.fromEntries(
    Object.entries(result.metafile.outputs)
      .filter(([file]) => file.endsWith(".js"))
      .map(([file, out]) => [file.slice(file.lastIndexOf("/") + 1), out.bytes]),
  );
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const sizes = await buildDemo();
  for (const [file, bytes] of Object.entries(sizes)) console.log(`demo/build/${file}: ${(bytes / 1024).toFixed(1)} KB`);
}
