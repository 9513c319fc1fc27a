// Callbacks of the training loop (fit): progress, metrics, early stopping.
// Checkpoints are in checkpoint.ts.
import { DomainError, assertInteger } from "../core/errors.js";
import type { FitCallback, FitStepInfo } from "./fit.js";

/** Anything that shows progress: tick(n) advances by n steps (the experiments' ProgressReporter fits). */
export interface ProgressSink {
  tick(n: number, metrics?: Record<string, number>): void;
}

/** Ticks `progress` every `every` steps with the mean loss since the last tick. */
export function progressCallback(progress: ProgressSink, every = 10): FitCallback {
  assertInteger("every", every, 1);
  let last = 0;
  let sum = 0;
  return {
    onStep(info) {
      sum += info.loss;
      const n = info.step - last;
      if (n >= every) {
        progress.tick(n, { loss: sum / n });
        last = info.step;
        sum = 0;
      }
    },
    onEnd(result) {
      if (result.steps > last) progress.tick(result.steps - last);
    },
    getState: () => ({ last, sum }),
    setState(state) {
      const s = state as { last: number; sum: number };
      if (!Number.isInteger(s?.last) || typeof s.sum !== "number") throw new DomainError("state", "a progress state { last, sum }", JSON.stringify(state));
      ({ last, sum } = s);
    },
  };
}

/** One row of a metrics history: when (step, epoch, passes so far, wall time) and the metric values. */
export interface MetricsRow {
  step: number;
  epoch: number;
  /** Network passes per training datapoint so far (training cost, precomputation included); NaN without a pass counter. */
  passesPerDatapoint: number;
  wallMs: number;
  values: Record<string, number>;
}

export interface MetricsCallback extends FitCallback {
  readonly history: MetricsRow[];
}

/**
 * Evaluates `metrics(info)` every `every` steps (and at step 0 and at the end
 * unless disabled), recording rows in `.history`; evaluation is not counted as
 * training cost. The history is the callback's state in a checkpoint.
 */
export function metricsCallback(
  metrics: (info: FitStepInfo) => Record<string, number>,
  { every = 100, atStart = true, atEnd = true }: { every?: number; atStart?: boolean; atEnd?: boolean } = {},
): MetricsCallback {
  assertInteger("every", every, 1);
  const history: MetricsRow[] = [];
  let t0 = Date.now();
  const add = (info: FitStepInfo) => {
    if (history.length > 0 && history[history.length - 1].step === info.step) return;
    history.push({
      step: info.step,
      epoch: info.epoch,
      passesPerDatapoint: info.counter ? info.counter.perDatapoint(info.dataSize).total : NaN,
      wallMs: Date.now() - t0,
      values: metrics(info),
    });
  };
  return {
    history,
    onStart(info) {
      t0 = Date.now();
      if (atStart) add(info);
    },
    onStep(info) {
      if (info.step % every === 0) add(info);
    },
    onEnd(_result, info) {
      if (atEnd && info.step > 0) add(info);
    },
    getState: () => history.map((r) => ({ ...r, values: { ...r.values } })),
    setState(state) {
      if (!Array.isArray(state) || !state.every((r) => r && Number.isInteger(r.step) && r.values && typeof r.values === "object")) {
        throw new DomainError("state", "a metrics history (rows { step, epoch, passesPerDatapoint, wallMs, values })", JSON.stringify(state)?.slice(0, 80) ?? String(state));
      }
      history.splice(0, history.length, ...(state as MetricsRow[]).map((r) => ({ ...r, values: { ...r.values } })));
    },
  };
}

export interface EarlyStoppingOptions {
  /** The monitored value, computed every `every` steps (e.g. held-out negative log-likelihood). */
  monitor: (info: FitStepInfo) => number;
  every?: number;
  /** Stop after this many evaluations without improvement. Default 5. */
  patience?: number;
  /** Improvement smaller than this does not count. Default 0. */
  minDelta?: number;
  /** "min": lower is better (default); "max": higher is better. */
  mode?: "min" | "max";
}

/** Stops training once the monitored value has not improved for `patience` evaluations; `.best` holds the best value. */
export function earlyStopping({ monitor, every = 100, patience = 5, minDelta = 0, mode = "min" }: EarlyStoppingOptions): FitCallback & {
  readonly best: { value: number; step: number };
} {
  assertInteger("every", every, 1);
  assertInteger("patience", patience, 1);
  if (!(minDelta >= 0)) throw new DomainError("minDelta", "a number >= 0", String(minDelta));
  const sign = mode === "min" ? 1 : -1;
  const best = { value: Infinity * sign, step: -1 };
  let bad = 0;
  return {
    best,
    getState: () => ({ best: { ...best }, bad }),
    setState(state) {
      const s = state as { best: { value: number; step: number }; bad: number };
      if (!s?.best || typeof s.best.value !== "number" || !Number.isInteger(s.best.step) || !Number.isInteger(s.bad)) {
        throw new DomainError("state", "an early-stopping state { best: { value, step }, bad }", JSON.stringify(state));
      }
      Object.assign(best, s.best);
      bad = s.bad;
    },
    onStep(info) {
      if (info.step % every !== 0) return;
      const v = monitor(info);
      if (sign * (best.value - v) > minDelta || best.step < 0) {
        best.value = v;
        best.step = info.step;
        bad = 0;
        return;
      }
      bad++;
      if (bad >= patience) return `early stopping at step ${info.step} (best ${best.value} at step ${best.step})`;
    },
  };
}
