// The published package, as a user gets it: `npm pack` the built package,
// install the tarball into a scratch project, then use it from ESM, from CJS,
// from TypeScript and through its `amortvi` bin. The library installs alone
// (no dependencies); the CLI's optional peers (commander, vega, vega-lite) are
// installed by the bin test when it needs them, from the npm cache / registry
// (docs/adr/0010-lean-package.md). Needs `npm run build` first (npm test does it).
import { spawnSync, type SpawnSyncReturns } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const root = resolve(import.meta.dirname, "../..");
const work = mkdtempSync(join(tmpdir(), "amortvi-pack-"));
const project = join(work, "project");
const expected = [0, 0.5, -1, 2].map(Math.tanh);

/** The environment without the npm_* variables of an enclosing `npm test` (npm_config_local_prefix would point npm back at the repository). */
function cleanEnv(): NodeJS.ProcessEnv {
  const keep = new Set(["npm_config_cache", "npm_config_userconfig", "npm_config_globalconfig", "npm_config_cafile", "npm_config_registry"]);
  return Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.toLowerCase().startsWith("npm_") || keep.has(k.toLowerCase())));
}

function run(command: string, args: string[], cwd: string): SpawnSyncReturns<string> {
  const result = spawnSync(command, args, { cwd, env: cleanEnv(), encoding: "utf8", timeout: 90_000 });
  if (result.error) throw result.error;
  return result;
}

function ok(command: string, args: string[], cwd: string): string {
  const r = run(command, args, cwd);
  if (r.status !== 0) throw new Error(`${command} ${args.join(" ")} exited with ${r.status}:\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

let packedFiles: string[] = [];

beforeAll(() => {
  for (const f of ["dist/index.js", "dist/index.cjs", "dist/index.d.ts", "dist/low-level.js", "dist/experiments.js", "dist/cli.js"]) {
    if (!existsSync(join(root, f))) throw new Error(`${f} is missing: run \`npm run build\` before this test`);
  }
  // --ignore-scripts: the build is already done; `prepare` would rebuild everything
  const packed = JSON.parse(ok("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", work], root)) as {
    filename: string;
    files: { path: string }[];
  }[];
  packedFiles = packed[0].files.map((f) => f.path);
  mkdirSync(project);
  writeFileSync(join(project, "package.json"), JSON.stringify({ name: "scratch", version: "1.0.0", private: true }));
  ok("npm", ["install", join(work, packed[0].filename), "--prefer-offline", "--no-audit", "--no-fund", "--ignore-scripts"], project);
}, 120_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("the packed amortvi package", () => {
  it("ships the built files, the bin and the README, not the sources", () => {
    const entries = ["index", "low-level", "experiments"].flatMap((e) => [`dist/${e}.js`, `dist/${e}.cjs`, `dist/${e}.d.ts`, `dist/${e}.d.cts`]);
    for (const f of [...entries, "dist/cli.js", "bin/amortvi.js", "README.md", "package.json"]) {
      expect(packedFiles).toContain(f);
    }
    expect(packedFiles.filter((f) => f.startsWith("src/") || f.startsWith("test/") || f.startsWith("assembly/"))).toEqual([]);
  });

  it("works from ESM: import { Tensor, tanh } from 'amortvi'", () => {
    const script = `import { Tensor, tanh } from "amortvi"; console.log(JSON.stringify(Array.from(tanh(Tensor.from([0, 0.5, -1, 2], [2, 2])).toArray())));`;
    writeFileSync(join(project, "esm.mjs"), script);
    const values = JSON.parse(ok(process.execPath, ["esm.mjs"], project)) as number[];
    values.forEach((v, i) => expect(v).toBeCloseTo(expected[i], 14));
  });

  it("works from CJS: require('amortvi')", () => {
    const script = `const { Tensor, tanh } = require("amortvi"); console.log(JSON.stringify(Array.from(tanh(Tensor.from([0, 0.5, -1, 2], [2, 2])).toArray())));`;
    writeFileSync(join(project, "cjs.cjs"), script);
    const values = JSON.parse(ok(process.execPath, ["cjs.cjs"], project)) as number[];
    values.forEach((v, i) => expect(v).toBeCloseTo(expected[i], 14));
  });

  it("the installed package runs f32 layers on worker threads with the same bits as one thread", () => {
    // a 128x784x256 tanh layer in f32 is above the split threshold; sum of y and of dW as the fingerprint
    const body = (threads: boolean) => `import { Rng, Tensor, dense, initThreads, runtime, sum, valueAndGrad } from "amortvi";
${threads ? "await initThreads(2);" : ""}
const rng = new Rng(5);
const x = rng.normal([128, 784], "persistent");
const W = Tensor.from(Array.from(rng.normal([784, 256]).toArray(), (v) => v / 28), [784, 256], "persistent");
W.requiresGrad = true;
let y = 0;
valueAndGrad(() => { const out = dense(x, W, null, "tanh", 0.01, { precision: "f32" }); y = out.toArray().reduce((s, v) => s + v, 0); return sum(out); });
const dW = Array.from(W.grad.toArray()).reduce((s, v) => s + v, 0);
console.log(JSON.stringify({ y, dW, jobs: runtime().threads?.jobs ?? 0 }));
await runtime().threads?.terminate();`;
    writeFileSync(join(project, "one.mjs"), body(false));
    writeFileSync(join(project, "two.mjs"), body(true));
    const one = JSON.parse(ok(process.execPath, ["one.mjs"], project));
    const two = JSON.parse(ok(process.execPath, ["two.mjs"], project));
    expect(two.jobs).toBeGreaterThan(0);
    expect(two.y).toBe(one.y);
    expect(two.dW).toBe(one.dW);
    expect(Number.isFinite(one.y) && one.y !== 0).toBe(true);
  });

  // What the subpaths must show, from ESM and from CJS: they share the root's classes (one Tensor, one
  // runtime), the root does not carry their names, and each works.
  const subpathCheck = (root: string, low: string, exp: string) => `await ${root}.init();
const m = ${exp}.gaussianGaussianModel();
const lp = m.logJoint({ x: ${root}.Tensor.from([0.5], [1, 1]) }, { y: ${root}.Tensor.from([1], [1, 1]) });
const L = ${low}.cholesky(Float64Array.from([4, 2, 2, 3]), 2);
console.log(JSON.stringify({
  sameTensor: lp instanceof ${root}.Tensor,
  sameRuntime: ${root}.runtime() instanceof ${low}.Runtime,
  logJoint: lp.toArray()[0],
  chol: Array.from(L),
  studies: ${exp}.experimentNames().includes("note-1"),
  rootHasStudy: "Note4Guide" in ${root}, rootHasInternals: "startRecording" in ${root} || "Runtime" in ${root},
}));`;
  const logN = (x: number, m: number, s: number) => -0.5 * ((x - m) / s) ** 2 - Math.log(s) - 0.5 * Math.log(2 * Math.PI);
  const checkSubpaths = (out: string) => {
    const r = JSON.parse(out);
    expect(r.sameTensor).toBe(true);
    expect(r.sameRuntime).toBe(true);
    // note-1's default model: x ~ N(0, 1), y | x ~ N(x, 1)
    expect(r.logJoint).toBeCloseTo(logN(0.5, 0, 1) + logN(1, 0.5, 1), 12);
    expect(r.chol.map((v: number) => +v.toFixed(12))).toEqual([2, 0, 1, +Math.sqrt(2).toFixed(12)]);
    expect(r.studies).toBe(true);
    expect(r.rootHasStudy).toBe(false);
    expect(r.rootHasInternals).toBe(false);
  };

  it("amortvi/low-level and amortvi/experiments work from ESM and share the root's classes", () => {
    writeFileSync(join(project, "sub.mjs"), `import * as root from "amortvi"; import * as low from "amortvi/low-level"; import * as exp from "amortvi/experiments";\n${subpathCheck("root", "low", "exp")}`);
    checkSubpaths(ok(process.execPath, ["sub.mjs"], project));
  });

  it("amortvi/low-level and amortvi/experiments work from CJS and share the root's classes", () => {
    writeFileSync(join(project, "sub.cjs"), `const root = require("amortvi"), low = require("amortvi/low-level"), exp = require("amortvi/experiments");\n(async () => {\n${subpathCheck("root", "low", "exp")}\n})();`);
    checkSubpaths(ok(process.execPath, ["sub.cjs"], project));
  });

  it("ships types that TypeScript resolves under nodenext (ESM and CJS)", () => {
    writeFileSync(join(project, "check.mts"), `import { Tensor, tanh } from "amortvi";\nconst y: Tensor = tanh(Tensor.from([1, 2], [2]));\nexport const n: number = y.size;\n`);
    writeFileSync(join(project, "check.cts"), `import amortvi = require("amortvi");\nexport const t: amortvi.Tensor = amortvi.tanh(amortvi.Tensor.from([1], [1]));\n`);
    const compilerOptions = { noEmit: true, strict: true, module: "nodenext", moduleResolution: "nodenext", types: [], lib: ["es2022", "dom"] };
    writeFileSync(
      join(project, "subpaths.mts"),
      `import { Runtime, cholesky } from "amortvi/low-level";\nimport { Note4Guide, experimentNames } from "amortvi/experiments";\nexport const names: string[] = experimentNames();\nexport const L: Float64Array = cholesky(new Float64Array([1]), 1);\nexport type R = Runtime;\nexport const G: typeof Note4Guide = Note4Guide;\n`,
    );
    writeFileSync(
      join(project, "subpaths.cts"),
      `import low = require("amortvi/low-level");\nimport exp = require("amortvi/experiments");\nexport const L: Float64Array = low.cholesky(new Float64Array([1]), 1);\nexport const n: string[] = exp.experimentNames();\n`,
    );
    writeFileSync(join(project, "tsconfig.json"), JSON.stringify({ compilerOptions, files: ["check.mts", "check.cts", "subpaths.mts", "subpaths.cts"] }));
    const r = run(process.execPath, [join(root, "node_modules", "typescript", "bin", "tsc"), "-p", "tsconfig.json"], project);
    expect(r.stdout + r.stderr).toBe("");
    expect(r.status).toBe(0);
  });

  it("installs alone: no plotting stack, no CLI parser, no other package", () => {
    const installed = readdirSync(join(project, "node_modules")).filter((f) => !f.startsWith("."));
    expect(installed).toEqual(["amortvi"]);
    const manifest = JSON.parse(readFileSync(join(project, "node_modules", "amortvi", "package.json"), "utf8"));
    expect(manifest.dependencies ?? {}).toEqual({});
    expect(Object.keys(manifest.peerDependencies).sort()).toEqual(["commander", "vega", "vega-lite"]);
    for (const peer of Object.keys(manifest.peerDependencies)) expect(manifest.peerDependenciesMeta[peer].optional).toBe(true);
  });

  it("the `amortvi` bin names its missing peers, then works once they are installed", () => {
    const bin = join(project, "node_modules", ".bin", "amortvi");
    const bare = run(bin, ["--help"], project);
    expect(bare.status).toBe(2);
    expect(bare.stderr).toContain('npm install "commander@^14.0.3" "vega@~6.4.0" "vega-lite@~6.4.0" (missing: commander)');

    ok("npm", ["install", "commander@^14.0.3", "--prefer-offline", "--no-audit", "--no-fund"], project);
    const out = ok(bin, ["--help"], project);
    expect(out).toContain("reproduce [options] <name>");
    expect(out).toContain("Examples:");
    const bad = run(bin, ["reproduce", "no-such-experiment"], project);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain("no-such-experiment");
    // no renderer: refused before the study trains (and before the output folder is made)
    const noVega = run(bin, ["reproduce", "note-1", "--quick", "--out", "no-vega"], project);
    expect(noVega.status).toBe(2);
    expect(noVega.stderr).toContain('npm install "vega@~6.4.0" "vega-lite@~6.4.0"');
    expect(existsSync(join(project, "no-vega"))).toBe(false);

    ok("npm", ["install", "vega@~6.4.0", "vega-lite@~6.4.0", "--prefer-offline", "--no-audit", "--no-fund"], project);
    ok(bin, ["reproduce", "note-1", "--quick", "--iterations", "100", "--set", "mu0=0", "--out", "with-vega"], project);
    expect(readFileSync(join(project, "with-vega", "index.html"), "utf8")).toContain("<svg");
  }, 240_000);
});
