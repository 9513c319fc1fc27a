// The import direction of shared/spec/ARCHITECTURE.md, enforced: dependency-
// cruiser runs .dependency-cruiser.cjs over src/ and any error-level
// violation fails this test (and so `npm test` and CI). A second run over a
// scratch tree with one bad import per rule shows that the rules bite: a
// config whose paths matched nothing would pass the first test and fail this one.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const root = resolve(import.meta.dirname, "../..");
const bin = join(root, "node_modules/dependency-cruiser/bin/dependency-cruise.mjs");
const config = join(root, ".dependency-cruiser.cjs");

interface Violation {
  from: string;
  to: string;
  rule: { name: string; severity: string };
}

function cruise(cwd: string): { errors: number; violations: Violation[] } {
  const r = spawnSync(process.execPath, [bin, "src", "--config", config, "--output-type", "json"], { cwd, encoding: "utf8", timeout: 60_000, maxBuffer: 64 << 20 });
  if (r.error) throw r.error;
  if (!r.stdout.trim()) throw new Error(`depcruise printed nothing (exit ${r.status}):\n${r.stderr}`);
  const summary = (JSON.parse(r.stdout) as { summary: { error: number; violations: Violation[] } }).summary;
  return { errors: summary.error, violations: summary.violations };
}

const show = (v: Violation[]) => v.map((x) => `${x.rule.severity} ${x.rule.name}: ${x.from} -> ${x.to}`).join("\n");

describe("layer rules (.dependency-cruiser.cjs)", () => {
  it("src/ has no error-level violation", () => {
    const { errors, violations } = cruise(root);
    const bad = violations.filter((v) => v.rule.severity === "error");
    expect(show(bad)).toBe("");
    expect(errors).toBe(0);
  }, 60_000);

  const scratch = mkdtempSync(join(tmpdir(), "amortvi-layers-"));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it("reports an upward import, a study import from the root, a test import and a cycle", () => {
    const files: Record<string, string> = {
      "src/core/tensor.ts": `import "../autodiff/tape.js";\nexport const t = 1;\n`,
      "src/autodiff/tape.ts": `export const tape = 1;\n`,
      "src/nn/mlp.ts": `import "../models/vae.js";\nexport const mlp = 1;\n`,
      "src/models/vae.ts": `import "../infer/guide.js";\nexport const vae = 1;\n`,
      "src/infer/guide.ts": `import "../train/loop.js";\nexport const guide = 1;\n`,
      "src/train/loop.ts": `import "../experiments/study.js";\nexport const loop = 1;\n`,
      "src/experiments/study.ts": `import "../cli/main.js";\nimport "../report/write.js";\nexport const study = 1;\n`,
      "src/report/write.ts": `import "../experiments/types.js";\nimport "../experiments/driver.js";\nexport const write = 1;\n`,
      "src/experiments/driver.ts": `export const driver = 1;\n`,
      "src/experiments/types.ts": `export const types = 1;\n`,
      "src/cli/main.ts": `export const main = 1;\n`,
      "src/data/readers.ts": `import "../experiments/types.js";\nexport const readers = 1;\n`,
      "src/experiments/run.ts": `import "../data/readers.js";\nexport const run = 1;\n`,
      "src/index.ts": `import "./experiments/study.js";\nimport "../test/helpers.js";\n`,
      "src/diagnostics/a.ts": `import "./b.js";\nexport const a = 1;\n`,
      "src/diagnostics/b.ts": `import "./a.js";\nexport const b = 1;\n`,
      "test/helpers.ts": `export const helper = 1;\n`,
      "tsconfig.json": JSON.stringify({ compilerOptions: { module: "NodeNext", moduleResolution: "NodeNext", target: "ES2022" } }),
    };
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(scratch, path)), { recursive: true });
      writeFileSync(join(scratch, path), text);
    }
    const { errors, violations } = cruise(scratch);
    const fired = (rule: string, from: string, to: string) => violations.some((v) => v.rule.name === rule && v.from === from && v.to === to);
    const expected: [string, string, string][] = [
      ["core-imports-only-core", "src/core/tensor.ts", "src/autodiff/tape.ts"],
      ["distributions-nn-optim-import-autodiff-core", "src/nn/mlp.ts", "src/models/vae.ts"],
      ["model-imports-below", "src/models/vae.ts", "src/infer/guide.ts"],
      ["infer-diagnostics-import-below", "src/infer/guide.ts", "src/train/loop.ts"],
      ["train-imports-below", "src/train/loop.ts", "src/experiments/study.ts"],
      ["data-imports-core", "src/data/readers.ts", "src/experiments/types.ts"],
      ["experiments-import-library-and-report", "src/experiments/study.ts", "src/cli/main.ts"],
      ["report-imports-core-and-the-experiment-contract", "src/report/write.ts", "src/experiments/driver.ts"],
      ["root-entries-are-library-only", "src/index.ts", "src/experiments/study.ts"],
      ["src-never-imports-tests-or-bench", "src/index.ts", "test/helpers.ts"],
      ["no-circular", "src/diagnostics/a.ts", "src/diagnostics/b.ts"],
    ];
    for (const [rule, from, to] of expected) expect(fired(rule, from, to), `${rule}: ${from} -> ${to}\ngot:\n${show(violations)}`).toBe(true);
    // allowed: experiments -> report, experiments -> data, report -> experiments/types.ts
    expect(violations.some((v) => v.from === "src/experiments/run.ts" && v.to === "src/data/readers.ts")).toBe(false);
    expect(violations.some((v) => v.from === "src/experiments/study.ts" && v.to === "src/report/write.ts")).toBe(false);
    expect(violations.some((v) => v.from === "src/report/write.ts" && v.to === "src/experiments/types.ts")).toBe(false);
    expect(errors).toBeGreaterThanOrEqual(expected.length);
  }, 60_000);
});
