import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main, type CliIo } from "../../src/cli/main.js";
import { registerExperiment, unregisterExperiment } from "../../src/experiments/registry.js";
import type { RunOptions } from "../../src/experiments/types.js";
import { lineChart } from "../../src/report/plots.js";

function captureIo(): CliIo & { out: () => string; err: () => string } {
  let out = "";
  let err = "";
  return {
    stdout: { write: (s: string) => (out += s) },
    stderr: { write: (s: string) => (err += s) },
    out: () => out,
    err: () => err,
  };
}

const seen: RunOptions[] = [];
const tmp = mkdtempSync(join(tmpdir(), "amortvi-cli-"));

beforeAll(() => {
  // test-only experiments: one that succeeds (with progress, a figure and a log line), one that fails
  registerExperiment({
    name: "test-plumbing",
    title: "plumbing check",
    description: "Counts to the number of iterations.",
    async run(opts, ctx) {
      seen.push(opts);
      const n = opts.iterations ?? (opts.quick ? 5 : 50);
      ctx.log("hello from the experiment");
      ctx.progress.start(n, "counting");
      for (let i = 0; i < n; i++) ctx.progress.tick(1, { i });
      ctx.progress.stop();
      const x = Array.from({ length: n }, (_, i) => i);
      return {
        headline: { iterations: n, seed: opts.seed, half: 0.5 },
        data: { x },
        figures: [{ name: "count", title: "count", spec: lineChart({ xLabel: "i", yLabel: "i", series: [{ name: "id", x, y: x }] }) }],
        notes: ["a note"],
      };
    },
  });
  registerExperiment({
    name: "test-failing",
    title: "always fails",
    description: "Throws.",
    async run() {
      throw new Error("boom");
    },
  });
});
afterAll(() => {
  unregisterExperiment("test-plumbing");
  unregisterExperiment("test-failing");
});

const argv = (...args: string[]) => ["node", "amortvi", ...args];

describe("amortvi reproduce", () => {
  it("runs an experiment with the given options and writes results.json, SVG figures and index.html", async () => {
    const io = captureIo();
    const out = join(tmp, "run1");
    const code = await main(argv("reproduce", "test-plumbing", "--quick", "--seed", "7", "--iterations", "12", "--out", out), io);
    expect(code, io.err()).toBe(0);
    // the experiment writes into the run's staging folder, renamed to --out once the run is complete
    expect(seen.at(-1)).toEqual({ quick: true, seed: 7, outDir: join(tmp, ".run1.amortvi-run", "out"), iterations: 12 });
    expect(existsSync(join(tmp, ".run1.amortvi-run"))).toBe(false);
    const results = JSON.parse(readFileSync(join(out, "results.json"), "utf8"));
    expect(results.experiment).toBe("test-plumbing");
    expect(results.options).toEqual({ quick: true, seed: 7, iterations: 12 });
    expect(results.headline).toEqual({ iterations: 12, seed: 7, half: 0.5 });
    expect(results.data.x).toHaveLength(12);
    expect(results.figures).toEqual(["count.svg"]);
    expect(readFileSync(join(out, "count.svg"), "utf8")).toMatch(/^<svg[\s\S]*<\/svg>$/);
    const html = readFileSync(join(out, "index.html"), "utf8");
    expect(html).toContain("<svg");
    expect(html).toContain("a note");
    expect(readdirSync(out).sort()).toEqual(["count.svg", "index.html", "results.json"]);
    // stdout: headline numbers; stderr (not a TTY here): log line and plain progress lines
    expect(io.out()).toMatch(/iterations\s+12/);
    expect(io.err()).toContain("hello from the experiment");
    expect(io.err()).toMatch(/counting: 12\/12 \(100%\)/);
  });

  it("uses seed 1, quick off and ./amortvi-out/<name>/ by default", async () => {
    const cwd = process.cwd();
    process.chdir(tmp);
    try {
      const io = captureIo();
      expect(await main(argv("reproduce", "test-plumbing"), io)).toBe(0);
      expect(seen.at(-1)).toMatchObject({ quick: false, seed: 1, iterations: undefined });
      expect(existsSync(join(tmp, "amortvi-out", "test-plumbing", "results.json"))).toBe(true);
    } finally {
      process.chdir(cwd);
    }
  });

  it("rejects an unknown experiment with exit code 2, naming the valid ones", async () => {
    const io = captureIo();
    expect(await main(argv("reproduce", "note-99", "--out", join(tmp, "never")), io)).toBe(2);
    expect(io.err()).toContain('"note-99"');
    expect(io.err()).toContain("test-plumbing");
    expect(io.err()).toContain("amortvi list");
    expect(existsSync(join(tmp, "never"))).toBe(false);
  });

  it("rejects an output folder that cannot be created, naming --out", async () => {
    const file = join(tmp, "a-file");
    writeFileSync(file, "x");
    const io = captureIo();
    expect(await main(argv("reproduce", "test-plumbing", "--out", join(file, "sub")), io)).toBe(2);
    expect(io.err()).toContain("--out");
    expect(io.err()).toContain(join(file, "sub"));
  });

  it.each([
    ["--seed", "-1"],
    ["--seed", "1.5"],
    ["--seed", "abc"],
    ["--iterations", "0"],
  ])("rejects %s %s with exit code 2", async (flag, value) => {
    const io = captureIo();
    expect(await main(argv("reproduce", "test-plumbing", flag, value, "--out", join(tmp, "bad")), io)).toBe(2);
    expect(io.err()).toContain(flag);
  });

  it("reports a failing experiment with exit code 1", async () => {
    const io = captureIo();
    expect(await main(argv("reproduce", "test-failing", "--out", join(tmp, "fail")), io)).toBe(1);
    expect(io.err()).toContain("boom");
  });

  it("rejects a missing experiment name and unknown options with exit code 2", async () => {
    expect(await main(argv("reproduce"), captureIo())).toBe(2);
    expect(await main(argv("reproduce", "test-plumbing", "--fast"), captureIo())).toBe(2);
    expect(await main(argv("frobnicate"), captureIo())).toBe(2);
  });
});

describe("amortvi list and --help", () => {
  it("lists registered experiments with their titles", async () => {
    const io = captureIo();
    expect(await main(argv("list"), io)).toBe(0);
    expect(io.out()).toMatch(/test-plumbing\s+plumbing check/);
    expect(io.out()).toMatch(/test-failing\s+always fails/);
  });

  it("prints usage with examples and exit codes", async () => {
    const io = captureIo();
    expect(await main(argv("--help"), io)).toBe(0);
    expect(io.out()).toContain("reproduce [options] <name>");
    expect(io.out()).toContain("Examples:");
    expect(io.out()).toContain("Exit codes");
    const sub = captureIo();
    expect(await main(argv("reproduce", "--help"), sub)).toBe(0);
    expect(sub.out()).toContain("--iterations <n>");
    expect(sub.out()).toContain("test-plumbing");
  });
});
