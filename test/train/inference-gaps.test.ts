import { describe, expect, it } from "vitest";
import { autoGuide } from "../../src/infer/families/auto-guide.js";
import { makeFamily } from "../../src/infer/families/family.js";
import { Dataset } from "../../src/infer/families/dataset.js";
import { elbo } from "../../src/infer/objectives/elbo.js";
import { fit } from "../../src/train/fit.js";
import { collapseWarnings, inferenceGaps } from "../../src/train/inference-gaps.js";
import { cosineDecay } from "../../src/optim/schedule.js";
import { sliceCols } from "../../src/autodiff/ops/shape.js";
import { Tensor } from "../../src/core/tensor.js";
import { refine, refineCheckpoints } from "../../src/train/refine.js";
import { defineModel } from "../../src/model/model.js";
import { DiagNormal, Normal } from "../../src/distributions/normal.js";
import { add, mul } from "../../src/autodiff/ops/binary.js";
import { square } from "../../src/autodiff/ops/unary.js";
import { Rng } from "../../src/core/rng.js";
import { grid, simpson } from "../helpers/quadrature.js";

const linear = () =>
  defineModel("linear", (m) => {
    m.plate("data", () => {
      const z = m.sample("z", new Normal(0, 1));
      m.observe("x", new Normal(add(mul(z, 2), 1), 0.5));
    });
  });
// x ~ N(1, 4.25) marginally
const linearLogLik = (d: Dataset) => Float64Array.from(d.values(), (x) => -0.5 * Math.log(2 * Math.PI * 4.25) - ((x - 1) ** 2) / (2 * 4.25));

const squared = () =>
  defineModel("squared", (m) => {
    m.plate("data", () => {
      const z = m.sample("z", new Normal(0, 1));
      m.observe("x", new Normal(square(z), 0.5));
    });
  });
// log p(x) = log int N(z; 0, 1) N(x; z^2, 0.25) dz by Simpson on [-8, 8]
const squaredLogLik = (d: Dataset) =>
  Float64Array.from(d.values(), (x) => {
    const zs = grid(-8, 8, 4000);
    return Math.log(simpson(zs.map((z) => Math.exp(-0.5 * z * z - 0.5 * Math.log(2 * Math.PI) - ((x - z * z) ** 2) / (2 * 0.25) - 0.5 * Math.log(2 * Math.PI * 0.25))), -8, 8));
  });

describe("refine (semi-amortized inference)", () => {
  it("starts at the network's ELBO and climbs to the per-datapoint optimum (the exact log p(x) for a linear-Gaussian model)", () => {
    const model = linear();
    const data = new Dataset(model.sampleJoint(200, new Rng(1)).data.x.toRows());
    const q = autoGuide(model, { seed: 1 });
    fit({ model, guide: q, objective: elbo(), data, iterations: 30, lr: 0.01, rng: 2 }); // deliberately short: an amortization gap remains
    const r = refine({ model, guide: q, data, steps: 1000, lr: 0.02, rng: 3, evalSamples: 100 });
    expect(r.curve.steps).toEqual(refineCheckpoints(1000));
    const exact = linearLogLik(data).reduce((s, v) => s + v, 0) / data.N;
    const first = r.curve.elbo[0];
    const last = r.curve.elbo[r.curve.elbo.length - 1];
    expect(last - first).toBeGreaterThan(0.3);
    expect(Math.abs(last - exact)).toBeLessThan(0.01); // the diagonal Gaussian holds the exact posterior
    expect(r.converged).toBe(true);
    r.guide.dispose();
  });
});

describe("refine's convergence check", () => {
  it("compares the ELBO at steps / 2 with the last one even when no default checkpoint lies in the last half (steps = 50: 25 is added)", () => {
    const model = linear();
    const data = new Dataset(model.sampleJoint(50, new Rng(1)).data.x.toRows());
    const q = autoGuide(model, { seed: 1 }); // untrained: far from each datapoint's optimum
    const r = refine({ model, guide: q, data, steps: 50, lr: 0.005, rng: 3 });
    expect(r.curve.steps).toEqual([0, 1, 2, 5, 10, 20, 25, 50]);
    const at25 = r.curve.elbo[r.curve.steps.indexOf(25)];
    expect(r.lastImprovement).toBeCloseTo(r.curve.elbo.at(-1)! - at25, 12);
    expect(r.lastImprovement).toBeGreaterThan(0.01); // still climbing: before the fix the last point was compared with itself (0, "converged")
    expect(r.converged).toBe(false);
    r.guide.dispose();
  });
});

describe("inferenceGaps", () => {
  it("splits the gap: zero approximation gap and a positive amortization gap for a short-trained network on a linear-Gaussian model", () => {
    const model = linear();
    const data = new Dataset(model.sampleJoint(100, new Rng(5)).data.x.toRows());
    const q = autoGuide(model, { seed: 2 });
    fit({ model, guide: q, objective: elbo(), data, iterations: 30, lr: 0.01, rng: 2 });
    const g = inferenceGaps({ model, guide: q, data, logLikelihood: linearLogLik, steps: 1000, lr: 0.02, rng: 1 });
    expect(g.logLikelihood.method).toBe("exact");
    expect(Math.abs(g.approximationGap.value)).toBeLessThan(3 * g.approximationGap.se + 0.01);
    expect(g.amortizationGap.value).toBeGreaterThan(5 * g.amortizationGap.se);
    expect(g.converged).toBe(true);
    expect(g.warnings, g.warnings.join("; ")).toEqual([]);
    // the importance estimate of log p(x) agrees with the exact one
    const is = inferenceGaps({ model, guide: q, data, logLikelihood: "importance", K: 500, steps: 1000, lr: 0.02, rng: 1 });
    expect(is.logLikelihood.method).toBe("importance");
    expect(Math.abs(is.logLikelihood.value - g.logLikelihood.value)).toBeLessThan(4 * is.logLikelihood.se + 0.005);
    // and so does the default for a model of one real latent: latent-grid quadrature
    const quad = inferenceGaps({ model, guide: q, data, steps: 10, rng: 1 });
    expect(quad.logLikelihood.method).toBe("quadrature");
    expect(Math.abs(quad.logLikelihood.value - g.logLikelihood.value)).toBeLessThan(1e-6);
  });

  it("finds a positive approximation gap where the posterior is bimodal (x = z^2 + noise)", () => {
    const model = squared();
    const data = new Dataset([[1.5], [2], [3], [4]]);
    const q = autoGuide(model, { seed: 3 });
    fit({ model, guide: q, objective: elbo({ samples: 4 }), data, iterations: 500, lr: 0.02, rng: 1 });
    const g = inferenceGaps({ model, guide: q, data, logLikelihood: squaredLogLik, steps: 600, lr: 0.05, rng: 2 });
    // a Gaussian covers one of the two modes: about log 2 = 0.69 nats lost
    expect(g.approximationGap.value).toBeGreaterThan(0.4);
    expect(g.approximationGap.value).toBeLessThan(1);
    expect(g.amortizationGap.value).toBeGreaterThan(-2 * g.amortizationGap.se);
  });

  it("reports an unconverged refinement and a collapsed network", () => {
    const model = linear();
    const data = new Dataset(model.sampleJoint(50, new Rng(7)).data.x.toRows());
    const q = autoGuide(model, { seed: 4 });
    // a network that ignores its input: every weight zero
    for (const store of q.params) for (const name of store.names) if (/weight/.test(name)) store.get(name).set(new Float64Array(store.get(name).size));
    const g = inferenceGaps({ model, guide: q, data, logLikelihood: linearLogLik, steps: 4, lr: 0.05, rng: 1 });
    expect(g.converged).toBe(false);
    expect(g.warnings.join("\n")).toMatch(/still improving/);
    expect(g.warnings.join("\n")).toMatch(/collapsed to the Const solution/);
  });
});

describe("guide health", () => {
  it("counts dead ReLU units and finds a latent the likelihood ignores (posterior collapse)", () => {
    const zeros = Tensor.from([[0, 0]], [1, 2], "persistent");
    // x depends on z_1 only: q(z_2 | x) should learn to be the prior, an inactive unit with KL ~ 0
    const model = defineModel("half", (m) => {
      m.plate("data", () => {
        const z = m.sample("z", new DiagNormal(zeros, zeros));
        m.observe("x", new Normal(mul(sliceCols(z, 0, 1), 2), 0.5));
      });
    });
    const data = new Dataset(model.sampleJoint(300, new Rng(2)).data.x.toRows());
    const q = autoGuide(model, { seed: 1, amortized: { activation: "relu", width: 16 } });
    fit({ model, guide: q, objective: elbo({ samples: 4 }), data, iterations: 1500, lr: 0.01, lrSchedule: cosineDecay(1500, 0.05), rng: 1 });
    const h = q.health(data);
    expect(h.coordinates).toEqual(["z[0]", "z[1]"]);
    expect(h.activity[0]).toBeGreaterThan(0.5);
    expect(h.activity[1]).toBeLessThan(0.01);
    expect(h.klPerUnit![0]).toBeGreaterThan(0.5);
    expect(h.klPerUnit![1]).toBeLessThan(0.02);
    expect(h.activeUnits).toBe(1);
    expect(collapseWarnings(q, data).join("\n")).toMatch(/posterior collapse: z\[1\] is inactive/);
    // kill the first layer: a large negative bias makes every unit 0 for every datapoint
    const store = q.localStore!;
    const bias = store.names.find((n) => /net\.output\.0\.bias/.test(n))!;
    store.get(bias).set(new Float64Array(16).fill(-1e3));
    expect(q.health(data).deadUnits[0]).toBe(16);
    expect(collapseWarnings(q, data).join("\n")).toMatch(/16 of 16 units dead/);
  });
});

describe("collapseWarnings on a makeFamily A-VI guide", () => {
  it("names a network whose output does not depend on its input (the Const solution), and says nothing of a working one", () => {
    const model = linear();
    const data = new Dataset(model.sampleJoint(50, new Rng(3)).data.x.toRows());
    const working = makeFamily(model, data, { kind: "avi" });
    fit({ model, guide: working, objective: elbo(), data, iterations: 200, lr: 0.02, rng: 1 });
    expect(collapseWarnings(working, data)).toEqual([]);
    const collapsed = makeFamily(model, data, { kind: "avi" });
    for (const name of collapsed.localStore.names) if (/weight/.test(name)) collapsed.localStore.get(name).set(new Float64Array(collapsed.localStore.get(name).size));
    expect(collapseWarnings(collapsed, data).join(" ")).toMatch(/collapsed to the Const solution/);
    expect(collapseWarnings(makeFamily(model, data, { kind: "fvi" }), data)).toEqual([]);
  });
});
