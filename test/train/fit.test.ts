import { describe, it, expect } from "vitest";
import { Tensor, Rng, Normal, shift, scale, defineModel, Dataset, makeFamily, fit, elbo, forwardKL, DomainError, TrainingDivergedError, log } from "../../src/index.js";
import type { Objective } from "../../src/index.js";

const model = defineModel("linear", (m) => {
  m.plate("data", () => {
    const z = m.sample("z", new Normal(0, 1));
    m.observe("x", new Normal(shift(scale(z, 2), 1), 0.5));
  });
});
const data = new Dataset([-1, 0, 0.5, 2, 3, 4]);

describe("fit: the one training loop", () => {
  it("same seed, same losses; minibatches of B rows with N / B scaling", () => {
    const run = () => fit({ model, guide: makeFamily(model, data, { kind: "fvi" }), objective: elbo(), data, iterations: 50, batchSize: 3, lr: 0.05, rng: 4 }).losses;
    const a = run();
    expect(Array.from(run())).toEqual(Array.from(a));
    expect(a).toHaveLength(50);
  });

  it("detects a NaN loss at its step (finite gradients), keeps the last good parameters, reports", () => {
    const q = makeFamily(model, data, { kind: "fvi" });
    const before: number[] = [];
    let calls = 0;
    const poisoned: Objective = {
      name: "poisoned",
      loss(ctx) {
        calls++;
        const l = elbo().loss(ctx);
        return calls === 7 ? log(scale(l, 0)) : l; // log 0 = -inf at step 7, gradient NaN-free on the tape until then
      },
    };
    const result = fit({
      model, guide: q, objective: poisoned, data, iterations: 20, lr: 0.05,
      callbacks: [{ onStep: ({ step }) => { if (step === 6) before.push(...q.localStore.get("mean").toArray()); } }],
    });
    expect(result.diverged?.step).toBe(7);
    expect(result.steps).toBe(6);
    expect(q.localStore.get("mean").toArray()).toEqual(before);
    expect(() => fit({ model, guide: makeFamily(model, data, { kind: "fvi" }), objective: { name: "nan", loss: (ctx) => log(scale(elbo().loss(ctx), 0)) }, data, iterations: 3, onDivergence: "throw" })).toThrow(TrainingDivergedError);
  });

  it("a callback stops early; progress is ticked to the total", () => {
    let ticked = 0;
    const r = fit({
      model, guide: makeFamily(model, data, { kind: "fvi" }), objective: elbo(), data, iterations: 500,
      callbacks: [{ onStep: ({ step }) => (step === 30 ? "enough" : undefined) }],
    });
    expect(r.stoppedBy).toBe("enough");
    expect(r.steps).toBe(30);
    fit({ model, guide: makeFamily(model, data, { kind: "fvi" }), objective: elbo(), data, iterations: 250, progress: { start: () => {}, tick: (n) => void (ticked += n), stop: () => {} } });
    expect(ticked).toBe(250);
  });

  it("on simulations (no data): pq lowers the forward-KL loss", () => {
    const r = fit({ model, guide: makeFamily(model, null, { kind: "avi" }), objective: forwardKL(), batchSize: 128, iterations: 600, lr: 0.01, rng: 1 });
    const head = r.losses.subarray(0, 50).reduce((a, b) => a + b, 0) / 50;
    const tail = r.losses.subarray(550).reduce((a, b) => a + b, 0) / 50;
    expect(tail).toBeLessThan(head - 0.3);
    expect(r.datapointGradients).toBe(600 * 128);
  });

  it("bad input is a typed error naming the option", () => {
    const q = makeFamily(model, data, { kind: "fvi" });
    expect(() => fit({ model, guide: q, objective: elbo(), data, iterations: 0 })).toThrow(/iterations/);
    expect(() => fit({ model, guide: q, objective: elbo(), iterations: 5 })).toThrow(/batchSize/);
    expect(() => fit({ model, guide: q, objective: {} as Objective, data, iterations: 5 })).toThrow(/objective/);
    expect(() => fit({ model, guide: q, objective: elbo(), data: new Dataset([1, 2]), iterations: 5 })).toThrow(DomainError);
    expect(() => fit({ model, guide: q, objective: elbo(), data, iterations: 5, lr: -1 })).toThrow(/lr/);
    void Tensor; void Rng;
  });
});
