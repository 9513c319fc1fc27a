// The main thread's side: start a training worker, send it a job, hear its
// progress and snapshots, pause / resume / stop it, and get the trained
// parameters back (transferred ArrayBuffers).
import { AmortviError, DomainError } from "../core/errors.js";
import type { TrainingJob } from "./job.js";
import type { DoneEvent, FromWorker, ProgressEvent, SessionOptions, SnapshotEvent, ToWorker } from "./protocol.js";
import type { TrainingInfo } from "./training.js";

/** A browser Worker (type "module") or a node:worker_threads Worker running worker-thread.js. */
export type WorkerLike =
  | { postMessage(message: unknown, transfer?: Transferable[]): void; addEventListener(type: string, listener: (event: never) => void): void; removeEventListener(type: string, listener: (event: never) => void): void; terminate(): unknown }
  | { postMessage(message: unknown, transfer?: readonly unknown[]): void; on(type: string, listener: (value: never) => void): unknown; off(type: string, listener: (value: never) => void): unknown; terminate(): unknown };

/** An error of the run, raised in the worker: its name (e.g. "DomainError") and message as sent. */
export class TrainingWorkerError extends AmortviError {
  constructor(
    readonly remoteName: string,
    readonly remoteMessage: string,
  ) {
    super("worker", "a training run without error", remoteName, remoteMessage);
  }
}

export interface TrainInWorkerOptions extends SessionOptions {
  onReady?(info: TrainingInfo): void;
  onProgress?(event: ProgressEvent): void;
  onSnapshot?(event: SnapshotEvent): void;
  onPaused?(step: number): void;
  onResumed?(step: number): void;
}

/** A run in a worker. */
export interface WorkerTraining {
  pause(): void;
  resume(): void;
  /** Ends the run now; `done` resolves with the parameters of the last step. */
  stop(): void;
  /** The end of the run: steps, losses, stop reason and the trained parameters; rejects with TrainingWorkerError. */
  readonly done: Promise<DoneEvent>;
}

const busy = new WeakSet<object>();

/** Listens to a worker's messages (either kind of worker); returns the unsubscribe. */
function listen(worker: WorkerLike, onMessage: (m: FromWorker) => void, onFailure: (e: Error) => void): () => void {
  if ("addEventListener" in worker) {
    const message = (e: MessageEvent) => onMessage(e.data as FromWorker);
    const error = (e: ErrorEvent) => {
      e.preventDefault?.();
      onFailure(new Error(e.message || "the worker failed to load or crashed"));
    };
    worker.addEventListener("message", message as (e: never) => void);
    worker.addEventListener("error", error as (e: never) => void);
    return () => {
      worker.removeEventListener("message", message as (e: never) => void);
      worker.removeEventListener("error", error as (e: never) => void);
    };
  }
  const exit = (code: number) => onFailure(new Error(`the worker exited (code ${code})`));
  worker.on("message", onMessage as (v: never) => void);
  worker.on("error", onFailure as (v: never) => void);
  worker.on("exit", exit as (v: never) => void);
  return () => {
    worker.off("message", onMessage as (v: never) => void);
    worker.off("error", onFailure as (v: never) => void);
    worker.off("exit", exit as (v: never) => void);
  };
}

/**
 * Trains `job` in `worker` (one run at a time per worker): the same numbers
 * as runJob(job) / fit on this thread, bit for bit, whatever the pauses.
 * Callbacks receive progress (every progressEvery steps) and snapshots
 * (parameters and q against the exact posterior, every snapshotEvery steps).
 */
export function trainInWorker(worker: WorkerLike, job: TrainingJob, options: TrainInWorkerOptions = {}): WorkerTraining {
  if (!worker || typeof worker.postMessage !== "function") throw new DomainError("worker", "a Worker running amortvi's worker-thread.js (createTrainingWorker)", String(worker));
  if (busy.has(worker)) throw new DomainError("worker", "a worker with no run in progress (one run at a time)", "a busy worker");
  const { onReady, onProgress, onSnapshot, onPaused, onResumed, ...session } = options;
  const send = (m: ToWorker) => worker.postMessage(m);
  busy.add(worker);
  let unsubscribe = () => {};
  const done = new Promise<DoneEvent>((resolve, reject) => {
    const end = () => {
      unsubscribe();
      busy.delete(worker);
    };
    unsubscribe = listen(
      worker,
      (m) => {
        switch (m.type) {
          case "ready":
            return onReady?.(m.info);
          case "progress":
            return onProgress?.(m);
          case "snapshot":
            return onSnapshot?.(m);
          case "paused":
            return onPaused?.(m.step);
          case "resumed":
            return onResumed?.(m.step);
          case "done":
            end();
            return resolve(m);
          case "error":
            end();
            return reject(new TrainingWorkerError(m.name, m.message));
        }
      },
      (e) => {
        end();
        reject(new TrainingWorkerError(e.name, e.message));
      },
    );
  });
  send({ type: "start", job, options: session });
  return {
    pause: () => send({ type: "pause" }),
    resume: () => send({ type: "resume" }),
    stop: () => send({ type: "stop" }),
    done,
  };
}

/**
 * A worker running amortvi's worker program: `new Worker(url, { type:
 * "module" })` in a browser, a node:worker_threads Worker in Node. `url`
 * defaults to worker-thread.js next to this module (the package's
 * dist/worker-thread.js); a bundled page passes the URL of its own bundle of it.
 */
export async function createTrainingWorker(url: string | URL = new URL("./worker-thread.js", import.meta.url)): Promise<WorkerLike> {
  const proc = (globalThis as { process?: { versions?: { node?: string } } }).process;
  if (typeof Worker !== "undefined" && !proc?.versions?.node) return new Worker(url, { type: "module" }) as unknown as WorkerLike;
  const id = "node:worker_threads"; // a variable: bundlers for the browser leave the import alone
  const threads = (await import(/* @vite-ignore */ id)) as typeof import("node:worker_threads");
  return new threads.Worker(typeof url === "string" && !url.startsWith("file:") ? url : new URL(url)) as unknown as WorkerLike;
}
