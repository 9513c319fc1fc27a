import { TrainingDivergedError, assertInteger, assertPositive } from "../core/errors.js";
import { Rng } from "../core/rng.js";
import type { Tensor } from "../core/tensor.js";
import type { VAE } from "../models/vae.js";
import { Adam } from "../optim/adam.js";
import type { Optimizer } from "../optim/optimizer.js";
import type { TrainCallback } from "./callbacks.js";
import { PassCounter, type PassCounts } from "./counting.js";
import { toDataTensor, type DataInput } from "../diagnostics/vae.js";
import { Minibatches } from "./data.js";
import type { ScheduleRecord, Strategy, TrainState } from "./schedules/types.js";

export interface TrainOptions {
  /** Training data [N, D]. */
  data: DataInput;
  /** Held-out data [M, D] for schedule decisions (the aggressive switch) and metric callbacks. */
  heldOut?: DataInput;
  /** Minibatch size. Default 64. */
  batchSize?: number;
  /** Number of epochs (passes over the shuffled data). Default 10. */
  epochs?: number;
  /** Stop after this many outer steps (default: no limit besides epochs). */
  maxSteps?: number;
  /** Adam learning rate of both encoder and decoder. Default 1e-3. */
  lr?: number;
  /** Seed or generator for batches and draws. Default 0. */
  rng?: Rng | number;
  callbacks?: readonly TrainCallback[];
  /** On a NaN/Inf loss or gradient: "stop" (default) restores the last good parameters and returns; "throw" does the same and rethrows. */
  onDivergence?: "stop" | "throw";
}

/** What one training run did. */
export interface TrainResult {
  strategy: string;
  steps: number;
  epochs: number;
  /** Loss (per datapoint) of every outer step. */
  losses: number[];
  schedule: ScheduleRecord;
  /** Network passes counted during training (datapoint-passes). */
  passes: PassCounts;
  /** The same per training datapoint. */
  passesPerDatapoint: PassCounts;
  wallMs: number;
  /** Set when training stopped on a non-finite loss or gradient: the step and what was found. */
  diverged: { step: number; message: string } | null;
  /** Set when a callback asked to stop (early stopping). */
  stoppedBy: string | null;
}

/** Read-only view of a running training for callbacks. */
export interface TrainInfo {
  readonly vae: VAE;
  readonly step: number;
  readonly epoch: number;
  readonly loss: number;
  readonly counter: PassCounter;
  readonly record: ScheduleRecord;
  readonly heldOut: Tensor | null;
  readonly encoderOpt: Optimizer;
  readonly decoderOpt: Optimizer;
  readonly losses: readonly number[];
  /** Training-set size N. */
  readonly n: number;
}

/**
 * Trains `vae` with a schedule (joint, iwae, aggressive, mapa): epochs of
 * shuffled minibatches, one strategy.step per batch. The loop counts network
 * passes (PassCounter attached to the VAE), records the executed schedule,
 * calls the callbacks (evaluation inside them is not counted), and guards
 * every step: parameters are snapshotted first, and on a non-finite loss or
 * gradient (TrainingDivergedError) both stores are restored and training
 * stops with the step reported in result.diverged.
 */
export function train(vae: VAE, strategy: Strategy, options: TrainOptions): TrainResult {
  const { batchSize = 64, epochs = 10, lr = 1e-3, callbacks = [], onDivergence = "stop" } = options;
  assertInteger("epochs", epochs, 1);
  assertInteger("batchSize", batchSize, 1);
  assertPositive("lr", lr);
  if (options.maxSteps !== undefined) assertInteger("maxSteps", options.maxSteps, 1);
  const data = toDataTensor("data", options.data, vae.obsDim);
  const heldOut = options.heldOut === undefined ? null : toDataTensor("heldOut", options.heldOut, vae.obsDim);
  const rng = options.rng instanceof Rng ? options.rng : new Rng(options.rng ?? 0);
  const batches = new Minibatches(data, batchSize, rng.fork(1));
  const counter = new PassCounter();
  const record: ScheduleRecord = { strategy: strategy.name, innerSteps: [], encoderUpdates: 0, decoderUpdates: 0, switchedOff: null, mi: [] };
  const encoderOpt = new Adam(vae.encoderParams, { lr });
  const decoderOpt = new Adam(vae.decoderParams, { lr });
  const stores = [vae.encoderParams, vae.decoderParams];
  const losses: number[] = [];
  let step = 0;
  let epoch = 0;
  let diverged: TrainResult["diverged"] = null;
  let stoppedBy: string | null = null;
  let divergedError: TrainingDivergedError | null = null;
  const drawRng = rng.fork(2);
  const state = {
    vae,
    rng: drawRng,
    encoderOpt,
    decoderOpt,
    counter,
    record,
    heldOut,
    n: batches.n,
    step: 0,
    epoch: 0,
    freshBatch: () => batches.random(),
  } satisfies TrainState;
  const info = (loss: number): TrainInfo => ({ vae, step, epoch, loss, counter, record, heldOut, encoderOpt, decoderOpt, losses, n: batches.n });
  const start = Date.now();
  const maxSteps = options.maxSteps ?? Infinity;
  counter.attach(vae);
  try {
    strategy.start?.(state);
    counter.suspend(() => callbacks.forEach((c) => c.onStart?.(info(NaN))));
    outer: for (epoch = 0; epoch < epochs; epoch++) {
      state.epoch = epoch;
      if (epoch > 0) batches.shuffle();
      for (let i = 0; i < batches.perEpoch; i++) {
        if (step >= maxSteps) break outer;
        state.step = step;
        stores.forEach((s) => s.snapshot());
        let loss: number;
        try {
          loss = strategy.step(batches.batch(i), state);
          if (!Number.isFinite(loss)) throw new TrainingDivergedError(step + 1, `loss ${loss}`);
        } catch (err) {
          if (!(err instanceof TrainingDivergedError)) throw err;
          stores.forEach((s) => s.restore());
          stores.forEach((s) => s.zeroGrad());
          diverged = { step: step + 1, message: err.message };
          divergedError = err;
          counter.suspend(() => callbacks.forEach((c) => c.onDiverged?.(info(NaN), diverged!)));
          break outer;
        }
        losses.push(loss);
        step++;
        const stop = counter.suspend(() => callbacks.map((c) => c.onStep?.(info(loss))).find((s) => typeof s === "string"));
        if (stop) {
          stoppedBy = stop;
          break outer;
        }
      }
      strategy.endEpoch?.(state);
      const stop = counter.suspend(() => callbacks.map((c) => c.onEpoch?.(info(losses[losses.length - 1] ?? NaN))).find((s) => typeof s === "string"));
      if (stop) {
        stoppedBy = stop;
        epoch++;
        break;
      }
    }
  } finally {
    counter.detach(vae);
    batches.dispose();
    data.dispose();
    heldOut?.dispose();
    encoderOpt.dispose();
    decoderOpt.dispose();
  }
  const result: TrainResult = {
    strategy: strategy.name,
    steps: step,
    epochs: epoch,
    losses,
    schedule: record,
    passes: counter.get(),
    passesPerDatapoint: counter.perDatapoint(batches.n),
    wallMs: Date.now() - start,
    diverged,
    stoppedBy,
  };
  callbacks.forEach((c) => c.onEnd?.(result));
  if (divergedError && onDivergence === "throw") throw divergedError;
  return result;
}
