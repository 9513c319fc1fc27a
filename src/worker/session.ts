// One training run driven step by step (fitSteps) in slices of a few tens of
// milliseconds, returning to the event loop between slices so that pause,
// resume and stop are heard while training: the worker's side of the
// protocol, with no transport of its own (emit is postMessage or a test's
// recorder). Slicing, pauses and snapshots never touch the run's generators,
// so the numbers are those of fit() on the same job.
import { DomainError } from "../core/errors.js";
import type { FitResult, FitStepInfo } from "../train/fit.js";
import { fitSteps } from "../train/fit.js";
import type { TrainingJob } from "./job.js";
import { transferList } from "./params.js";
import type { FromWorker, SessionOptions } from "./protocol.js";
import { buildTraining, type Training } from "./training.js";

/** Sends an event (and the buffers to transfer with it). */
export type Emit = (event: FromWorker, transfer: ArrayBuffer[]) => void;

/**
 * Runs `fn` soon, after pending messages: setImmediate in Node (a
 * MessagePort there drains up to ~1000 queued messages per turn, so a port
 * that posts to itself would starve the worker's parentPort), a
 * MessageChannel turn in a browser (no timer clamping), else a timer.
 */
function scheduler(): { soon(fn: () => void): void; close(): void } {
  const immediate = (globalThis as { setImmediate?: (fn: () => void) => unknown }).setImmediate;
  if (typeof immediate === "function") return { soon: (fn) => void immediate(fn), close: () => {} };
  if (typeof MessageChannel === "undefined") return { soon: (fn) => void setTimeout(fn, 0), close: () => {} };
  const channel = new MessageChannel();
  let pending: (() => void) | null = null;
  channel.port1.onmessage = () => {
    const fn = pending;
    pending = null;
    fn?.();
  };
  return {
    soon(fn) {
      pending = fn;
      channel.port2.postMessage(null);
    },
    close() {
      channel.port1.close();
      channel.port2.close();
    },
  };
}

/**
 * A run of `job` that reports through `emit`: "ready" with the run's
 * description, "snapshot" at step 0, every snapshotEvery steps and never
 * between (parameters and the posterior view), "progress" every
 * progressEvery steps (the losses since the last one), "paused" /
 * "resumed", then "done" with the trained parameters (transferred), or
 * "error" with the error's name and message.
 */
export class TrainingSession {
  private training: Training | null = null;
  private run: Generator<FitStepInfo, FitResult, string | undefined> | null = null;
  private readonly schedule = scheduler();
  private paused = false;
  private stopRequested = false;
  private finished = false;
  private started = false;
  private step = 0;
  private loss = NaN;
  private reported = 0;
  private readonly t0 = performance.now();
  private readonly options: Required<SessionOptions>;

  constructor(
    private readonly job: TrainingJob,
    private readonly emit: Emit,
    options: SessionOptions = {},
  ) {
    const { progressEvery = 10, snapshotEvery = 100, viewRows = [0, 1, 2], viewDraws = 2000, sliceMs = 25 } = options;
    for (const [name, v, min] of [["progressEvery", progressEvery, 1], ["snapshotEvery", snapshotEvery, 0], ["viewDraws", viewDraws, 2]] as const) {
      if (!Number.isInteger(v) || v < min) throw new DomainError(`options.${name}`, `an integer >= ${min}`, String(v));
    }
    if (!(sliceMs > 0)) throw new DomainError("options.sliceMs", "a time > 0 (ms)", String(sliceMs));
    this.options = { progressEvery, snapshotEvery, viewRows: viewRows.slice(), viewDraws, sliceMs };
  }

  /** Builds the run, reports "ready" and the step-0 snapshot, and starts training. */
  start(): void {
    this.guard(() => {
      const training = buildTraining(this.job);
      this.training = training;
      this.emit({ type: "ready", info: training.info }, []);
      this.snapshot();
      this.run = fitSteps(training.fitOptions());
      this.schedule.soon(() => this.slice());
    });
  }

  /** Stops taking steps (after the current one) until resume(). */
  pause(): void {
    if (this.finished || this.paused) return;
    this.paused = true;
    this.emit({ type: "paused", step: this.step }, []);
  }

  resume(): void {
    if (this.finished || !this.paused) return;
    this.paused = false;
    this.emit({ type: "resumed", step: this.step }, []);
    this.schedule.soon(() => this.slice());
  }

  /** Ends training now: "done" with the parameters of the last step taken (stoppedBy "stopped"). */
  stop(): void {
    if (this.finished) return;
    this.stopRequested = true;
    if (this.paused || !this.run) this.guard(() => this.finish(this.run ? this.drain("stopped") : null));
  }

  private slice(): void {
    this.guard(() => {
      if (this.finished || this.paused || !this.run) return;
      if (this.stopRequested) return this.finish(this.drain("stopped"));
      const end = performance.now() + this.options.sliceMs;
      this.started = true;
      do {
        const next = this.run.next();
        if (next.done) return this.finish(next.value);
        this.step = next.value.step;
        this.loss = next.value.loss;
        if (this.step % this.options.progressEvery === 0) this.progress(next.value.losses);
        if (this.options.snapshotEvery > 0 && this.step % this.options.snapshotEvery === 0) this.snapshot();
      } while (performance.now() < end);
      this.schedule.soon(() => this.slice());
    });
  }

  /** Ends the generator with a stop reason and returns its result (null if it never took a step). */
  private drain(reason: string): FitResult | null {
    if (!this.started) {
      this.run!.return(undefined as never);
      return null;
    }
    const next = this.run!.next(reason);
    if (!next.done) throw new DomainError("fitSteps", "a run that ends when asked to stop", `step ${next.value.step}`);
    return next.value;
  }

  private progress(losses: Float64Array): void {
    if (this.step === this.reported) return;
    const chunk = losses.slice(this.reported, this.step);
    this.emit(
      { type: "progress", step: this.step, iterations: this.training!.job.iterations, loss: this.loss, firstStep: this.reported + 1, losses: chunk, elapsedMs: performance.now() - this.t0 },
      [chunk.buffer],
    );
    this.reported = this.step;
  }

  private snapshot(): void {
    const t = this.training!;
    const params = t.params();
    this.emit({ type: "snapshot", step: this.step, loss: this.loss, params, view: this.view() }, transferList(params));
  }

  private view() {
    return this.training!.view(this.options.viewRows, this.step, { draws: this.options.viewDraws });
  }

  private finish(result: FitResult | null): void {
    if (this.finished) return;
    this.finished = true;
    this.schedule.close();
    const t = this.training;
    if (!t) return;
    try {
      if (result) {
        this.step = result.steps;
        this.progress(result.losses);
      }
      const params = t.params();
      const losses = result ? result.losses : new Float64Array(0);
      this.emit(
        { type: "done", steps: this.step, losses, stoppedBy: result ? result.stoppedBy : "stopped", diverged: result?.diverged ?? null, wallMs: result?.wallMs ?? 0, params, view: this.view() },
        [...transferList(params), losses.buffer as ArrayBuffer],
      );
    } finally {
      t.dispose();
    }
  }

  /** Runs fn; an error ends the run with an "error" event. */
  private guard(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      const e = err instanceof Error ? err : new Error(String(err));
      if (!this.finished) {
        this.finished = true;
        this.schedule.close();
        this.run?.return(undefined as never);
        this.training?.dispose();
      }
      this.emit({ type: "error", name: e.name, message: e.message }, []);
    }
  }
}
