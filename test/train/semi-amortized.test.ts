import { describe, expect, it } from "vitest";
import { autoGuide } from "../../src/infer/families/auto-guide.js";
import { Dataset } from "../../src/infer/families/dataset.js";
import { customFeatures } from "../../src/infer/families/features.js";
import { elbo } from "../../src/infer/objectives/elbo.js";
import { fit } from "../../src/train/fit.js";
import { semiAmortized } from "../../src/train/schedules/semi-amortized.js";
import { defineModel } from "../../src/model/model.js";
import { Normal } from "../../src/distributions/normal.js";
import { mul } from "../../src/autodiff/ops/binary.js";
import { Rng } from "../../src/core/rng.js";
import { iaf } from "../../src/infer/families/flows/maf.js";
import { AutoGuide } from "../../src/infer/families/auto-guide.js";
import { guideOnly } from "../../src/train/schedules/joint.js";
import type { Objective } from "../../src/infer/objectives/objective.js";

/** z ~ N(0, 1), x ~ N(w z, 0.5^2) with w learned: the MLE has w^2 = var(x) - 0.25. */
const scaled = () =>
  defineModel("scaled", (m) => {
    const w = m.param("w", 0.5);
    m.plate("data", () => {
      const z = m.sample("z", new Normal(0, 1));
      m.observe("x", new Normal(mul(z, w), 0.5));
    });
  });

describe("semiAmortized schedule", () => {
  it("lets the model learn through a network that cannot see its input: w near the MLE, where joint training collapses to w ~ 0", () => {
    const truth = defineModel("truth", (m) => m.plate("data", () => m.observe("x", new Normal(mul(m.sample("z", new Normal(0, 1)), 1.5), 0.5))));
    const rows = truth.sampleJoint(400, new Rng(1)).data.x.toRows();
    const data = new Dataset(rows);
    const variance = rows.reduce((s, r) => s + r[0] * r[0], 0) / rows.length;
    const wMle = Math.sqrt(variance - 0.25);
    const blind = customFeatures("constant", 1, () => [0]); // the network's input carries nothing about x
    const result: Record<string, number> = {};
    for (const mode of ["joint", "semi"] as const) {
      const model = scaled();
      const q = autoGuide(model, { data, amortized: { features: blind, width: 8 }, seed: 1 });
      const r = fit({ model, guide: q, data, objective: elbo({ samples: 2 }), batchSize: 100, iterations: 600, lr: 0.02, rng: 2, ...(mode === "semi" ? { schedule: semiAmortized({ steps: 20, lr: 0.08 }) } : {}) });
      if (mode === "semi") expect(r.schedule.innerSteps.every((k) => k === 20)).toBe(true);
      result[mode] = Math.abs(model.params()[0].get("w").item());
    }
    expect(result.joint).toBeLessThan(0.3 * wMle);
    expect(result.semi).toBeGreaterThan(0.8 * wMle);
    expect(result.semi).toBeLessThan(1.1 * wMle);
  });

  it("starts every batch's refined flow at the amortized guide's flow (its conditioners), not at a flow of its own", () => {
    const model = scaled();
    const data = new Dataset(Array.from({ length: 40 }, (_, i) => [Math.sin(i)]));
    const q = autoGuide(model, { data, amortized: { width: 4 }, family: iaf({ layers: 1, hidden: [4], embedding: 0 }), seed: 1 });
    fit({ model, guide: q, data, objective: elbo(), iterations: 30, lr: 0.05, rng: 1, schedule: guideOnly() }); // the flow's MADE leaves its zero start
    const amortizedFlow = q.localStore!.names.filter((n) => n.startsWith("density."));
    expect(amortizedFlow.length).toBeGreaterThan(0);
    const trained = Object.fromEntries(amortizedFlow.map((n) => [n, q.localStore!.get(n).toArray()]));
    expect(Object.values(trained).some((v) => v.some((x) => x !== 0))).toBe(true);
    // spy on the guides the objective is evaluated with: the first call of a batch is the refined guide before any inner step
    const seen: number[][][] = [];
    const base = elbo();
    const spy: Objective = {
      name: "spy",
      loss(c) {
        const g = c.guide;
        if (g !== q && g instanceof AutoGuide && seen.length === 0) seen.push(amortizedFlow.map((n) => g.localStore!.get(n).toArray()));
        return base.loss(c);
      },
    };
    fit({ model, guide: q, data, objective: spy, iterations: 1, batchSize: 10, lr: 1e-9, rng: 2, schedule: semiAmortized({ steps: 2, lr: 0.01 }) });
    expect(seen).toHaveLength(1);
    amortizedFlow.forEach((n, i) => expect(Array.from(seen[0][i])).toEqual(Array.from(trained[n])));
  });

  it("refuses a guide that is not an amortized AutoGuide, naming it", () => {
    const model = scaled();
    const data = new Dataset([[1], [2]]);
    const q = autoGuide(model, { data, amortized: false });
    expect(() => fit({ model, guide: q, data, objective: elbo(), iterations: 1, schedule: semiAmortized() })).toThrow(/guide.*amortized AutoGuide/);
  });
});
