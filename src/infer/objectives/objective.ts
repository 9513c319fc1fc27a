import type { Rng } from "../../core/rng.js";
import type { Tensor } from "../../core/tensor.js";
import type { Batch, Model } from "../../models/model.js";
import type { Guide } from "../../models/guide.js";

/**
 * What an objective sees during one training pass. `batch()` draws the pass's
 * batch lazily (a minibatch of the data, or fresh simulations from the
 * model's joint when there is no data): an objective that makes its own joint
 * draws (forward KL) never calls it, so no random numbers are spent on it.
 */
export interface ObjectiveContext {
  readonly model: Model;
  readonly guide: Guide;
  readonly rng: Rng;
  batch(): Batch;
  /** Rows per pass B. */
  readonly batchSize: number;
  /** N, the data set's size (B when training on simulations). */
  readonly dataSize: number;
}

/**
 * A training objective: a loss whose gradient trains the guide (and the
 * model's parameters, where it has any). One file per objective in this
 * folder, each stating its estimator and reference (as Pyro's infer/).
 * `start()` resets per-run state (e.g. a score-function baseline); fit calls
 * it once before the first step. An objective with such state also exposes
 * it as plain JSON (getState / setState), so a checkpoint carries it and a
 * resumed fit continues bit for bit.
 */
export interface Objective {
  readonly name: string;
  /** Guide draws per datapoint per pass (Monte Carlo samples, particles), for cost accounting. Default 1. */
  readonly drawsPerDatapoint?: number;
  /** The loss of one pass, Tensor [1] (called inside valueAndGrad). */
  loss(ctx: ObjectiveContext): Tensor;
  start?(): void;
  /** Per-run state as a JSON value (e.g. the baseline's running mean). */
  getState?(): unknown;
  /** Restores getState() output (checked before anything changes). */
  setState?(state: unknown): void;
}
