import type { Rng } from "../../core/rng.js";
import type { Dataset } from "../../infer/families/dataset.js";
import type { Objective } from "../../infer/objectives/objective.js";
import type { Guide } from "../../models/guide.js";
import type { Model } from "../../models/model.js";

/** Which parameters an update trains: the guide's (phi), the model's (theta), or both. */
export type UpdateTarget = "guide" | "model" | "both";

/**
 * What a schedule executed, for reports and tests: guide and model updates
 * taken (optimizer steps of each group); innerSteps[t] = guide-only updates
 * before outer step t (schedules with an inner loop record it; empty
 * otherwise); switchedOff = when the aggressive phase ended ({ step: outer
 * steps done, epoch }, null if it never did); mi[e] = I_q(x; z) on the
 * held-out data after epoch e (aggressive only).
 */
export interface ScheduleRecord {
  schedule: string;
  guideUpdates: number;
  modelUpdates: number;
  innerSteps: number[];
  switchedOff: { step: number; epoch: number } | null;
  mi: number[];
}

/** Everything a schedule may use during one outer step of fit. */
export interface FitState {
  readonly model: Model;
  readonly guide: Guide;
  readonly objective: Objective;
  /** The generator of the run's Monte Carlo draws. */
  readonly rng: Rng;
  readonly record: ScheduleRecord;
  /** Held-out data (schedule decisions such as the aggressive switch), or null. */
  readonly heldOut: Dataset | null;
  /** Training-set size N (the batch size on simulations). */
  readonly dataSize: number;
  /** Outer steps done before this one, and the current epoch (0-based). */
  readonly step: number;
  readonly epoch: number;
  /**
   * One gradient evaluation of the objective's loss and an optimizer update
   * of `target`; the other group's gradients are discarded. `batch`: "step",
   * the outer step's batch (the epoch's next minibatch, or fresh
   * simulations), or "random", a random batch of the training data that does
   * not advance the epoch (the aggressive schedule's inner loop; fresh
   * simulations without data). Batches are cut inside the gradient
   * evaluation (they live in its arena). Returns the loss value; a non-finite
   * loss or gradient throws TrainingDivergedError (fit restores the step's snapshot).
   * `objective` (default: fit's) is the loss of this update: wake and sleep
   * phases train the model and the guide on different objectives.
   */
  update(target: UpdateTarget, batch?: "step" | "random", objective?: Objective): number;
  /**
   * One gradient evaluation of `objective` (default: fit's) on the batch,
   * WITHOUT an optimizer step, for parameters that are not fit's: the
   * gradients of fit's two groups are zeroed afterwards, those of any other
   * store stay for the schedule's own update (e.g. the semi-amortized
   * schedule's inner steps on per-batch variational parameters). Not
   * counted as an update.
   */
  gradient(batch?: "step" | "random", objective?: Objective): number;
}

/**
 * A training schedule: how one outer step of fit updates guide and / or
 * model (joint; guide only; model only, e.g. MAPA's fixed posterior;
 * aggressive: an inner guide loop before each model update). fit owns
 * batching, counting, divergence handling and callbacks.
 */
export interface FitSchedule {
  readonly name: string;
  /** Called once before the first step (e.g. to check for held-out data and reset state). */
  start?(state: FitState): void;
  /** One outer step; returns the loss value reported for it. */
  step(state: FitState): number;
  /** Called after every epoch of the data (e.g. the aggressive schedule's mutual-information check). */
  endEpoch?(state: FitState): void;
  /** The schedule's own state as a JSON value (e.g. whether the aggressive phase is on), for checkpoints. */
  getState?(): unknown;
  /** Restores getState() output after start() when fit resumes (checked before anything changes). */
  setState?(state: unknown): void;
}
