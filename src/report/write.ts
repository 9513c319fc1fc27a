import { join } from "node:path";
import { AmortviError } from "../core/errors.js";
import { settingDefault, type Experiment, type ExperimentResult, type RunOptions, type SettingValue } from "../experiments/types.js";
import { writeJsonAtomic, writeTextAtomic } from "./files.js";
import { renderHtml } from "./html.js";
import { provenance } from "./provenance.js";
import { renderSvg } from "./render.js";

export interface RunRecord {
  /** The study; its `settings` declarations, when given, let results.json list every setting's value. */
  experiment: Pick<Experiment, "name" | "title" | "description"> & Partial<Pick<Experiment, "settings" | "data">>;
  options: RunOptions;
  result: ExperimentResult;
  /** ISO time the run started. */
  startedAt: string;
  wallSeconds: number;
}

const FIGURE_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;

/**
 * What results.json says about the run's input: every setting's value (null for those the
 * data determines, e.g. N), which were given, and the data file (path, sha256, shape).
 */
export function runInputs(experiment: RunRecord["experiment"], options: RunOptions): {
  settings: Record<string, SettingValue | null>;
  settingsGiven: string[];
  input: { path: string; sha256: string; format: string; rows: number; cols: number; columns: string[] | null; determines: string[] } | null;
} {
  // options.settings were checked by the runner (experiments/settings.ts prepareRun); the others take their defaults
  const given = options.settings ?? {};
  const settings: Record<string, SettingValue | null> = {};
  for (const spec of experiment.settings ?? []) settings[spec.name] = spec.name in given ? given[spec.name] : settingDefault(spec, options.quick);
  const data = options.data;
  const source = options.dataSource;
  const determines = data ? (experiment.data?.replaces ?? []).filter((n) => n in settings) : [];
  for (const n of determines) settings[n] = null;
  return {
    settings,
    settingsGiven: Object.keys(given).filter((n) => n in settings),
    input: data
      ? { path: source?.path ?? "(in memory)", sha256: source?.sha256 ?? "", format: source?.format ?? "table", rows: data.rows, cols: data.cols, columns: data.columns ?? null, determines }
      : null,
  };
}

/**
 * Writes a finished run into `outDir`: results.json first (so the numbers
 * survive a failing figure), then one <figure>.svg per figure, then
 * index.html with the headline table and the figures inline. Every file is
 * written atomically. Returns the paths written.
 */
export async function writeReport(outDir: string, run: RunRecord): Promise<string[]> {
  const { experiment, options, result } = run;
  const figures = result.figures ?? [];
  for (const f of figures) {
    if (!FIGURE_NAME.test(f.name)) throw new AmortviError("figure.name", "letters, digits, '-' or '_'", JSON.stringify(f.name));
  }
  const written: string[] = [];
  const resultsPath = join(outDir, "results.json");
  const inputs = runInputs(experiment, options);
  await writeJsonAtomic(resultsPath, {
    experiment: experiment.name,
    title: experiment.title,
    amortvi: provenance(),
    options: { quick: options.quick, seed: options.seed, iterations: options.iterations ?? null },
    settings: inputs.settings,
    settingsGiven: inputs.settingsGiven,
    input: inputs.input,
    startedAt: run.startedAt,
    wallSeconds: run.wallSeconds,
    node: process.version,
    headline: result.headline,
    notes: result.notes ?? [],
    figures: figures.map((f) => `${f.name}.svg`),
    data: result.data ?? {},
  });
  written.push(resultsPath);
  const rendered: { title: string; svg: string }[] = [];
  for (const f of figures) {
    const svg = await renderSvg(f.spec);
    const path = join(outDir, `${f.name}.svg`);
    await writeTextAtomic(path, svg);
    written.push(path);
    rendered.push({ title: f.title, svg });
  }
  const htmlPath = join(outDir, "index.html");
  await writeTextAtomic(
    htmlPath,
    renderHtml({
      title: `${experiment.name}: ${experiment.title}`,
      description: experiment.description,
      settings: {
        quick: options.quick,
        seed: options.seed,
        iterations: options.iterations,
        ...Object.fromEntries(inputs.settingsGiven.map((k) => [k, String(inputs.settings[k])])),
        data: inputs.input ? `${inputs.input.path} (${inputs.input.rows} x ${inputs.input.cols}, sha256 ${inputs.input.sha256.slice(0, 12)})` : undefined,
        amortvi: `${provenance().version} (${provenance().commit.slice(0, 12)}${provenance().dirty ? ", modified" : ""})`,
        "wall time": `${run.wallSeconds.toFixed(1)} s`,
        started: run.startedAt,
      },
      headline: result.headline,
      figures: rendered,
      notes: result.notes,
    }),
  );
  written.push(htmlPath);
  return written;
}
