import { mkdtempSync, readFileSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { lineChart } from "../../src/report/plots.js";
import { provenance } from "../../src/report/provenance.js";
import { writeReport, type RunRecord } from "../../src/report/write.js";

const base = mkdtempSync(join(tmpdir(), "amortvi-report-"));

function record(figures: { name: string; title: string; spec: Record<string, unknown> }[]): RunRecord {
  return {
    experiment: { name: "demo", title: "Demo", description: "desc" },
    options: { quick: true, seed: 2, outDir: base },
    result: { headline: { gap: 1.5 }, data: { series: [1, 2] }, figures },
    startedAt: "2026-01-01T00:00:00.000Z",
    wallSeconds: 0.5,
  };
}

describe("writeReport", () => {
  it("writes results.json, each figure as SVG and index.html", async () => {
    const dir = join(base, "ok");
    const spec = lineChart({ xLabel: "i", yLabel: "v", series: [{ name: "s", x: [1, 2, 3], y: [3, 1, 2] }] });
    const written = await writeReport(dir, record([{ name: "curve", title: "A curve", spec }]));
    expect(written.map((p) => p.slice(dir.length + 1))).toEqual(["results.json", "curve.svg", "index.html"]);
    const results = JSON.parse(readFileSync(join(dir, "results.json"), "utf8"));
    expect(results).toMatchObject({ experiment: "demo", options: { quick: true, seed: 2, iterations: null }, headline: { gap: 1.5 }, data: { series: [1, 2] } });
    const html = readFileSync(join(dir, "index.html"), "utf8");
    expect(html).toContain("A curve");
    expect(html).toContain(readFileSync(join(dir, "curve.svg"), "utf8"));
  });

  it("records the amortvi version and commit, every setting's value and the data file", async () => {
    const dir = join(base, "inputs");
    const run = record([]);
    run.experiment = {
      ...run.experiment,
      settings: [
        { name: "s", type: "number", default: 1, description: "noise" },
        { name: "N", type: "integer", default: { full: 100, quick: 10 }, description: "size" },
      ],
      data: { description: "x", columns: 1, replaces: ["N"] },
    };
    run.options = {
      ...run.options,
      settings: { s: 2.2 },
      data: { rows: 2, cols: 1, values: Float64Array.from([1, 2]), columns: ["x"] },
      dataSource: { path: "/data/x.csv", sha256: "ab".repeat(32), format: "csv" },
    };
    await writeReport(dir, run);
    const results = JSON.parse(readFileSync(join(dir, "results.json"), "utf8"));
    expect(results.amortvi).toEqual(provenance());
    expect(results.amortvi.commit).toMatch(/^([0-9a-f]{40}|unknown)$/);
    expect(results.settings).toEqual({ s: 2.2, N: null });
    expect(results.settingsGiven).toEqual(["s"]);
    expect(results.input).toEqual({ path: "/data/x.csv", sha256: "ab".repeat(32), format: "csv", rows: 2, cols: 1, columns: ["x"], determines: ["N"] });
    const html = readFileSync(join(dir, "index.html"), "utf8");
    expect(html).toContain("s: 2.2");
    expect(html).toContain("/data/x.csv (2 x 1, sha256 abababababab)");
    // a run without settings or data still says so
    await writeReport(join(base, "plain"), record([]));
    const plain = JSON.parse(readFileSync(join(base, "plain", "results.json"), "utf8"));
    expect([plain.settings, plain.settingsGiven, plain.input]).toEqual([{}, [], null]);
  });

  it("keeps results.json when a figure fails to render", async () => {
    const dir = join(base, "badfig");
    await expect(writeReport(dir, record([{ name: "broken", title: "x", spec: { mark: "nonsense-mark" } }]))).rejects.toThrow();
    expect(readdirSync(dir)).toEqual(["results.json"]);
  });

  it("rejects figure names that are not plain file stems", async () => {
    await expect(writeReport(join(base, "badname"), record([{ name: "../evil", title: "x", spec: {} }]))).rejects.toThrow(/figure.name/);
  });
});
