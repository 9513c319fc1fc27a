import { DomainError, assertInteger } from "../core/errors.js";
import type { VAE } from "../models/vae.js";
import type { ParamsJSON } from "../nn/param-store.js";
import type { OptimizerJSON } from "../optim/optimizer.js";
import type { TrainCallback } from "./callbacks.js";
import type { TrainInfo } from "./loop.js";
import type { ScheduleRecord } from "./schedules/types.js";

/** A training checkpoint: both parameter stores, both optimizers, the schedule so far. */
export interface Checkpoint {
  step: number;
  epoch: number;
  strategy: string;
  encoder: ParamsJSON;
  decoder: ParamsJSON;
  encoderOpt: OptimizerJSON;
  decoderOpt: OptimizerJSON;
  schedule: ScheduleRecord;
}

/** The checkpoint of a running training (ParamStore.toJSON + Optimizer.toJSON). */
export function makeCheckpoint(info: TrainInfo): Checkpoint {
  return {
    step: info.step,
    epoch: info.epoch,
    strategy: info.record.strategy,
    encoder: info.vae.encoderParams.toJSON(),
    decoder: info.vae.decoderParams.toJSON(),
    encoderOpt: info.encoderOpt.toJSON(),
    decoderOpt: info.decoderOpt.toJSON(),
    schedule: { ...info.record, innerSteps: info.record.innerSteps.slice(), mi: info.record.mi.slice() },
  };
}

/**
 * Writes a checkpoint every `every` steps through `write(text)` (JSON). The
 * writer must be atomic (see fileWriter in train/node.ts: temporary file +
 * rename), so a crash or a diverged step never leaves a broken checkpoint;
 * checkpoints are only taken after finite steps.
 */
export function checkpointCallback(write: (json: string) => void, every = 100): TrainCallback & { readonly written: number[] } {
  assertInteger("every", every, 1);
  const written: number[] = [];
  return {
    written,
    onStep(info) {
      if (info.step % every !== 0) return;
      write(JSON.stringify(makeCheckpoint(info)));
      written.push(info.step);
    },
  };
}

/** Loads a checkpoint's parameters into `vae` (both stores; every name, shape and value is checked before writing). */
export function restoreCheckpoint(vae: VAE, checkpoint: Checkpoint | string): Checkpoint {
  const cp: Checkpoint = typeof checkpoint === "string" ? JSON.parse(checkpoint) : checkpoint;
  if (!cp || typeof cp !== "object" || !cp.encoder || !cp.decoder) {
    throw new DomainError("checkpoint", "a checkpoint with encoder and decoder parameters", typeof cp);
  }
  vae.encoderParams.loadJSON(cp.encoder);
  vae.decoderParams.loadJSON(cp.decoder);
  return cp;
}
