import { AmortviError, UnknownNameError } from "../core/errors.js";
import { prepareRun, type RunRequest } from "./settings.js";
import type { Experiment, ExperimentResult, ProgressReporter, RunContext } from "./types.js";

export type { Experiment, ExperimentResult, FigureSpec, ProgressReporter, RunContext, RunOptions } from "./types.js";

/** Every registered experiment by name (insertion order is the `amortvi list` order). */
const experiments = new Map<string, Experiment>();

const NAME_PATTERN = /^[a-z0-9]+(-[a-z0-9]+)*$/;

/** Adds an experiment; its module calls this once on import. */
export function registerExperiment(experiment: Experiment): void {
  if (!NAME_PATTERN.test(experiment.name)) {
    throw new AmortviError("experiment.name", "lower-case words joined by '-' (e.g. note-1)", JSON.stringify(experiment.name));
  }
  if (experiments.has(experiment.name)) {
    throw new AmortviError("experiment.name", "a name not registered yet", JSON.stringify(experiment.name));
  }
  experiments.set(experiment.name, experiment);
}

/** Removes an experiment (for tests that register a temporary one); returns whether it existed. */
export function unregisterExperiment(name: string): boolean {
  return experiments.delete(name);
}

/** The experiment called `name`; throws UnknownNameError listing the valid names. */
export function getExperiment(name: string): Experiment {
  // names are registered in lower case; the papers write e.g. "avi-width-vs-N"
  const found = experiments.get(name) ?? experiments.get(name.toLowerCase());
  if (!found) {
    const valid = experimentNames();
    throw new UnknownNameError(
      "experiment",
      valid.length > 0 ? `one of ${valid.join(", ")}` : "a registered experiment (none are registered)",
      JSON.stringify(name),
    );
  }
  return found;
}

/** Names of all registered experiments, in registration order. */
export function experimentNames(): string[] {
  return [...experiments.keys()];
}

/** All registered experiments, in registration order. */
export function listExperiments(): Experiment[] {
  return [...experiments.values()];
}

/** A progress reporter that shows nothing (tests, library use). */
export const silentProgress: ProgressReporter = { start() {}, tick() {}, stop() {} };

/** A RunContext that shows nothing unless `log` is given: for tests and scripts. */
export function quietContext(log: (message: string) => void = () => {}): RunContext {
  return { progress: silentProgress, log };
}

/**
 * Runs a study as `amortvi reproduce` does, from code: the request's settings
 * ({ tau: 1.2 }), data (a DataTable, e.g. from readDataFile) and iterations are
 * checked against the study's declarations (typed errors naming the option), then
 * the study runs. Writing files is left to the caller (src/report writeReport).
 */
export async function runStudy(study: string | Experiment, request: RunRequest = {}, ctx: RunContext = quietContext()): Promise<ExperimentResult> {
  const experiment = typeof study === "string" ? getExperiment(study) : study;
  return experiment.run(prepareRun(experiment, request), ctx);
}
