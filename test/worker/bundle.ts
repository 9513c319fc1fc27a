// The worker program bundled from the sources with esbuild (what tsup and
// `npm run build:demo` do for dist/ and the demo): a node:worker_threads
// Worker runs plain JS, not the TypeScript sources vitest transforms.
import { build } from "esbuild";
import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";

const root = resolve(import.meta.dirname, "../..");

/** Bundles src/worker/worker-thread.ts into `outdir` (ESM, node platform) and returns the file's path. */
export async function bundleWorkerThread(outdir = join(root, "test-output", "worker")): Promise<string> {
  mkdirSync(outdir, { recursive: true });
  const outfile = join(outdir, "worker-thread.mjs");
  await build({ entryPoints: [join(root, "src/worker/worker-thread.ts")], bundle: true, format: "esm", platform: "node", target: "node20", outfile, logLevel: "error" });
  return outfile;
}
