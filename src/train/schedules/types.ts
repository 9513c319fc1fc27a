import type { Rng } from "../../core/rng.js";
import type { Tensor } from "../../core/tensor.js";
import type { Batch, LatentValues } from "../../models/model.js";
import type { VAE } from "../../models/vae.js";
import type { Optimizer } from "../../optim/optimizer.js";
import type { PassCounter } from "../counting.js";

/**
 * What a schedule actually executed, for reports and tests:
 * innerSteps[t] = encoder-only updates taken before outer step t (0 for plain
 * steps), switchedOff = when the aggressive phase ended (null if it never
 * ran or never ended), mi[e] = I_q(x; z) on held-out data after epoch e
 * (aggressive schedule only).
 */
export interface ScheduleRecord {
  strategy: string;
  innerSteps: number[];
  encoderUpdates: number;
  decoderUpdates: number;
  switchedOff: { step: number; epoch: number } | null;
  mi: number[];
}

/** Everything a strategy may use during one outer step. */
export interface TrainState {
  readonly vae: VAE;
  readonly rng: Rng;
  /** Adam over the encoder store (phi). */
  readonly encoderOpt: Optimizer;
  /** Adam over the decoder store (theta). */
  readonly decoderOpt: Optimizer;
  readonly counter: PassCounter;
  readonly record: ScheduleRecord;
  /** A random batch of the training data (not the epoch's next one): the aggressive schedule's fresh batches. */
  freshBatch(): Batch;
  /** Held-out data [M, D] for schedule decisions (e.g. the aggressive switch), or null. */
  readonly heldOut: Tensor | null;
  /** Training-set size N. */
  readonly n: number;
  /** Index of the current outer step (0-based) and epoch. */
  readonly step: number;
  readonly epoch: number;
}

/**
 * A training schedule: how one outer step updates encoder and/or decoder.
 * The loop owns batching, counting, divergence handling and callbacks.
 */
export interface Strategy {
  readonly name: string;
  /** Called once before the first step (e.g. to add precomputation cost to state.counter). */
  start?(state: TrainState): void;
  /** One outer step on `batch`; returns the loss value (per datapoint) reported for it. */
  step(batch: Batch, state: TrainState): number;
  /** Called after every epoch (e.g. the aggressive schedule's mutual-information check). */
  endEpoch?(state: TrainState): void;
}
