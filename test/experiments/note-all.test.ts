import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { AmortviError } from "../../src/core/errors.js";
import "../../src/experiments/notes/note-all.js";
import { NOTE_STUDIES, STUDIES_PAGE, runStudies, summarizeStudies } from "../../src/experiments/notes/note-all.js";
import { getExperiment, quietContext, registerExperiment, unregisterExperiment } from "../../src/experiments/registry.js";
import { lineChart } from "../../src/report/plots.js";

const names = ["test-all-first", "test-all-broken", "test-all-last"];
const out = mkdtempSync(join(tmpdir(), "amortvi-note-all-"));

registerExperiment({
  name: names[0],
  title: "completes",
  description: "a study that finishes",
  run: async () => ({
    headline: { answer: 42 },
    figures: [{ name: "curve", title: "a curve", spec: lineChart({ xLabel: "x", yLabel: "y", series: [{ name: "s", x: [0, 1], y: [1, 2] }] }) }],
  }),
});
registerExperiment({
  name: names[1],
  title: "throws",
  description: "a study interrupted by an error",
  run: async () => {
    throw new Error("simulated interruption");
  },
});
registerExperiment({ name: names[2], title: "completes", description: "runs after the failure", run: async () => ({ headline: { ok: 1 } }) });

afterAll(() => {
  names.forEach(unregisterExperiment);
  rmSync(out, { recursive: true, force: true });
});

describe("note-all", () => {
  it("writes each finished study into its own subfolder; a failing study leaves the completed ones intact", async () => {
    const outcomes = await runStudies(names, { quick: true, seed: 1, outDir: out }, quietContext());
    expect(outcomes.map((o) => o.status)).toEqual(["done", "failed", "done"]);
    const first = JSON.parse(readFileSync(join(out, names[0], "results.json"), "utf8"));
    expect(first.headline).toEqual({ answer: 42 });
    expect(existsSync(join(out, names[0], "curve.svg"))).toBe(true);
    expect(existsSync(join(out, names[0], "index.html"))).toBe(true);
    expect(existsSync(join(out, names[1], "results.json"))).toBe(false);
    expect(existsSync(join(out, names[2], "results.json"))).toBe(true);
    const page = readFileSync(join(out, STUDIES_PAGE), "utf8");
    expect(page).toContain(`<a href="${names[0]}/index.html">`);
    expect(page).toContain("simulated interruption");
    // the run as a whole reports the failure (exit code 1 in the CLI) after everything was written
    expect(() => summarizeStudies(outcomes)).toThrow(AmortviError);
    expect(() => summarizeStudies(outcomes)).toThrow(/test-all-broken failed: simulated interruption/);
    const ok = summarizeStudies(outcomes.filter((o) => o.status === "done"));
    expect(ok.headline[`${names[0]}: answer`]).toBe(42);
  });

  it("an unknown study name is recorded as failed, not fatal to the others", async () => {
    const outcomes = await runStudies(["no-such-study", names[2]], { quick: true, seed: 1, outDir: out }, quietContext());
    expect(outcomes.map((o) => o.status)).toEqual(["failed", "done"]);
  });

  it("is registered and runs note-1 .. note-4 in order", () => {
    expect(getExperiment("note-all").name).toBe("note-all");
    expect([...NOTE_STUDIES]).toEqual(["note-1", "note-2", "note-3", "note-4"]);
  });
});
