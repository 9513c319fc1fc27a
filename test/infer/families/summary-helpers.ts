import { ParamSpecs, Rng } from "../../../src/index.js";
import type { ParamStore } from "../../../src/nn/param-store.js";
import type { SummaryFn, SummaryNet } from "../../../src/infer/families/summary.js";

/** Builds a summary for rows of inputSize values in its own store (seeded). */
export function buildSummary(net: SummaryNet, inputSize: number, seed = 0): { s: SummaryFn; store: ParamStore } {
  const specs = new ParamSpecs();
  const s = net.build(specs, inputSize);
  const store = specs.build(new Rng(seed));
  return { s, store };
}

/** Plain-JS activations of the dense kernel. */
export const ACT: Record<string, (v: number) => number> = {
  identity: (v) => v,
  tanh: Math.tanh,
  relu: (v) => Math.max(v, 0),
  sigmoid: (v) => 1 / (1 + Math.exp(-v)),
};

/** Plain-JS act(x W + b) for one row x, W row-major [in, out]. */
export function denseRef(x: readonly number[], W: readonly number[], b: readonly number[], act: (v: number) => number): number[] {
  const nOut = b.length;
  return b.map((bj, j) => act(x.reduce((s, xi, i) => s + xi * W[i * nOut + j], bj)));
}

/** Plain-JS MLP over one row from the store's `${prefix}.${l}.weight` / `.bias`, hidden activation act, output outAct. */
export function mlpRef(store: ParamStore, prefix: string, layers: number, x: readonly number[], act: (v: number) => number, outAct: (v: number) => number): number[] {
  let h = x.slice();
  for (let l = 0; l < layers; l++) {
    h = denseRef(h, store.get(`${prefix}.${l}.weight`).toArray(), store.get(`${prefix}.${l}.bias`).toArray(), l === layers - 1 ? outAct : act);
  }
  return h;
}
