// The messages between a main thread and a training worker (structured
// clones; parameter buffers are transferred, not copied).
import type { TrainingJob } from "./job.js";
import type { StoreValues } from "./params.js";
import type { TrainingInfo } from "./training.js";
import type { PosteriorView } from "./view.js";

/** How often a session reports, and how long it computes before it listens again. */
export interface SessionOptions {
  /** Steps between progress events. Default 10. */
  progressEvery?: number;
  /** Steps between snapshots (parameters and the posterior view); 0: at the start and the end only. Default 100. */
  snapshotEvery?: number;
  /** Datapoints of the posterior view. Default [0, 1, 2]. */
  viewRows?: readonly number[];
  /** Draws from q per datapoint of the view. Default 2000. */
  viewDraws?: number;
  /** Longest stretch of steps (ms) before the worker returns to its event loop to hear pause / stop. Default 25. */
  sliceMs?: number;
}

/** Main thread -> worker. */
export type ToWorker =
  | { type: "start"; job: TrainingJob; options: SessionOptions }
  | { type: "pause" }
  | { type: "resume" }
  | { type: "stop" };

/** Losses of the steps since the previous progress event. */
export interface ProgressEvent {
  type: "progress";
  /** Steps done. */
  step: number;
  iterations: number;
  /** The loss of the last step. */
  loss: number;
  /** Losses of steps firstStep .. step (1-based). */
  firstStep: number;
  losses: Float64Array;
  elapsedMs: number;
}

/** The trained values and q against the exact posterior at a step (0: before training). */
export interface SnapshotEvent {
  type: "snapshot";
  step: number;
  loss: number;
  params: StoreValues[];
  view: PosteriorView;
}

/** The end of a run (its budget, a stop or a divergence). */
export interface DoneEvent {
  type: "done";
  steps: number;
  losses: Float64Array;
  stoppedBy: string | null;
  diverged: { step: number; message: string } | null;
  /** Time in fit, pauses included. */
  wallMs: number;
  params: StoreValues[];
  view: PosteriorView;
}

/** Worker -> main thread. */
export type FromWorker =
  | { type: "ready"; info: TrainingInfo }
  | ProgressEvent
  | SnapshotEvent
  | { type: "paused"; step: number }
  | { type: "resumed"; step: number }
  | DoneEvent
  | { type: "error"; name: string; message: string };
