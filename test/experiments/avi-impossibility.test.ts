import { describe, expect, it } from "vitest";
import { DomainError, NonFiniteError, ShapeError } from "../../src/core/errors.js";
import { getExperiment, quietContext } from "../../src/experiments/index.js";
import { checkSettings, windowBound } from "../../src/experiments/avi/impossibility.js";
import { gpSettings } from "../../src/experiments/avi/gp.js";
import { hmmSettings } from "../../src/experiments/avi/hmm.js";
import { exactGaussianProcess } from "../../src/experiments/avi/models/gaussian-process.js";
import { exactGaussianHmm } from "../../src/experiments/avi/models/gaussian-hmm.js";
import { Dataset, makeFamily, windowFeatures } from "../../src/infer/families/index.js";

// The two "amortization is impossible" studies share their experiment code
// (src/experiments/avi/impossibility.ts) and so their checks: a GP on a grid
// and a Gaussian HMM, each with its own series length N.
const STUDIES = [
  { name: "avi-gp", settings: gpSettings, model: (N: number) => exactGaussianProcess({ N }), N: 30 },
  { name: "avi-hmm", settings: hmmSettings, model: (N: number) => exactGaussianHmm({ N }), N: 40 },
];

describe.each(STUDIES)("$name --quick", ({ name, settings: settingsOf, model: modelOf, N }) => {
  it("equal x_n, different optimal means; constant x, varying means; window A-VI keeps a positive gap", async () => {
    const r = await getExperiment(name).run({ quick: true, seed: 0, outDir: "." }, quietContext());
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
    const { settings } = settingsOf({ quick: true });
    expect(() => checkSettings({ ...settings, windows: [N + 1] }, N)).toThrow(DomainError);
    expect(() => checkSettings({ ...settings, windows: [2] }, 40)).toThrow(DomainError);
    const model = modelOf(N);
    expect(() => windowBound(model.posterior(new Array(N).fill(0)), N + 1)).toThrow(DomainError);
    expect(() => model.posterior([...new Array(N - 1).fill(0), NaN])).toThrow(NonFiniteError);
    expect(() => model.posterior(new Array(N - 1).fill(0))).toThrow(ShapeError);
    expect(() => new Dataset([1, 2, NaN])).toThrow(NonFiniteError);
    const data = new Dataset(new Array(5).fill(0));
    expect(() => makeFamily(modelOf(5).model, data, { kind: "avi", features: windowFeatures({ before: 3, after: 3 }) })).toThrow(DomainError);
  });
});
