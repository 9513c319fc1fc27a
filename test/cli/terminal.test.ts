// The built CLI in a pseudo-terminal (util-linux `script`, with its timing
// log): the progress bar must move while a phase trains (fit blocks the event
// loop, so a display redrawn on a timer showed only 0% and 100%), frame after
// frame over time, not flushed at the end. Needs `npm run build` first.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const root = resolve(import.meta.dirname, "../..");
const work = mkdtempSync(join(tmpdir(), "amortvi-tty-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

interface Frame {
  label: string;
  percent: number;
  done: number;
  total: number;
  /** Seconds since the program's first output byte (from script's timing log). */
  time: number;
}

/** The bar frames "\r<label> |███░░| P% d/t ...\x1b[K" of a pty capture, each with the time its bytes arrived. */
function framesOf(typescript: Buffer, timing: string): Frame[] {
  const start = typescript.indexOf("\n") + 1; // script's "Script started on ..." header
  const times: number[] = []; // time of each byte
  let t = 0;
  for (const row of timing.trim().split("\n")) {
    const [delay, bytes] = row.trim().split(/\s+/).map(Number);
    t += delay;
    for (let i = 0; i < bytes; i++) times.push(t);
  }
  const text = typescript.subarray(start);
  const frames: Frame[] = [];
  const re = /\r([^\r\n|]+?) \|[█░]+\| (\d+)% (\d+)\/(\d+)[^\r\n]*?\x1b\[K/g;
  const decoded = text.toString("utf8");
  for (const m of decoded.matchAll(re)) {
    const byteOffset = Buffer.byteLength(decoded.slice(0, m.index));
    frames.push({ label: m[1], percent: Number(m[2]), done: Number(m[3]), total: Number(m[4]), time: times[Math.min(byteOffset, times.length - 1)] });
  }
  return frames;
}

const haveScript = spawnSync("script", ["--version"], { encoding: "utf8" }).status === 0;

describe("the CLI's progress bar in a terminal", () => {
  it.skipIf(!haveScript)("moves during each training phase (two or more intermediate frames, at distinct times, before the phase's 100%)", () => {
    if (!existsSync(join(root, "dist", "cli.js"))) throw new Error("dist/cli.js is missing: run `npm run build` before this test");
    const out = join(work, "o");
    const command = `node ${JSON.stringify(join(root, "bin", "amortvi.js"))} reproduce note-1 --quick --set mu0=0 --iterations 40000 --out ${JSON.stringify(out)}`;
    const capture = join(work, "typescript");
    const timing = join(work, "timing");
    const r = spawnSync("script", ["-q", "-f", "-e", "-c", command, "-T", timing, capture], { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], timeout: 120_000 });
    expect(r.status, r.stderr).toBe(0);
    const frames = framesOf(readFileSync(capture), readFileSync(timing, "utf8"));
    const labels = [...new Set(frames.map((f) => f.label))];
    expect(labels).toEqual(["mu0=0, s0=1, s=1 qp", "mu0=0, s0=1, s=1 pq"]);
    for (const label of labels) {
      const phase = frames.filter((f) => f.label === label);
      const end = phase.findIndex((f) => f.percent === 100);
      expect(end, `${label}: no 100% frame`).toBeGreaterThan(0);
      const intermediate = phase.slice(0, end).filter((f) => f.percent > 0 && f.percent < 100);
      expect(intermediate.length, `${label}: ${phase.map((f) => f.percent).join(" ")}`).toBeGreaterThanOrEqual(2);
      expect(phase.map((f) => f.done)).toEqual([...phase.map((f) => f.done)].sort((a, b) => a - b));
      expect(phase.every((f) => f.total === 40000)).toBe(true);
      // written while training: the frames arrive at distinct times, and the first of them before the end frame
      expect(new Set(intermediate.map((f) => f.time)).size).toBeGreaterThanOrEqual(2);
      expect(intermediate[0].time).toBeLessThan(phase[end].time);
    }
  });
});
