// The CLI as a program a test can spawn, signal and kill: src/cli/main.ts
// bundled by esbuild (dependencies stay in node_modules) into the worktree's
// .tmp/ folder, with a launcher calling main(process.argv).
import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { build } from "esbuild";

const root = resolve(import.meta.dirname, "../..");

/** Bundles the CLI once per call; returns the launcher's path (`node <it> reproduce ...`). */
export async function buildCli(tag: string): Promise<string> {
  const dir = join(root, ".tmp", `cli-${tag}-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  await build({ entryPoints: [join(root, "src/cli/main.ts")], bundle: true, outfile: join(dir, "cli.mjs"), format: "esm", platform: "node", packages: "external", logLevel: "silent", ignoreAnnotations: true }); // package.json sideEffects describes dist/: src/ study files register themselves on import
  const launcher = join(dir, "amortvi.mjs");
  writeFileSync(launcher, `import { main } from "./cli.mjs";\nawait main(process.argv);\n`);
  return launcher;
}
