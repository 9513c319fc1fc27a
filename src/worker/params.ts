// Trained parameters as plain data that crosses postMessage: one Float64Array
// per ParamStore (its whole contiguous buffer, so a transfer is one
// ArrayBuffer and no copy) with the store's layout to read it by name.
import { DomainError, ShapeError } from "../core/errors.js";
import type { ParamStore } from "../nn/param-store.js";

/** One store's values and layout: parameter `names[i]` is `values[offsets[i] ..]` with shape `shapes[i]`. */
export interface StoreValues {
  readonly group: "guide" | "model";
  readonly names: readonly string[];
  readonly shapes: readonly (readonly number[])[];
  readonly offsets: readonly number[];
  readonly values: Float64Array;
}

/** The guide's and the model's parameter stores, in the order of guide.params and model.params(). */
export type TrainedParams = readonly StoreValues[];

/** A copy of each store's values with its layout. */
export function copyParams(groups: { guide: readonly ParamStore[]; model: readonly ParamStore[] }): StoreValues[] {
  const copy = (store: ParamStore, group: "guide" | "model"): StoreValues => {
    const names = store.names;
    let offset = 0;
    const offsets: number[] = [];
    const shapes = names.map((n) => {
      const shape = store.get(n).shape.slice();
      offsets.push(offset);
      offset += shape.reduce((a, b) => a * b, 1);
      return shape;
    });
    return { group, names, shapes, offsets, values: store.values.view().slice(0, store.size) };
  };
  return [...groups.guide.map((s) => copy(s, "guide")), ...groups.model.map((s) => copy(s, "model"))];
}

/** The ArrayBuffers to transfer with a message holding these parameters. */
export function transferList(params: TrainedParams): ArrayBuffer[] {
  return params.map((p) => p.values.buffer as ArrayBuffer);
}

/** { "guide.0/net.output.0.weight": [...], ... }: every parameter by store and name, for display and comparison. */
export function paramsByName(params: TrainedParams): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  let guide = 0;
  let model = 0;
  for (const p of params) {
    const prefix = `${p.group}.${p.group === "guide" ? guide++ : model++}`;
    p.names.forEach((name, i) => {
      const size = p.shapes[i].reduce((a, b) => a * b, 1);
      out[`${prefix}/${name}`] = Array.from(p.values.subarray(p.offsets[i], p.offsets[i] + size));
    });
  }
  return out;
}

/** Writes trained values into stores of the same layout (a guide built on the main thread from the same job). */
export function loadParams(stores: readonly ParamStore[], params: readonly StoreValues[]): void {
  if (stores.length !== params.length) throw new ShapeError("params", `${stores.length} store(s) (the stores to load into)`, `${params.length}`);
  stores.forEach((store, i) => {
    const p = params[i];
    const names = store.names;
    if (names.length !== p.names.length || names.some((n, j) => n !== p.names[j])) {
      throw new DomainError(`params[${i}].names`, `the layout ${names.join(", ")}`, p.names.join(", "));
    }
    if (p.values.length !== store.size) throw new ShapeError(`params[${i}].values`, `${store.size} values`, `${p.values.length}`);
    if (store.size > 0) store.values.set(p.values);
  });
}
