import { afterEach, describe, expect, it } from "vitest";
import { AmortviError, UnknownNameError } from "../../src/core/errors.js";
import {
  experimentNames,
  getExperiment,
  listExperiments,
  quietContext,
  registerExperiment,
  unregisterExperiment,
} from "../../src/experiments/registry.js";
import type { Experiment } from "../../src/experiments/types.js";

const made: string[] = [];
function experiment(name: string): Experiment {
  made.push(name);
  return { name, title: `title of ${name}`, description: "", run: async (opts) => ({ headline: { seed: opts.seed } }) };
}
afterEach(() => made.splice(0).forEach(unregisterExperiment));

describe("experiment registry", () => {
  it("finds registered experiments by name and lists them in registration order", async () => {
    registerExperiment(experiment("reg-b"));
    registerExperiment(experiment("reg-a"));
    expect(getExperiment("reg-a").title).toBe("title of reg-a");
    expect(getExperiment("REG-A").title).toBe("title of reg-a"); // names are matched case-insensitively (avi-width-vs-N)
    const names = experimentNames();
    expect(names.indexOf("reg-b")).toBeLessThan(names.indexOf("reg-a"));
    expect(listExperiments().map((e) => e.name)).toEqual(names);
    const result = await getExperiment("reg-b").run({ quick: true, seed: 4, outDir: "." }, quietContext());
    expect(result.headline).toEqual({ seed: 4 });
  });

  it("throws UnknownNameError naming 'experiment', the received name and the valid ones", () => {
    registerExperiment(experiment("reg-x"));
    let error: unknown;
    try {
      getExperiment("reg-y");
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UnknownNameError);
    const err = error as UnknownNameError;
    expect(err.argument).toBe("experiment");
    expect(err.received).toBe('"reg-y"');
    expect(err.message).toContain("reg-x");
  });

  it("rejects duplicate and malformed names", () => {
    registerExperiment(experiment("reg-dup"));
    expect(() => registerExperiment(experiment("reg-dup"))).toThrow(/not registered yet/);
    expect(() => registerExperiment(experiment("Bad Name"))).toThrow(AmortviError);
    expect(() => registerExperiment(experiment("note-"))).toThrow(/lower-case/);
  });

  it("unregisters", () => {
    registerExperiment(experiment("reg-gone"));
    expect(unregisterExperiment("reg-gone")).toBe(true);
    expect(() => getExperiment("reg-gone")).toThrow(UnknownNameError);
    expect(unregisterExperiment("reg-gone")).toBe(false);
  });

  it("quietContext forwards log lines only to the given function", () => {
    const lines: string[] = [];
    const ctx = quietContext((m) => lines.push(m));
    ctx.progress.start(3, "x");
    ctx.progress.tick(3, { loss: 1 });
    ctx.progress.stop();
    ctx.log("hi");
    expect(lines).toEqual(["hi"]);
  });
});
