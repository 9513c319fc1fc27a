import type { RunContext } from "../experiments/types.js";
import { consoleProgress, type ProgressStream } from "../train/console-progress.js";

/** Where the CLI writes; `isTTY` decides between a live bar and plain lines. */
export type OutputStream = ProgressStream;

/** A RunContext that can be closed (ends a phase still shown). */
export interface ConsoleContext extends RunContext {
  close(): void;
}

function contextOf(progress: ReturnType<typeof consoleProgress>): ConsoleContext {
  return { progress, log: (message) => progress.log(message), close: () => progress.stop() };
}

/**
 * Plain progress lines for logs and pipes: one at the start, one each time
 * another 10% is done or `intervalMs` has passed, one at the end.
 */
export function plainContext(stream: OutputStream, intervalMs = 15_000, now: () => number = Date.now): ConsoleContext {
  return contextOf(consoleProgress({ stream, mode: "lines", intervalMs, now }));
}

/** A live bar when `stream` is a terminal (redrawn from tick, so it moves while training blocks the event loop), plain periodic lines otherwise. */
export function consoleContext(stream: OutputStream): ConsoleContext {
  return contextOf(consoleProgress({ stream }));
}
