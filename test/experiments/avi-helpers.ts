import { getExperiment, quietContext } from "../../src/experiments/registry.js";
import "../../src/experiments/avi/index.js";
import type { ExperimentResult } from "../../src/experiments/types.js";
import type { MethodSummary } from "../../src/experiments/avi/shared.js";

/** Runs an avi-* experiment's --quick variant with a fixed seed. */
export async function quickRun(name: string, seed = 1): Promise<ExperimentResult> {
  return getExperiment(name).run({ quick: true, seed, outDir: "/tmp" }, quietContext());
}

/** The summary row of `method` in a result's data. */
export function row(result: ExperimentResult, method: string, summaries = (result.data as { summaries: MethodSummary[] }).summaries): MethodSummary {
  const r = summaries.find((s) => s.method === method);
  if (!r) throw new Error(`no method ${method} in ${summaries.map((s) => s.method).join(", ")}`);
  return r;
}
