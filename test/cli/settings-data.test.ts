// amortvi reproduce --set / --data / describe, on a test-only study that
// declares settings and a data layout, and on note-1 (a real run on user data).
import { createHash } from "node:crypto";
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DomainError } from "../../src/core/errors.js";
import { main, type CliIo } from "../../src/cli/main.js";
import { tableColumn } from "../../src/data/table.js";
import "../../src/experiments/index.js";
import { registerExperiment, resolveSettings, unregisterExperiment } from "../../src/experiments/index.js";
import type { Experiment, RunOptions } from "../../src/experiments/types.js";

function captureIo(): CliIo & { out: () => string; err: () => string } {
  let out = "";
  let err = "";
  return { stdout: { write: (s: string) => (out += s) }, stderr: { write: (s: string) => (err += s) }, out: () => out, err: () => err };
}
const argv = (...args: string[]) => ["node", "amortvi", ...args];
const tmp = mkdtempSync(join(tmpdir(), "amortvi-cli-set-"));
const file = (name: string, text: string) => {
  const p = join(tmp, name);
  writeFileSync(p, text);
  return p;
};

const seen: RunOptions[] = [];
const STUDY: Experiment = {
  name: "test-settings",
  title: "settings check",
  description: "Echoes its settings and data.",
  settings: [
    { name: "scale", type: "number", min: 0, exclusiveMin: true, default: 1, description: "a scale" },
    { name: "N", type: "integer", min: 2, default: { full: 100, quick: 10 }, description: "data size" },
    { name: "widths", type: "integers", min: 1, default: [1, 3], description: "odd widths", check: (v, a) => (v as number[]).forEach((w) => { if (w % 2 === 0) throw new DomainError(a, "odd widths", String(w)); }) },
    { name: "sets", type: "names", choices: ["a", "b"], default: ["a"], description: "data sets" },
  ],
  data: { description: "x_n, one per row", columns: 1, minRows: 2, maxRows: 50, replaces: ["N"] },
  iterations: "steps of the echo loop",
  validate(set, data, label) {
    const N = data ? data.rows : set.number("N");
    if (Math.max(...set.numbers("widths")) > N) throw new DomainError(label("widths"), `widths <= N = ${N}`, String(Math.max(...set.numbers("widths"))));
  },
  async run(opts) {
    seen.push(opts);
    const set = resolveSettings(STUDY, opts);
    return { headline: { scale: set.number("scale"), N: opts.data ? opts.data.rows : set.number("N") }, data: { x: opts.data ? Array.from(tableColumn(opts.data, 0)) : null } };
  },
};
const NO_ITERATIONS: Experiment = { name: "test-no-iterations", title: "t", description: "d", iterations: { unsupported: "use --set budget=<n>" }, async run() { return { headline: {} }; } };

beforeAll(() => {
  registerExperiment(STUDY);
  registerExperiment(NO_ITERATIONS);
});
afterAll(() => {
  unregisterExperiment(STUDY.name);
  unregisterExperiment(NO_ITERATIONS.name);
});

describe("amortvi reproduce --set", () => {
  it("passes the parsed settings to the study and records every value in results.json", async () => {
    const io = captureIo();
    const out = join(tmp, "set-ok");
    const code = await main(argv("reproduce", "test-settings", "--quick", "--set", "scale=2.5", "--set", "widths=1,5,7", "--set", "sets=b,a", "--out", out), io);
    expect(code, io.err()).toBe(0);
    expect(seen.at(-1)!.settings).toEqual({ scale: 2.5, widths: [1, 5, 7], sets: ["b", "a"] });
    const r = JSON.parse(readFileSync(join(out, "results.json"), "utf8"));
    expect(r.settings).toEqual({ scale: 2.5, N: 10, widths: [1, 5, 7], sets: ["b", "a"] });
    expect(r.settingsGiven).toEqual(["scale", "widths", "sets"]);
    expect(r.input).toBeNull();
    expect(r.headline).toEqual({ scale: 2.5, N: 10 });
    expect(r.amortvi.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(r.amortvi.commit).toMatch(/^([0-9a-f]{40}|unknown)$/);
    expect(readFileSync(join(out, "index.html"), "utf8")).toContain("scale: 2.5");
  });

  it.each([
    [["--set", "nope=1"], /--set: expected a setting of test-settings: one of scale, N, widths, sets, received "nope"/],
    [["--set", "scale=-1"], /--set scale: expected a number > 0, received -1/],
    [["--set", "scale=abc"], /--set scale: expected a number > 0, received "abc"/],
    [["--set", "scale=NaN"], /--set scale: expected a number > 0, received "NaN"/],
    [["--set", "N=2.5"], /--set N: expected an integer >= 2, received 2.5/],
    [["--set", "widths=1,2"], /--set widths: expected odd widths, received 2/],
    [["--set", "widths=1,x"], /--set widths: expected a comma-separated list of integers >= 1, received "1,x"/],
    [["--set", "sets=a,c"], /--set sets: expected comma-separated names among a, b, received "c"/],
    [["--set", "scale"], /--set: expected name=value \(e\.g\. --set s=2\.2\), received "scale"/],
    [["--set", "scale=1", "--set", "scale=2"], /--set scale: expected each setting at most once/],
    [["--set", "widths=101"], /--set widths: expected widths <= N = 100, received 101/],
  ])("%j exits 2 naming the flag", async (args, message) => {
    const io = captureIo();
    const out = join(tmp, "never-set");
    expect(await main(argv("reproduce", "test-settings", ...args, "--out", out), io)).toBe(2);
    expect(io.err()).toMatch(message);
    expect(io.err()).toContain("amortvi describe test-settings");
    expect(existsSync(out)).toBe(false);
  });

  it("--iterations is refused where a study does not count them, with its reason", async () => {
    const io = captureIo();
    expect(await main(argv("reproduce", "test-no-iterations", "--iterations", "5", "--out", join(tmp, "it")), io)).toBe(2);
    expect(io.err()).toMatch(/--iterations: expected no --iterations for test-no-iterations, received 5 \(use --set budget=<n>\)/);
  });
});

describe("amortvi reproduce --data", () => {
  it("reads the file, hands the table to the study and records path, sha256 and shape", async () => {
    const text = "x\n1.5\n-2\n3\n";
    const path = file("x.csv", text);
    const io = captureIo();
    const out = join(tmp, "data-ok");
    expect(await main(argv("reproduce", "test-settings", "--data", path, "--out", out), io), io.err()).toBe(0);
    const r = JSON.parse(readFileSync(join(out, "results.json"), "utf8"));
    expect(r.data.x).toEqual([1.5, -2, 3]);
    expect(r.headline.N).toBe(3);
    expect(r.input).toEqual({ path, sha256: createHash("sha256").update(text).digest("hex"), format: "csv", rows: 3, cols: 1, columns: ["x"], determines: ["N"] });
    expect(r.settings.N).toBeNull();
  });

  it.each([
    ["two columns", "x,y\n1,2\n3,4\n", /--data .*two-columns\.csv: expected 1 column \(x_n, one per row\), received 2 columns \(x, y\)/],
    ["one row", "x\n1\n", /--data .*one-row\.csv: expected at least 2 rows, received 1 rows/],
    ["a NaN", "x\n1\nNaN\n", /--data: .*a-NaN\.csv, line 3 \(data row 2\), column 1 \("x"\): expected a finite number, received "NaN"/],
    ["a ragged row", "1\n2,3\n", /--data: .*a-ragged-row\.csv, line 2 \(data row 2\): expected 1 column \(as in line 1\), received 2 columns/],
  ])("data with %s exits 2 naming --data, the file, row and column", async (label, text, message) => {
    const path = file(`${label.replace(/ /g, "-")}.csv`, text);
    const io = captureIo();
    expect(await main(argv("reproduce", "test-settings", "--data", path, "--out", join(tmp, "never-data")), io)).toBe(2);
    expect(io.err()).toMatch(message);
  });

  it("refuses a setting the data determines, data for a study without data, and an unreadable file", async () => {
    const path = file("ok.csv", "1\n2\n3\n");
    let io = captureIo();
    expect(await main(argv("reproduce", "test-settings", "--data", path, "--set", "N=3", "--out", join(tmp, "n")), io)).toBe(2);
    expect(io.err()).toMatch(/--set N: expected no value with --data .*ok\.csv \(the data determines N\), received 3/);
    io = captureIo();
    expect(await main(argv("reproduce", "test-settings", "--data", path, "--set", "widths=5", "--out", join(tmp, "n")), io)).toBe(2);
    expect(io.err()).toMatch(/--set widths: expected widths <= N = 3, received 5/);
    io = captureIo();
    expect(await main(argv("reproduce", "test-no-iterations", "--data", path, "--out", join(tmp, "n")), io)).toBe(2);
    expect(io.err()).toMatch(/--data .*ok\.csv: expected no data: test-no-iterations takes no --data/);
    io = captureIo();
    expect(await main(argv("reproduce", "test-settings", "--data", join(tmp, "missing.json"), "--out", join(tmp, "n")), io)).toBe(2);
    expect(io.err()).toMatch(/--data: .*missing\.json: expected a readable file, received ENOENT/);
  });
});

describe("amortvi describe and reproduce <name> --help", () => {
  it("lists the settings with defaults (full and quick), the data layout and what --iterations counts", async () => {
    for (const args of [["describe", "test-settings"], ["reproduce", "test-settings", "--help"]]) {
      const io = captureIo();
      expect(await main(argv(...args), io)).toBe(0);
      const text = io.out();
      expect(text).toMatch(/scale\s+1\s+a scale; a number > 0/);
      expect(text).toMatch(/N\s+100 \(quick: 10\)\s+data size; an integer >= 2/);
      expect(text).toMatch(/widths\s+1,3\s+odd widths; a comma-separated list of integers >= 1/);
      expect(text).toMatch(/Data \(--data file\.csv \| file\.json \| file\.npy\): 1 column, at least 2, at most 50 rows: x_n, one per row/);
      expect(text).toContain("The data determines N: do not --set it with --data.");
      expect(text).toContain("--iterations: steps of the echo loop.");
    }
    const io = captureIo();
    expect(await main(argv("describe", "test-no-iterations"), io)).toBe(0);
    expect(io.out()).toContain("Settings: none");
    expect(io.out()).toContain("Data: none");
    expect(io.out()).toContain("--iterations: not accepted: use --set budget=<n>.");
    expect(await main(argv("describe", "no-such-study"), captureIo())).toBe(2);
  });

  it("every registered study declares what --iterations counts", async () => {
    const io = captureIo();
    await main(argv("list"), io);
    const names = io.out().trim().split("\n").map((l) => l.trim().split(/\s+/)[0]).filter((n) => !n.startsWith("test-"));
    expect(names.length).toBeGreaterThanOrEqual(13);
    for (const name of names) {
      const d = captureIo();
      expect(await main(argv("describe", name), d)).toBe(0);
      expect(d.out(), name).toMatch(/--iterations: (Adam steps|passed to|not accepted)/);
    }
  });
});

describe("note-1 on user data", () => {
  it("--set mu0=-1.5 --set s=2.2 --data ys.csv: one model, q(x|y) at the user's y, the exact posterior recovered", async () => {
    const path = file("ys.csv", "y\n-3\n0.5\n4\n");
    const io = captureIo();
    const out = join(tmp, "note1");
    const code = await main(argv("reproduce", "note-1", "--quick", "--set", "mu0=-1.5", "--set", "s=2.2", "--data", path, "--out", out), io);
    expect(code, io.err()).toBe(0);
    const r = JSON.parse(readFileSync(join(out, "results.json"), "utf8"));
    expect(r.settings).toEqual({ mu0: -1.5, s0: 1, s: 2.2 });
    const [setting] = r.data.settings;
    expect(r.data.settings).toHaveLength(1);
    expect(setting).toMatchObject({ mu0: -1.5, s0: 1, s: 2.2 });
    expect(setting.perY.map((p: { y: number }) => p.y)).toEqual([-3, 0.5, 4]);
    // exact posterior of N(mu0, s0^2) prior and N(x, s^2) noise: a* = s0^2 / (s0^2 + s^2)
    expect(setting.truth.a).toBeCloseTo(1 / (1 + 2.2 ** 2), 10);
    for (const loss of ["qp", "pq"]) expect(setting.runs[loss].maxAbsError).toBeLessThan(0.05);
    expect(r.input.rows).toBe(3);
  });
});

describe("bin/amortvi.js", () => {
  it.skipIf(!existsSync(join(__dirname, "../../dist/cli.js")))("exits 2 for a bad --set when run as a process", () => {
    let status = 0;
    try {
      execFileSync(process.execPath, [join(__dirname, "../../bin/amortvi.js"), "reproduce", "note-1", "--set", "s=0"], { stdio: "pipe" });
    } catch (err) {
      status = (err as { status: number }).status;
    }
    expect(status).toBe(2);
  });
});
