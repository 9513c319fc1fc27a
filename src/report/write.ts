import { join } from "node:path";
import { AmortviError } from "../core/errors.js";
import type { Experiment, ExperimentResult, RunOptions } from "../experiments/types.js";
import { writeJsonAtomic, writeTextAtomic } from "./files.js";
import { renderHtml } from "./html.js";
import { renderSvg } from "./render.js";

export interface RunRecord {
  experiment: Pick<Experiment, "name" | "title" | "description">;
  options: RunOptions;
  result: ExperimentResult;
  /** ISO time the run started. */
  startedAt: string;
  wallSeconds: number;
}

const FIGURE_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;

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
  await writeJsonAtomic(resultsPath, {
    experiment: experiment.name,
    title: experiment.title,
    options: { quick: options.quick, seed: options.seed, iterations: options.iterations ?? null },
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
