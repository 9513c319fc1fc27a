import cliProgress from "cli-progress";
import type { ProgressReporter, RunContext } from "../experiments/types.js";
import { formatValue } from "../report/html.js";

/** Where the CLI writes; `isTTY` decides between a live bar and plain lines. */
export interface OutputStream {
  write(text: string): unknown;
  isTTY?: boolean;
}

/** A RunContext that can be closed (stops a live bar). */
export interface ConsoleContext extends RunContext {
  close(): void;
}

function formatMetrics(metrics: Record<string, number> | undefined): string {
  if (!metrics) return "";
  return Object.entries(metrics)
    .map(([k, v]) => `${k}=${formatValue(v)}`)
    .join(" ");
}

/** A live cli-progress bar (for terminals), one per phase; logs are printed above it. */
function barContext(stream: OutputStream): ConsoleContext {
  let multi: cliProgress.MultiBar | null = null;
  let bar: cliProgress.SingleBar | null = null;
  const finish = () => {
    multi?.stop();
    multi = null;
    bar = null;
  };
  const progress: ProgressReporter = {
    start(total, label) {
      finish();
      multi = new cliProgress.MultiBar(
        {
          stream: stream as NodeJS.WritableStream,
          format: "{label} |{bar}| {percentage}% {value}/{total} eta {eta_formatted} {metrics}",
          barsize: 30,
          hideCursor: true,
          etaBuffer: 200,
          fps: 5,
        },
        cliProgress.Presets.shades_classic,
      );
      bar = multi.create(total, 0, { label, metrics: "" });
    },
    tick(n, metrics) {
      bar?.increment(n, metrics ? { metrics: formatMetrics(metrics) } : undefined);
    },
    stop: finish,
  };
  return {
    progress,
    log: (message) => (multi ? multi.log(message + "\n") : stream.write(message + "\n")),
    close: finish,
  };
}

/**
 * Plain progress lines for logs and pipes: one at the start, one each time
 * another 10% is done or `intervalMs` has passed, one at the end.
 */
export function plainContext(stream: OutputStream, intervalMs = 15_000, now: () => number = Date.now): ConsoleContext {
  let label = "";
  let total = 0;
  let done = 0;
  let nextMark = 0;
  let lastPrint = 0;
  let started = 0;
  let lastMetrics: Record<string, number> | undefined;
  const line = () => {
    const pct = total > 0 ? Math.floor((100 * done) / total) : 100;
    const secs = ((now() - started) / 1000).toFixed(1);
    stream.write(`${label}: ${done}/${total} (${pct}%) ${secs}s ${formatMetrics(lastMetrics)}`.trimEnd() + "\n");
    lastPrint = now();
  };
  const progress: ProgressReporter = {
    start(t, l) {
      label = l;
      total = t;
      done = 0;
      lastMetrics = undefined;
      started = now();
      nextMark = total / 10;
      line();
    },
    tick(n, metrics) {
      done += n;
      if (metrics) lastMetrics = metrics;
      if (done >= nextMark || now() - lastPrint >= intervalMs) {
        while (nextMark <= done) nextMark += Math.max(total / 10, 1);
        if (done < total) line();
      }
    },
    stop() {
      if (label) line();
      label = "";
    },
  };
  return { progress, log: (message) => stream.write(message + "\n"), close() {} };
}

/** A live bar when `stream` is a terminal, plain periodic lines otherwise. */
export function consoleContext(stream: OutputStream): ConsoleContext {
  return stream.isTTY ? barContext(stream) : plainContext(stream);
}
