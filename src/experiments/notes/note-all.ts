// note-all: the four studies of the amortized-inference note in turn, each
// written into its own subfolder as soon as it finishes (writeReport), so an
// interrupted or failing run keeps every completed study's results and
// figures. studies.html links the subfolders and is rewritten after each study.
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { AmortviError } from "../../core/errors.js";
import { escapeHtml, formatValue } from "../../report/html.js";
import { writeTextAtomic } from "../../report/files.js";
import { writeReport } from "../../report/write.js";
import { getExperiment, registerExperiment } from "../registry.js";
import type { ExperimentResult, RunContext, RunOptions } from "../types.js";

/** The studies note-all runs, in order. */
export const NOTE_STUDIES = ["note-1", "note-2", "note-3", "note-4"] as const;

/** How one sub-study ended. */
export interface StudyOutcome {
  name: string;
  status: "done" | "failed" | "not run";
  wallSeconds?: number;
  error?: string;
  headline?: Record<string, number | string>;
}

/** File name of the page linking the sub-studies (index.html of the folder is the runner's report). */
export const STUDIES_PAGE = "studies.html";

function studiesPage(outcomes: readonly StudyOutcome[]): string {
  const rows = outcomes
    .map((o) => {
      const name = escapeHtml(o.name);
      const link = o.status === "done" ? `<a href="${name}/index.html">${name}</a>` : name;
      const detail = o.status === "done"
        ? Object.entries(o.headline ?? {}).map(([k, v]) => `${escapeHtml(k)}: ${escapeHtml(formatValue(v))}`).join("; ")
        : escapeHtml(o.error ?? "");
      const wall = o.wallSeconds !== undefined ? `${o.wallSeconds.toFixed(1)} s` : "";
      return `<tr><td>${link}</td><td>${o.status}</td><td>${wall}</td><td>${detail}</td></tr>`;
    })
    .join("\n");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>amortvi: the amortized-inference note, all studies</title>
<style>body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.3em .8em;text-align:left}</style></head>
<body><h1>The amortized-inference note: all studies</h1>
<table><tr><th>study</th><th>status</th><th>wall time</th><th>headline</th></tr>
${rows}
</table></body></html>
`;
}

/**
 * Runs the named experiments in turn, each into `<outDir>/<name>/` (results.json,
 * figures, index.html written as soon as it finishes), rewriting `<outDir>/studies.html`
 * after each. A failing study is recorded and the next one still runs.
 */
export async function runStudies(names: readonly string[], opts: RunOptions, ctx: RunContext): Promise<StudyOutcome[]> {
  const outcomes: StudyOutcome[] = names.map((name) => ({ name, status: "not run" }));
  await writeTextAtomic(join(opts.outDir, STUDIES_PAGE), studiesPage(outcomes));
  for (const [i, name] of names.entries()) {
    const outDir = join(opts.outDir, name);
    const options: RunOptions = { ...opts, outDir };
    const startedAt = new Date();
    ctx.log(`note-all: ${name} (${i + 1}/${names.length})`);
    try {
      const experiment = getExperiment(name);
      await mkdir(outDir, { recursive: true });
      const result = await experiment.run(options, ctx);
      const wallSeconds = (Date.now() - startedAt.getTime()) / 1000;
      await writeReport(outDir, { experiment, options, result, startedAt: startedAt.toISOString(), wallSeconds });
      outcomes[i] = { name, status: "done", wallSeconds, headline: result.headline };
    } catch (err) {
      const error = err instanceof Error ? err.message : String(err);
      ctx.log(`note-all: ${name} failed: ${error}`);
      outcomes[i] = { name, status: "failed", wallSeconds: (Date.now() - startedAt.getTime()) / 1000, error };
    }
    await writeTextAtomic(join(opts.outDir, STUDIES_PAGE), studiesPage(outcomes));
  }
  return outcomes;
}

/** note-all's result from the outcomes; throws (after every study ran and was written) if one failed. */
export function summarizeStudies(outcomes: readonly StudyOutcome[]): ExperimentResult {
  const failed = outcomes.filter((o) => o.status !== "done");
  if (failed.length > 0) {
    throw new AmortviError(
      "note-all",
      "every sub-study to finish",
      failed.map((o) => `${o.name} ${o.status}${o.error ? `: ${o.error}` : ""}`).join("; "),
      `completed studies are in their subfolders; see ${STUDIES_PAGE}`,
    );
  }
  const headline: Record<string, number | string> = {};
  for (const o of outcomes) {
    headline[`${o.name} wall s`] = Number((o.wallSeconds ?? 0).toFixed(1));
    for (const [k, v] of Object.entries(o.headline ?? {})) headline[`${o.name}: ${k}`] = v;
  }
  return {
    headline,
    notes: [`Each study's report is in its subfolder (${outcomes.map((o) => `${o.name}/index.html`).join(", ")}); ${STUDIES_PAGE} links them.`],
    data: { studies: outcomes },
  };
}

registerExperiment({
  name: "note-all",
  title: "All four studies of the amortized-inference note (note-1 .. note-4), one subfolder each",
  description:
    "Runs note-1, note-2, note-3 and note-4 in turn with the same options. Each study's results.json, figures and index.html " +
    `are written into <out>/<study>/ as soon as it finishes, so an interrupted run keeps the completed studies; ${STUDIES_PAGE} links them.`,
  iterations: "passed to each of note-1 .. note-4: Adam steps of each of their training runs (see each study)",
  run: async (opts, ctx) => summarizeStudies(await runStudies(NOTE_STUDIES, opts, ctx)),
});
