// The avi-* studies' comparison (F-VI / Const / A-VI on one model and data
// set, over seeds) as one call with defaults, for a user's own model and data.
import { DomainError } from "../../core/errors.js";
import type { DataTable } from "../../data/table.js";
import { Dataset } from "../../infer/families/dataset.js";
import { mlpNet } from "../../infer/families/nets.js";
import { quietContext } from "../registry.js";
import type { RunContext } from "../types.js";
import { runMethods, summarize, type Method, type MethodRun, type MethodSummary, type StudySetup } from "./shared.js";
import type { ProbModel } from "../../model/model.js";
import type { Model } from "../../models/model.js";

export interface CompareFamiliesOptions {
  /** Any model with continuous latents (a local z per datapoint, optionally globals): written in the language or an engine Model. */
  model: ProbModel | Model;
  /** Per-datapoint constant dropped from the reported -ELBO ("without constants"). Default 0. */
  negElboConstant?: number;
  /** The observations: a Dataset, a table (rows = datapoints) or one value per datapoint. */
  data: Dataset | DataTable | ArrayLike<number>;
  /** Default: F-VI, Const and A-VI with a 2-layer ReLU MLP of width 16 on standardized x_n (Adam 0.05 / 0.05 / 0.02). Must include "F-VI". */
  methods?: readonly Method[];
  /** Adam steps per method and seed. Default 1000. */
  iterations?: number;
  /** Monte Carlo samples per step. Default 4. */
  samples?: number;
  /** Samples of the final -ELBO evaluation. Default 50. */
  evalSamples?: number;
  /** Default [1]. */
  seeds?: readonly number[];
  batchSize?: number;
  /** Training estimates averaged for the final training -ELBO and for convergence. Default max(20, iterations / 20). */
  window?: number;
  /** Exact -ELBO of a fitted family where the model allows it (e.g. localGlobalNegElbo). */
  exactNegElbo?: StudySetup["exactNegElbo"];
  ctx?: RunContext;
}

/** F-VI, Const and one A-VI network: the default methods of compareFamilies. */
export const DEFAULT_METHODS: readonly Method[] = [
  { name: "F-VI", family: { kind: "fvi" }, lr: 0.05 },
  { name: "Const", family: { kind: "const" }, lr: 0.05 },
  { name: "A-VI k=16", family: { kind: "avi", net: mlpNet({ width: 16, logStdBound: 3 }), standardize: true }, lr: 0.02 },
];

function toDataset(data: CompareFamiliesOptions["data"]): { dataset: Dataset; owned: boolean } {
  if (data instanceof Dataset) return { dataset: data, owned: false };
  if (typeof data === "object" && "values" in data && "cols" in data) return { dataset: new Dataset(data.values, { dim: data.cols }), owned: true };
  return { dataset: new Dataset(data as ArrayLike<number>), owned: true };
}

/**
 * Fits every method for every seed on the data (cosine-decayed Adam, Margossian & Blei's
 * protocol) and summarizes against F-VI: final -ELBO (without the model's per-datapoint
 * constants, if it declares them), amortization gap -ELBO(method) - -ELBO(F-VI), iterations to
 * within 1% / 10% / 50%, every seed's values. The loop is the avi-* studies' runMethods.
 */
export function compareFamilies(options: CompareFamiliesOptions): { runs: MethodRun[]; summaries: MethodSummary[] } {
  const methods = options.methods ?? DEFAULT_METHODS;
  if (!methods.some((m) => m.name === "F-VI")) {
    throw new DomainError("methods", 'a list including "F-VI" (the reference of the gaps)', methods.map((m) => m.name).join(", ") || "none");
  }
  const iterations = options.iterations ?? 1000;
  const window = options.window ?? Math.max(20, Math.round(iterations / 20));
  const { dataset, owned } = toDataset(options.data);
  try {
    const setup: StudySetup = {
      model: options.model,
      negElboConstant: options.negElboConstant ?? 0,
      data: dataset,
      iterations,
      samples: options.samples ?? 4,
      evalSamples: options.evalSamples ?? 50,
      seeds: options.seeds ?? [1],
      batchSize: options.batchSize,
      window,
      exactNegElbo: options.exactNegElbo,
    };
    const runs = runMethods(setup, methods, options.ctx ?? quietContext(), options.model.name);
    return { runs, summaries: summarize(runs, "F-VI", window, dataset.N) };
  } finally {
    if (owned) dataset.dispose();
  }
}
