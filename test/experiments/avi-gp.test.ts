import { describe, expect, it } from "vitest";
import { DomainError, NonFiniteError, ShapeError } from "../../src/core/errors.js";
import { getExperiment, quietContext } from "../../src/experiments/index.js";
import { checkSettings, windowBound } from "../../src/experiments/avi/impossibility.js";
import { gpSettings } from "../../src/experiments/avi/gp.js";
import { GaussianProcessGrid } from "../../src/models/avi/gp.js";
import { Dataset, makeFamily, windowFeatures } from "../../src/infer/families/index.js";

describe("avi-gp --quick", () => {
  it("equal x_n, different optimal means; constant x, varying means; window A-VI keeps a positive gap", async () => {
    const r = await getExperiment("avi-gp").run({ quick: true, seed: 0, outDir: "." }, quietContext());
    const d = r.data as Record<string, any>;
    expect(Math.abs(d.equalInputs.meanI - d.equalInputs.meanJ)).toBeGreaterThan(0.01);
    expect(d.constantSeries.spread).toBeGreaterThan(0.1);
    for (const b of d.windowBounds) expect(b.minGap).toBeGreaterThan(0);
    for (const g of Object.values(d.gapsVsOptimum) as number[]) expect(g).toBeGreaterThan(0);
    // the width-1 family (x_n alone) stays clearly above F-VI trained just as long
    expect(d.gapsVsTrainedFvi["A-VI w=1"]).toBeGreaterThan(1);
    expect(r.figures?.map((f) => f.name)).toEqual(["means-equal-inputs", "means-vs-x", "neg-elbo", "gap-vs-window"]);
  });

  it("rejects a window wider than the series, even widths, NaN data and a mismatched series length", () => {
    const { settings } = gpSettings({ quick: true });
    expect(() => checkSettings({ ...settings, windows: [31] }, 30)).toThrow(DomainError);
    expect(() => checkSettings({ ...settings, windows: [2] }, 40)).toThrow(DomainError);
    const model = new GaussianProcessGrid({ N: 30 });
    expect(() => windowBound(model.posterior(new Array(30).fill(0)), 31)).toThrow(DomainError);
    expect(() => model.posterior([...new Array(29).fill(0), NaN])).toThrow(NonFiniteError);
    expect(() => model.posterior(new Array(29).fill(0))).toThrow(ShapeError);
    expect(() => new Dataset([1, 2, NaN])).toThrow(NonFiniteError);
    const data = new Dataset(new Array(5).fill(0));
    expect(() => makeFamily(new GaussianProcessGrid({ N: 5 }), data, { kind: "avi", features: windowFeatures({ before: 3, after: 3 }) })).toThrow(DomainError);
  });
});
