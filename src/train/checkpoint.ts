import { DomainError, ShapeError, assertInteger } from "../core/errors.js";
import type { ParamStore, ParamsJSON } from "../nn/param-store.js";
import type { OptimizerJSON } from "../optim/optimizer.js";
import type { FitCallback, FitStepInfo, ParamGroups } from "./fit.js";
import type { ScheduleRecord } from "./schedules/types.js";

/** A training checkpoint: every store of both groups, both optimizers, the schedule so far. */
export interface Checkpoint {
  step: number;
  epoch: number;
  schedule: string;
  /** The guide's stores (phi) and the model's (theta), in the order fit trains them. */
  guide: ParamsJSON[];
  model: ParamsJSON[];
  guideOpt: OptimizerJSON | null;
  modelOpt: OptimizerJSON | null;
  record: ScheduleRecord;
}

/** The checkpoint of a running fit (ParamStore.toJSON + Optimizer.toJSON). */
export function makeCheckpoint(info: FitStepInfo): Checkpoint {
  return {
    step: info.step,
    epoch: info.epoch,
    schedule: info.record.schedule,
    guide: info.stores.guide.map((s) => s.toJSON()),
    model: info.stores.model.map((s) => s.toJSON()),
    guideOpt: info.optimizers.guide?.toJSON() ?? null,
    modelOpt: info.optimizers.model?.toJSON() ?? null,
    record: { ...info.record, innerSteps: info.record.innerSteps.slice(), mi: info.record.mi.slice() },
  };
}

/**
 * Writes a checkpoint every `every` steps through `write(text)` (JSON). The
 * writer must be atomic (see fileWriter in train/node.ts: temporary file +
 * rename), so a crash or a diverged step never leaves a broken checkpoint;
 * checkpoints are only taken after finite steps.
 */
export function checkpointCallback(write: (json: string) => void, every = 100): FitCallback & { readonly written: number[] } {
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

/**
 * Loads a checkpoint's parameters into the stores of both groups (e.g. {
 * guide: vae.guide.params, model: [vae.decoderParams] }); every count, name,
 * shape and value is checked before writing.
 */
export function restoreCheckpoint(stores: ParamGroups<readonly ParamStore[]>, checkpoint: Checkpoint | string): Checkpoint {
  const cp: Checkpoint = typeof checkpoint === "string" ? JSON.parse(checkpoint) : checkpoint;
  if (!cp || typeof cp !== "object" || !Array.isArray(cp.guide) || !Array.isArray(cp.model)) {
    throw new DomainError("checkpoint", "a checkpoint with guide and model parameters", typeof cp);
  }
  for (const group of ["guide", "model"] as const) {
    if (cp[group].length !== stores[group].length) {
      throw new ShapeError(`checkpoint.${group}`, `${stores[group].length} stores`, `${cp[group].length}`);
    }
  }
  stores.guide.forEach((s, i) => s.loadJSON(cp.guide[i]));
  stores.model.forEach((s, i) => s.loadJSON(cp.model[i]));
  return cp;
}
