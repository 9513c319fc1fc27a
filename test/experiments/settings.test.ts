import { describe, expect, it } from "vitest";
import { DomainError, ShapeError, UnknownNameError } from "../../src/core/errors.js";
import {
  checkDataLayout,
  getExperiment,
  parseSetArguments,
  prepareRun,
  resolveSettings,
  runStudy,
  settingDefault,
} from "../../src/experiments/index.js";
import type { Experiment, SettingSpec } from "../../src/experiments/types.js";

const SPECS: SettingSpec[] = [
  { name: "tau", type: "number", min: 0, exclusiveMin: true, default: 1.5, description: "scale" },
  { name: "N", type: "integer", min: 2, max: 1000, default: { full: 500, quick: 20 }, description: "size" },
  { name: "ws", type: "integers", min: 1, length: 2, default: [1, 3], description: "widths" },
];
const STUDY: Experiment = {
  name: "settings-study",
  title: "t",
  description: "d",
  settings: SPECS,
  data: { description: "x_n", columns: 2, replaces: ["N"] },
  async run() {
    return { headline: {} };
  },
};
const table = (rows: number, cols: number) => ({ rows, cols, values: new Float64Array(rows * cols).fill(1) });
const thrown = (fn: () => unknown): Error => {
  try {
    fn();
  } catch (err) {
    return err as Error;
  }
  throw new Error("expected an error");
};

describe("resolveSettings", () => {
  it("fills full and quick defaults and keeps the given values", () => {
    const full = resolveSettings(STUDY, { quick: false });
    expect(full.values).toEqual({ tau: 1.5, N: 500, ws: [1, 3] });
    expect(full.given.size).toBe(0);
    const quick = resolveSettings(STUDY, { quick: true, settings: { tau: 2 } });
    expect(quick.values).toEqual({ tau: 2, N: 20, ws: [1, 3] });
    expect([...quick.given]).toEqual(["tau"]);
    expect(quick.number("tau")).toBe(2);
    expect(quick.numbers("ws")).toEqual([1, 3]);
    expect(() => quick.number("ws")).toThrow(DomainError);
    expect(() => quick.number("nope")).toThrow(UnknownNameError);
    expect(settingDefault(SPECS[1], true)).toBe(20);
  });

  it("checks values given from code, naming settings.<name>", () => {
    expect(thrown(() => resolveSettings(STUDY, { quick: false, settings: { tau: 0 } })).message).toBe("settings.tau: expected a number > 0, received 0");
    expect(thrown(() => resolveSettings(STUDY, { quick: false, settings: { N: 2000 } })).message).toBe("settings.N: expected an integer >= 2 and <= 1000, received 2000");
    expect(thrown(() => resolveSettings(STUDY, { quick: false, settings: { ws: [1, 2, 3] } })).message).toMatch(/^settings\.ws: expected a comma-separated list of 2 integers >= 1, received 3 values \[1,2,3\]/);
    expect(thrown(() => resolveSettings(STUDY, { quick: false, settings: { tau: [1] } }))).toBeInstanceOf(DomainError);
    expect(thrown(() => resolveSettings(STUDY, { quick: false, settings: { zeta: 1 } }))).toBeInstanceOf(UnknownNameError);
  });
});

describe("parseSetArguments", () => {
  it("parses numbers strictly and lists on commas", () => {
    expect(parseSetArguments(["tau=2.5e-1", "N=30", "ws=3,5"], STUDY)).toEqual({ tau: 0.25, N: 30, ws: [3, 5] });
    expect(thrown(() => parseSetArguments(["N=3e1x"], STUDY)).message).toBe('--set N: expected an integer >= 2 and <= 1000, received "3e1x"');
    expect(thrown(() => parseSetArguments(["tau="], STUDY)).message).toBe('--set tau: expected a number > 0, received ""');
    expect(thrown(() => parseSetArguments(["=1"], STUDY)).message).toMatch(/^--set: expected name=value/);
  });
});

describe("prepareRun", () => {
  it("returns RunOptions with the settings and data, and checks the layout", () => {
    const data = table(5, 2);
    const opts = prepareRun(STUDY, { quick: true, seed: 4, settings: { tau: 3 }, data });
    expect(opts).toEqual({ quick: true, seed: 4, outDir: ".", iterations: undefined, settings: { tau: 3 }, data });
    expect(thrown(() => prepareRun(STUDY, { data: table(5, 1) }))).toBeInstanceOf(ShapeError);
    expect(thrown(() => prepareRun(STUDY, { data: table(5, 1) })).message).toBe("data: expected 2 columns (x_n), received 1 column");
    expect(thrown(() => prepareRun(STUDY, { data, settings: { N: 5 } })).message).toBe("settings.N: expected no value with data (the data determines N), received 5");
    expect(thrown(() => prepareRun(STUDY, { iterations: 0 })).message).toBe("iterations: expected an integer >= 1, received 0");
    const nan = { rows: 2, cols: 2, values: Float64Array.from([1, 2, NaN, 4]) };
    expect(thrown(() => checkDataLayout(STUDY, nan, "data")).message).toBe("data: expected finite numbers, received NaN at row 2, column 1");
  });

  it("re-labels a model constructor's error with the setting it came from", () => {
    const note2 = getExperiment("note-2");
    expect(thrown(() => prepareRun(note2, { settings: { pi: [0.5, 0.6] } })).message).toMatch(/^settings\.pi: expected weights summing to 1/);
    expect(thrown(() => prepareRun(note2, { settings: { pi: [0.5, 0.5], mu: [1, 2, 3] } })).message).toMatch(/^settings\./);
    expect(thrown(() => prepareRun(note2, { settings: { pi: [0.5, 0.5], mu: [1, 2, 3] } }, "cli")).message).toMatch(/^--set /);
    expect(thrown(() => prepareRun(getExperiment("avi-hmm"), { data: table(5, 1), settings: { windows: [7] } })).message).toMatch(/^settings\.windows: expected windows of at most N = 5 observations \(the series length of data\)/);
  });

  it("runStudy refuses bad settings before running", async () => {
    await expect(runStudy("avi-linear", { settings: { tau: -1 } })).rejects.toThrow(/settings\.tau: expected a number > 0, received -1/);
    await expect(runStudy("mapa-synthetic", { iterations: 10 })).rejects.toThrow(/iterations: expected no --iterations for mapa-synthetic/);
  });
});

describe("study declarations", () => {
  it("every default is valid under its own declaration, and each study's defaults pass prepareRun", async () => {
    const { listExperiments } = await import("../../src/experiments/index.js");
    for (const e of listExperiments()) {
      for (const quick of [false, true]) {
        expect(() => prepareRun(e, { quick }), e.name).not.toThrow();
        const explicit = Object.fromEntries((e.settings ?? []).map((s) => [s.name, settingDefault(s, quick)]));
        expect(() => prepareRun(e, { quick, settings: explicit }), e.name).not.toThrow();
      }
    }
  });
});
