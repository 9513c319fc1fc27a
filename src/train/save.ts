// Saving and loading trained parameters on their own (a guide, a model's
// parameters, or both), in the checkpoint format: bytes in and out, so the
// same file moves between processes, Node and browsers. Node's file helpers
// (saveFile / loadFile) are in ./node.ts.
import { DomainError } from "../core/errors.js";
import { ProbModel } from "../model/model.js";
import type { Guide } from "../models/guide.js";
import { ParamStore } from "../nn/param-store.js";
import { checkStructure, decodeCheckpoint, encodeCheckpoint, paramsCheckpoint, writeParams, type Checkpoint, type ParamGroups } from "./checkpoint-state.js";

/** One group's parameters: a guide (its params), a model written in the language (its params()), or stores. */
export type SavableGroup = Guide | ProbModel | ParamStore | readonly ParamStore[];

/** What save / load take: one group (a guide or stores: the file's guide group; a ProbModel: its model group) or both. */
export type Savable = SavableGroup | { guide?: SavableGroup; model?: SavableGroup };

type Group = "guide" | "model";

function storesOf(x: SavableGroup, argument: string): ParamStore[] {
  if (x instanceof ProbModel) return x.params();
  if (x instanceof ParamStore) return [x];
  if (Array.isArray(x) && x.every((s) => s instanceof ParamStore)) return [...x];
  const params = (x as Guide | null)?.params;
  if (Array.isArray(params) && params.every((s) => s instanceof ParamStore)) return [...params];
  throw new DomainError(argument, "a guide, a ProbModel, a ParamStore or a list of them", x === null || typeof x !== "object" ? String(x) : (x.constructor?.name ?? "an object"));
}

/** The stores of `target` per group, and which groups it has. */
function resolve(target: Savable, argument: string): { stores: ParamGroups<ParamStore[]>; groups: Group[] } {
  if (target instanceof ProbModel) return { stores: { guide: [], model: target.params() }, groups: ["model"] };
  const pair = target as { guide?: SavableGroup; model?: SavableGroup } | null;
  const isPair = !!pair && typeof pair === "object" && !Array.isArray(pair) && !(pair instanceof ParamStore) && !("sample" in pair) && ("guide" in pair || "model" in pair);
  if (!isPair) return { stores: { guide: storesOf(target as SavableGroup, argument), model: [] }, groups: ["guide"] };
  const groups = (["guide", "model"] as const).filter((g) => pair[g] !== undefined);
  return {
    stores: { guide: pair.guide ? storesOf(pair.guide, `${argument}.guide`) : [], model: pair.model ? storesOf(pair.model, `${argument}.model`) : [] },
    groups: [...groups],
  };
}

/**
 * The bytes of `target`'s trained parameters (format version
 * CHECKPOINT_FORMAT_VERSION, docs/checkpoint-format.md): the structure of
 * every store (parameter names and shapes), a checksum and the values.
 * E.g. save(guide), save(model), save({ guide: vae.guide, model: [vae.decoderParams] }).
 */
export function save(target: Savable): Uint8Array {
  return encodeCheckpoint(paramsCheckpoint(resolve(target, "target").stores));
}

/**
 * Loads parameters saved by save() (or a fit checkpoint's) into `target`,
 * which must have the same structure (the groups it has: the same stores,
 * parameter names and shapes). The file is checked whole first (format
 * version, checksums, truncation, finiteness, structure): a CheckpointError
 * says what is wrong, and `target` is unchanged. Returns the decoded checkpoint.
 */
export function load(target: Savable, bytes: Uint8Array): Checkpoint {
  const { stores, groups } = resolve(target, "target");
  const cp = decodeCheckpoint(bytes, "bytes");
  checkStructure(cp, stores, "bytes", groups);
  writeParams(cp, stores, groups);
  return cp;
}
