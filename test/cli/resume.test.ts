// `amortvi reproduce` as a process: interrupted by SIGKILL or SIGINT while it
// trains, `--resume` continues it to the results of an uninterrupted run; a
// results folder is never a mix of two runs; --out on a special path exits
// 2 at once.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildCli } from "../helpers/cli-bundle.js";

let cli = "";
const tmp = mkdtempSync(join(tmpdir(), "amortvi-resume-cli-"));
beforeAll(async () => {
  cli = await buildCli("resume");
}, 60_000);
afterAll(() => {
  rmSync(dirname(cli), { recursive: true, force: true });
  rmSync(tmp, { recursive: true, force: true });
});

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
}

function runCli(args: string[], timeout = 120_000): Exit {
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: "utf8", timeout });
  if (r.error) throw r.error;
  return { code: r.status, signal: r.signal, stderr: r.stderr };
}

const runDirOf = (out: string) => join(tmp, `.${out.split("/").pop()}.amortvi-run`);
const checkpointsIn = (out: string) => {
  const dir = join(runDirOf(out), "checkpoints");
  return existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith(".ckpt")) : [];
};

/** Starts the CLI and sends `signal` once `ready()` holds (polled every 10 ms) or after `delayMs`; resolves on exit. */
function interrupt(args: string[], signal: NodeJS.Signals, when: { ready?: () => boolean; delayMs?: number }): Promise<Exit> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [cli, ...args], { stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (d) => (stderr += d));
    const t0 = Date.now();
    const poll = setInterval(() => {
      if ((when.ready && when.ready()) || (when.delayMs !== undefined && Date.now() - t0 >= when.delayMs)) {
        clearInterval(poll);
        child.kill(signal);
      } else if (Date.now() - t0 > 60_000) {
        clearInterval(poll);
        child.kill("SIGKILL");
        fail(new Error("the run never reached the point to interrupt it"));
      }
    }, 10);
    child.on("exit", (code, sig) => {
      clearInterval(poll);
      done({ code, signal: sig, stderr });
    });
  });
}

/** results.json without what depends on the clock: timings and start time. */
function numbers(out: string): unknown {
  const strip = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(strip);
    if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).filter(([k]) => !/wall|seconds|startedAt/i.test(k)).map(([k, x]) => [k, strip(x)]));
    return v;
  };
  const r = JSON.parse(readFileSync(join(out, "results.json"), "utf8"));
  return strip({ headline: r.headline, data: r.data, options: r.options, settings: r.settings });
}

describe.each([
  { study: "note-1", args: ["--quick"], signal: "SIGKILL" as const, after: 2 },
  { study: "note-1", args: ["--quick", "--seed", "4"], signal: "SIGINT" as const, after: 3 },
  { study: "avi-linear", args: ["--quick"], signal: "SIGKILL" as const, after: 2 },
])("amortvi reproduce $study $args, interrupted by $signal", ({ study, args, signal, after }) => {
  it("--resume continues from the checkpoints to the results of an uninterrupted run", async () => {
    const ref = join(tmp, `${study}-${signal}-ref`);
    expect(runCli(["reproduce", study, ...args, "--out", ref]).code).toBe(0);
    const out = join(tmp, `${study}-${signal}`);
    const common = ["reproduce", study, ...args, "--out", out, "--checkpoint-every", "0.02"];
    const killed = await interrupt(common, signal, { ready: () => checkpointsIn(out).length >= after });
    expect(killed.signal).toBe(signal);
    expect(existsSync(out)).toBe(false); // nothing in place before the run is complete
    const kept = checkpointsIn(out);
    expect(kept.length).toBeGreaterThanOrEqual(after);
    const resumed = runCli([...common, "--resume"]);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toContain("resuming the interrupted run");
    // the fits really continued from their checkpoints: at least one mid-way
    const steps = [...resumed.stderr.matchAll(/resuming from its checkpoint at step (\d+) of (\d+)/g)].map((m) => [Number(m[1]), Number(m[2])]);
    expect(steps.length).toBe(kept.length);
    expect(steps.some(([s, total]) => s > 0 && s < total)).toBe(true);
    expect(numbers(out)).toEqual(numbers(ref));
    expect(existsSync(runDirOf(out))).toBe(false);
  }, 180_000);
});

describe("a results folder is one whole run", () => {
  it("a run killed at any moment (training or writing) leaves the previous results untouched; --resume with other options is refused", async () => {
    const out = join(tmp, "whole");
    const first = ["reproduce", "note-1", "--quick", "--iterations", "300", "--out", out];
    expect(runCli(first).code).toBe(0);
    const files = readdirSync(out).sort();
    const before = Object.fromEntries(files.map((f) => [f, readFileSync(join(out, f), "utf8")]));
    const second = ["reproduce", "note-1", "--quick", "--iterations", "300", "--seed", "2", "--out", out];
    let completed = 0;
    for (const delayMs of [150, 400, 600, 750, 900, 1050, 1200, 1400, 1700]) {
      const r = await interrupt(second, "SIGKILL", { delayMs });
      const now = readdirSync(out).sort();
      expect(now).toEqual(files);
      const seed = JSON.parse(readFileSync(join(out, "results.json"), "utf8")).options.seed;
      if (r.signal === null) {
        completed++; // it finished before the kill: wholly the second run
        expect(seed).toBe(2);
        break;
      }
      expect(seed).toBe(1);
      for (const f of files) expect(readFileSync(join(out, f), "utf8"), `${f} after a kill at ${delayMs} ms`).toBe(before[f]);
    }
    if (completed === 0) {
      const refused = runCli(["reproduce", "note-1", "--quick", "--iterations", "300", "--seed", "3", "--out", out, "--resume"]);
      expect(refused.code).toBe(2);
      expect(refused.stderr).toMatch(/--resume: expected the invocation of the unfinished run/);
      expect(runCli([...second, "--resume"]).code).toBe(0);
      expect(JSON.parse(readFileSync(join(out, "results.json"), "utf8")).options.seed).toBe(2);
    }
  }, 180_000);

  it.each(["/proc/x", "/proc/x/y", "/dev/null", "/dev/null/sub"])("--out %s exits 2 at once with a message naming --out", (path) => {
    const t0 = Date.now();
    const r = runCli(["reproduce", "note-1", "--quick", "--out", path], 20_000);
    expect(r.code).toBe(2);
    expect(Date.now() - t0).toBeLessThan(10_000);
    expect(r.stderr).toContain("--out: expected a folder that can be created and written");
    expect(r.stderr).toContain(JSON.stringify(path));
  }, 30_000);
});
