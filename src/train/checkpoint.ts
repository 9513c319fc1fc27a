// Checkpoints of the training loop: taking them (makeCheckpoint,
// checkpointCallback), their bytes (encodeCheckpoint / decodeCheckpoint;
// docs/checkpoint-format.md) and loading a checkpoint's parameters into
// stores (restoreCheckpoint). A whole fit resumes from one with fit({ resume }).
import { DomainError, assertInteger, assertKnownOptions } from "../core/errors.js";
import type { ParamStore } from "../nn/param-store.js";
import { checkStructure, decodeCheckpoint, encodeCheckpoint, writeParams, type Checkpoint, type ParamGroups } from "./checkpoint-state.js";
import type { FitCallback, FitStepInfo } from "./fit.js";

export { encodeCheckpoint, decodeCheckpoint, type Checkpoint, type FitCheckpointState, type StoreLayout } from "./checkpoint-state.js";
export { CHECKPOINT_FORMAT_VERSION } from "./checkpoint-format.js";

/** The checkpoint of a running fit: its whole state (FitStepInfo.checkpoint(); call it from afterStep or onEnd). */
export function makeCheckpoint(info: FitStepInfo): Checkpoint {
  return info.checkpoint();
}

export interface CheckpointCallbackOptions {
  /** Write after every `every` steps. Default 100. */
  every?: number;
  /** ... but not sooner than this many milliseconds after the previous write (wall-clock throttle; the checkpoints' contents do not depend on it). Default 0. */
  minIntervalMs?: number;
  /** Also write when the fit ends (the last step, a stop, or a divergence: the last good state). Default false. */
  atEnd?: boolean;
}

/**
 * Writes the fit's checkpoint (encodeCheckpoint bytes) through `write`
 * every `every` steps, after the step is complete (afterStep), and at the end
 * with atEnd. The writer must be atomic (fileWriter in train/node.ts: a
 * temporary file, fsync, rename), so a crash never leaves a broken
 * checkpoint; diverged steps are undone before, so a checkpoint is always of
 * good state. `.written` lists the steps written.
 */
export function checkpointCallback(write: (bytes: Uint8Array) => void, options: number | CheckpointCallbackOptions = {}): FitCallback & { readonly written: number[] } {
  if (typeof write !== "function") throw new DomainError("write", "a function (bytes: Uint8Array) => void", String(write));
  const o: CheckpointCallbackOptions = typeof options === "number" ? { every: options } : options;
  assertKnownOptions("options", o, ["every", "minIntervalMs", "atEnd"]);
  const { every = 100, minIntervalMs = 0, atEnd = false } = o;
  assertInteger("every", every, 1);
  if (!(minIntervalMs >= 0)) throw new DomainError("minIntervalMs", "a number >= 0", String(minIntervalMs));
  const written: number[] = [];
  let last = -Infinity;
  const save = (info: FitStepInfo) => {
    write(encodeCheckpoint(info.checkpoint()));
    written.push(info.step);
    last = Date.now();
  };
  return {
    written,
    afterStep(info) {
      if (info.step % every === 0 && Date.now() - last >= minIntervalMs) save(info);
    },
    onEnd(_result, info) {
      if (atEnd && written[written.length - 1] !== info.step) save(info);
    },
  };
}

/**
 * Loads a checkpoint's parameters (not the fit's state: see fit({ resume }))
 * into the stores of both groups, e.g. { guide: vae.guide.params, model:
 * [vae.decoderParams] }. The whole checkpoint is checked first (format,
 * checksums, every store's names and shapes, finiteness): on any mismatch a
 * CheckpointError is thrown and no store has changed.
 */
export function restoreCheckpoint(stores: ParamGroups<readonly ParamStore[]>, checkpoint: Checkpoint | Uint8Array): Checkpoint {
  if (!stores || !Array.isArray(stores.guide) || !Array.isArray(stores.model)) throw new DomainError("stores", "{ guide: ParamStore[], model: ParamStore[] }", String(stores));
  const cp = checkpoint instanceof Uint8Array || typeof checkpoint === "string" ? decodeCheckpoint(checkpoint) : checkpoint;
  if (!cp || typeof cp !== "object" || !cp.structure || !cp.params) throw new DomainError("checkpoint", "a Checkpoint or its bytes", String(cp));
  checkStructure(cp, stores, "checkpoint");
  writeParams(cp, stores);
  return cp;
}
