import { describe, expect, it } from "vitest";
import { makeFamily } from "../../src/infer/families/family.js";
import { Dataset } from "../../src/infer/families/dataset.js";
import { elbo } from "../../src/infer/objectives/elbo.js";
import { fit } from "../../src/train/fit.js";
import { ConvergenceMonitor } from "../../src/train/convergence.js";
import { amortizationGap, evaluateNegElbo } from "../../src/diagnostics/amortization.js";
import { defineModel } from "../../src/model/model.js";
import { Normal } from "../../src/distributions/normal.js";
import { add, mul } from "../../src/autodiff/ops/binary.js";
import { Rng } from "../../src/core/rng.js";

// the new-user trial: z_n ~ N(0, 1), x_n ~ N(2 z_n + 1, 0.5^2), N = 500, minibatch 100, Adam at the default rate
const model = defineModel("linear", (m) => {
  m.plate("data", () => {
    const z = m.sample("z", new Normal(0, 1));
    m.observe("x", new Normal(add(mul(z, 2), 1), 0.5));
  });
});
const data = new Dataset(model.sampleJoint(500, new Rng(1)).data.x.toRows());
// exact -ELBO at the optimum (q = posterior): -log p(x) summed, x ~ N(1, 4.25)
const exact = data.values().reduce((s, x) => s + 0.5 * Math.log(2 * Math.PI * 4.25) + ((x - 1) ** 2) / (2 * 4.25), 0);

describe("fit until converged (no iteration budget)", () => {
  it("brings F-VI and A-VI to the optimum, so the amortization gap is >= 0 within its error and nothing is flagged", () => {
    const evals = (["fvi", "avi"] as const).map((kind) => {
      const q = makeFamily(model, data, { kind });
      const r = fit({ model, guide: q, objective: elbo(), data, batchSize: 100 });
      expect(r.converged, kind).toBe(true);
      expect(r.stoppedBy).toMatch(/converged at step/);
      const e = evaluateNegElbo(model, q, data, new Rng(5), 200);
      expect(e.total - exact, kind).toBeLessThan(3); // within 3 nats of the exact optimum (0.006 per datapoint)
      return e;
    });
    const gap = amortizationGap(evals[1], evals[0]);
    expect(gap.total).toBeGreaterThan(-2 * gap.se);
    expect(gap.warnings).toEqual([]);
  });

  it("an F-VI fit stopped early gives a negative gap, reported as unconverged", () => {
    const fvi = makeFamily(model, data, { kind: "fvi" });
    fit({ model, guide: fvi, objective: elbo(), data, batchSize: 100, iterations: 2000 });
    const avi = makeFamily(model, data, { kind: "avi" });
    fit({ model, guide: avi, objective: elbo(), data, batchSize: 100 });
    const gap = amortizationGap(evaluateNegElbo(model, avi, data, new Rng(5), 100), evaluateNegElbo(model, fvi, data, new Rng(6), 100));
    expect(gap.total).toBeLessThan(-2 * gap.se);
    expect(gap.warnings.join(" ")).toMatch(/has not converged/);
  });
});

describe("ConvergenceMonitor", () => {
  it("halves at each plateau of a noisy loss and stops after `patience` halvings; never on a steadily falling loss", () => {
    const m = new ConvergenceMonitor({ window: 50, patience: 2, lag: 2 }, Infinity);
    const rng = new Rng(2);
    const noise = rng.normal([2000]).toArray();
    const events: string[] = [];
    for (let t = 0; t < 2000; t++) {
      const e = m.push(1 + 0.01 * noise[t]);
      if (e !== "none") events.push(`${t}:${e}`);
      if (e === "stop") break;
    }
    expect(events.map((e) => e.split(":")[1])).toEqual(["halve", "halve", "stop"]);
    expect(m.factor).toBe(0.25);
    const falling = new ConvergenceMonitor({ window: 50 }, Infinity);
    for (let t = 0; t < 5000; t++) expect(falling.push(1000 - t + 0.01 * noise[t % 2000])).toBe("none");
  });

  it("names bad options", () => {
    expect(() => new ConvergenceMonitor({ window: 1 }, Infinity)).toThrow(/convergence.window/);
    expect(() => new ConvergenceMonitor({ patinece: 1 } as never, Infinity)).toThrow(/patinece/);
    expect(() => fit({ model, guide: makeFamily(model, data, { kind: "const" }), objective: elbo(), data, convergence: { tolerance: -1 } })).toThrow(/convergence.tolerance/);
  });
});

describe("fit until converged, resumed", () => {
  it("continues a checkpointed run bit for bit, the convergence rule's state included", async () => {
    const { encodeCheckpoint } = await import("../../src/train/checkpoint.js");
    const run = (resume?: Uint8Array, keep?: (bytes: Uint8Array) => void) => {
      const q = makeFamily(model, data, { kind: "avi", seed: 3 });
      const r = fit({
        model, guide: q, objective: elbo(), data, batchSize: 100, rng: 4, convergence: { window: 50, patience: 1, maxIterations: 3000 },
        ...(resume ? { resume } : {}),
        callbacks: keep ? [{ afterStep: (info) => void (info.step === 700 && keep(encodeCheckpoint(info.checkpoint()))) }] : [{ afterStep: () => undefined }],
      });
      return { r, values: q.localStore.readValues() };
    };
    let saved: Uint8Array | null = null;
    const whole = run(undefined, (b) => (saved = b));
    expect(whole.r.converged).toBe(true);
    expect(whole.r.steps).toBeGreaterThan(700);
    const resumed = run(saved!);
    expect(resumed.r.steps).toBe(whole.r.steps);
    expect(Array.from(resumed.values)).toEqual(Array.from(whole.values));
  });
});
