import { afterEach, describe, expect, it, vi } from "vitest";
import { DomainError, UnknownNameError, Dataset, Normal, defineModel, elbo, fit, makeFamily, scale, shift } from "../../src/index.js";
import { consoleProgress, formatDuration, type ProgressStream } from "../../src/train/console-progress.js";

function terminal(columns?: number) {
  const writes: string[] = [];
  const stream: ProgressStream = { isTTY: true, columns, write: (s: string) => writes.push(s) };
  return { stream, writes };
}

/** The frames of a bar: each write "\r<line>\x1b[K" with its line. */
const framesOf = (writes: string[]) => writes.filter((w) => w.startsWith("\r") && w.endsWith("\x1b[K")).map((w) => w.slice(1, -3));
const percentOf = (frame: string) => Number(/\| (\d+)% /.exec(frame)![1]);

describe("consoleProgress: bar on a terminal", () => {
  it("redraws from tick at most once per redrawMs, and always at the end", () => {
    const { stream, writes } = terminal();
    let t = 0;
    const p = consoleProgress({ stream, redrawMs: 100, now: () => t });
    p.start(1000, "phase");
    for (let i = 0; i < 10; i++) {
      t += 50;
      p.tick(100, { loss: 1 / (i + 1) });
    }
    p.stop();
    expect(framesOf(writes).map(percentOf)).toEqual([0, 20, 40, 60, 80, 100]);
    expect(writes.at(-1)).toBe("\n");
    expect(framesOf(writes).every((f) => f.startsWith("phase |"))).toBe(true);
  });

  it("draws label, bar, percentage, count, eta and metrics", () => {
    const { stream, writes } = terminal();
    let t = 0;
    const p = consoleProgress({ stream, barWidth: 10, redrawMs: 0, now: () => t });
    p.start(200, "qp");
    t = 2000;
    p.tick(100, { loss: 0.5 });
    expect(framesOf(writes).at(-1)).toBe("qp |█████░░░░░| 50% 100/200 eta 2s loss=0.5");
  });

  it("prints a log line above the bar and redraws the bar under it", () => {
    const { stream, writes } = terminal();
    const p = consoleProgress({ stream, redrawMs: 1e9, now: () => 0 });
    p.start(10, "phase");
    writes.length = 0;
    p.log("hello");
    expect(writes[0]).toBe("\r\x1b[Khello\n");
    expect(framesOf(writes.slice(1))).toHaveLength(1);
    p.stop();
    writes.length = 0;
    p.log("after");
    expect(writes).toEqual(["after\n"]);
  });

  it("cuts a line to the terminal width so that it never wraps", () => {
    const { stream, writes } = terminal(20);
    const p = consoleProgress({ stream, now: () => 0 });
    p.start(10, "a rather long phase label");
    expect(framesOf(writes)[0]).toHaveLength(19);
  });

  it("moves while a synchronous fit runs: frames are written before the phase ends", () => {
    const model = defineModel("linear", (m) => {
      m.plate("data", () => {
        const z = m.sample("z", new Normal(0, 1));
        m.observe("x", new Normal(shift(scale(z, 2), 1), 0.5));
      });
    });
    const data = new Dataset([-1, 0, 0.5, 2, 3, 4]);
    let step = 0;
    const written: { text: string; step: number }[] = [];
    const stream: ProgressStream = { isTTY: true, write: (text: string) => written.push({ text, step }) };
    const iterations = 300;
    fit({
      model, guide: makeFamily(model, data, { kind: "fvi" }), objective: elbo(), data, iterations, lr: 0.05, rng: 1,
      progress: consoleProgress({ stream, redrawMs: 0 }),
      callbacks: [{ onStep: (info) => void (step = info.step) }],
    });
    const during = written.filter((w) => w.step < iterations && w.text.startsWith("\r")).map((w) => percentOf(w.text));
    expect(during.filter((pct) => pct > 0 && pct < 100).length).toBeGreaterThanOrEqual(50);
    expect(during).toEqual([...during].sort((a, b) => a - b));
    expect(written.at(-2)!.text).toContain(`100% ${iterations}/${iterations}`);
    expect(written.at(-2)!.text).toMatch(/loss=-?\d/);
  });
});

describe("consoleProgress: plain lines", () => {
  afterEach(() => vi.unstubAllGlobals());

  it("prints lines (not a bar) when the stream is not a terminal", () => {
    const writes: string[] = [];
    let t = 0;
    const p = consoleProgress({ stream: { write: (s: string) => writes.push(s) }, now: () => t });
    p.start(100, "fit");
    for (let i = 0; i < 100; i++) {
      t += 10;
      p.tick(1, { loss: 2 });
    }
    p.stop();
    expect(writes).toHaveLength(11);
    expect(writes[5]).toBe("fit: 50/100 (50%) 0.5s loss=2\n");
    expect(writes.some((w) => w.includes("\r"))).toBe(false);
  });

  it("writes to console.log, one call per line, where there is no process.stderr (a browser)", () => {
    const log = vi.spyOn(console, "log").mockImplementation(() => {});
    vi.stubGlobal("process", undefined);
    const p = consoleProgress({ now: () => 0 });
    vi.unstubAllGlobals();
    p.start(4, "in the page");
    p.tick(4);
    p.stop();
    expect(log.mock.calls.map((c) => c[0])).toEqual(["in the page: 0/4 (0%) 0.0s", "in the page: 4/4 (100%) 0.0s"]);
    log.mockRestore();
  });
});

describe("consoleProgress: options", () => {
  it("names a bad option", () => {
    expect(() => consoleProgress({ mode: "fancy" as "bar" })).toThrow(UnknownNameError);
    expect(() => consoleProgress({ redrawMs: -1 })).toThrow(/redrawMs: expected a finite number of milliseconds >= 0, received -1/);
    expect(() => consoleProgress({ intervalMs: NaN })).toThrow(DomainError);
    expect(() => consoleProgress({ barWidth: 0 })).toThrow(/barWidth/);
    expect(() => consoleProgress({ fps: 5 } as never)).toThrow(/consoleProgress options.fps/);
    expect(() => consoleProgress({ stream: {} as ProgressStream })).toThrow(/stream: expected an object with a write/);
  });

  it("formats durations", () => {
    expect([0.4, 42, 185, 3725, Infinity].map(formatDuration)).toEqual(["0s", "42s", "3m05s", "1h02m", "?"]);
  });
});
