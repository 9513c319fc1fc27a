// A progress display for fit() that writes to a terminal, a log or the browser
// console. fit is synchronous and blocks the event loop for a whole phase, so
// a display that redraws on a timer (cli-progress and the like) shows nothing
// until the phase ends; this one redraws from tick() itself, at most once per
// `redrawMs`, and needs no timer and no dependency.
import { assertInteger, assertKnownOptions, DomainError, UnknownNameError } from "../core/errors.js";
import { formatValue } from "../core/format.js";
import type { FitProgress } from "./fit.js";

/** Where a console progress display writes: process.stderr, a file stream, or anything with write(). */
export interface ProgressStream {
  write(text: string): unknown;
  /** A terminal: the bar is redrawn in place; otherwise plain lines. */
  isTTY?: boolean;
  /** Terminal width: a bar line is cut to columns - 1 characters so that it never wraps (a wrapped line cannot be redrawn with \r). */
  columns?: number;
}

export interface ConsoleProgressOptions {
  /** Default: process.stderr in Node; in a browser, console.log (one call per line). */
  stream?: ProgressStream;
  /** "bar": one line redrawn in place; "lines": a line at the start, at every further 10% (or `intervalMs`) and at the end. Default: "bar" on a terminal, else "lines". */
  mode?: "bar" | "lines";
  /** bar: at most one redraw per `redrawMs` milliseconds (default 100). */
  redrawMs?: number;
  /** lines: a line also when `intervalMs` milliseconds passed since the last one (default 15000). */
  intervalMs?: number;
  /** bar: width of the bar in characters (default 30). */
  barWidth?: number;
  /** The clock in milliseconds (default Date.now), for tests. */
  now?: () => number;
}

/** A FitProgress that also prints messages (above the bar while one is shown). */
export interface ConsoleProgress extends FitProgress {
  log(message: string): void;
}

/** One phase: its label, size, count done, start time and the latest metrics. */
interface Phase {
  label: string;
  total: number;
  done: number;
  started: number;
  metrics?: Record<string, number>;
}

function defaultStream(): ProgressStream {
  const proc = (globalThis as { process?: { stderr?: ProgressStream } }).process;
  if (proc?.stderr && typeof proc.stderr.write === "function") return proc.stderr;
  return { write: (text: string) => console.log(text.replace(/\n$/, "")), isTTY: false };
}

function formatMetrics(metrics: Record<string, number> | undefined): string {
  if (!metrics) return "";
  return Object.entries(metrics)
    .map(([k, v]) => `${k}=${formatValue(v)}`)
    .join(" ");
}

/** Seconds as "42s", "3m05s" or "1h02m". */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return "?";
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m`;
}

function percent(p: Phase): number {
  return p.total > 0 && Number.isFinite(p.total) ? Math.floor((100 * p.done) / p.total) : 100;
}

/** "label |█████░░░░░| 50% 1000/2000 eta 3s loss=1.2" (without a known total: "label 1000 steps 3s loss=1.2"). */
function barLine(p: Phase, width: number, now: number): string {
  const elapsed = (now - p.started) / 1000;
  const metrics = formatMetrics(p.metrics);
  if (!Number.isFinite(p.total)) return `${p.label} ${p.done} steps ${formatDuration(elapsed)} ${metrics}`.trimEnd();
  const filled = p.total > 0 ? Math.min(width, Math.round((width * p.done) / p.total)) : width;
  const eta = p.done > 0 ? formatDuration((elapsed / p.done) * (p.total - p.done)) : "?";
  return `${p.label} |${"█".repeat(filled)}${"░".repeat(width - filled)}| ${percent(p)}% ${p.done}/${p.total} eta ${eta} ${metrics}`.trimEnd();
}

/** "label: 1000/2000 (50%) 3.1s loss=1.2" */
function plainLine(p: Phase, now: number): string {
  return `${p.label}: ${p.done}/${p.total} (${percent(p)}%) ${((now - p.started) / 1000).toFixed(1)}s ${formatMetrics(p.metrics)}`.trimEnd();
}

/** A bar redrawn in place with "\r" + line + erase-to-end-of-line, synchronously from tick (throttled by redrawMs). */
function barProgress(stream: ProgressStream, redrawMs: number, width: number, now: () => number): ConsoleProgress {
  let phase: Phase | null = null;
  let lastDraw = -Infinity;
  let lastLine = "";
  const draw = (always = false) => {
    if (!phase) return;
    const t = now();
    let line = barLine(phase, width, t);
    if (stream.columns && stream.columns > 1 && line.length >= stream.columns) line = line.slice(0, stream.columns - 1);
    lastDraw = t;
    if (line === lastLine && !always) return;
    stream.write(`\r${line}\x1b[K`);
    lastLine = line;
  };
  return {
    start(total, label) {
      if (phase) this.stop();
      phase = { label, total, done: 0, started: now() };
      draw(true);
    },
    tick(n, metrics) {
      if (!phase) return;
      phase.done += n;
      if (metrics) phase.metrics = metrics;
      if (now() - lastDraw >= redrawMs || phase.done >= phase.total) draw();
    },
    stop() {
      if (!phase) return;
      draw();
      stream.write("\n");
      phase = null;
    },
    log(message) {
      if (!phase) {
        stream.write(message + "\n");
        return;
      }
      stream.write(`\r\x1b[K${message}\n`);
      draw(true);
    },
  };
}

/** Plain lines for logs and pipes: one at the start, one each time another 10% is done or `intervalMs` has passed, one at the end. */
function linesProgress(stream: ProgressStream, intervalMs: number, now: () => number): ConsoleProgress {
  let phase: Phase | null = null;
  let nextMark = 0;
  let lastPrint = 0;
  const line = () => {
    lastPrint = now();
    stream.write(plainLine(phase!, lastPrint) + "\n");
  };
  return {
    start(total, label) {
      if (phase) this.stop();
      phase = { label, total, done: 0, started: now() };
      nextMark = total / 10;
      line();
    },
    tick(n, metrics) {
      if (!phase) return;
      phase.done += n;
      if (metrics) phase.metrics = metrics;
      if (phase.done >= nextMark || now() - lastPrint >= intervalMs) {
        while (nextMark <= phase.done) nextMark += Math.max(phase.total / 10, 1);
        if (phase.done < phase.total) line();
      }
    },
    stop() {
      if (!phase) return;
      line();
      phase = null;
    },
    log: (message) => void stream.write(message + "\n"),
  };
}

/**
 * A console progress display for `fit({ progress })` (and the experiments'
 * ProgressReporter): a bar redrawn in place on a terminal, plain lines
 * otherwise (logs, pipes, the browser console). It draws from tick() itself,
 * so it moves while a synchronous fit blocks the event loop.
 *
 * @example fit({ model, guide, objective, iterations: 5000, progress: consoleProgress() })
 */
export function consoleProgress(options: ConsoleProgressOptions = {}): ConsoleProgress {
  assertKnownOptions("consoleProgress options", options, ["stream", "mode", "redrawMs", "intervalMs", "barWidth", "now"]);
  if (options.mode !== undefined && options.mode !== "bar" && options.mode !== "lines") {
    throw new UnknownNameError("mode", '"bar" or "lines"', JSON.stringify(options.mode));
  }
  for (const key of ["redrawMs", "intervalMs"] as const) {
    const v = options[key];
    if (v !== undefined && !(v >= 0 && Number.isFinite(v))) throw new DomainError(key, "a finite number of milliseconds >= 0", String(v));
  }
  if (options.barWidth !== undefined) assertInteger("barWidth", options.barWidth, 1);
  if (options.stream !== undefined && typeof options.stream?.write !== "function") {
    throw new DomainError("stream", "an object with a write(text) method", String(options.stream));
  }
  const stream = options.stream ?? defaultStream();
  const now = options.now ?? Date.now;
  const mode = options.mode ?? (stream.isTTY ? "bar" : "lines");
  return mode === "bar"
    ? barProgress(stream, options.redrawMs ?? 100, options.barWidth ?? 30, now)
    : linesProgress(stream, options.intervalMs ?? 15_000, now);
}
