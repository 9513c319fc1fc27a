import { describe, it, expect } from "vitest";
import { Tensor, Rng, Normal, shift, scale, defineModel, Dataset, makeFamily, fit, elbo, forwardKL, DomainError, TrainingDivergedError, log } from "../../src/index.js";
import type { FitResult, FitStepInfo, Objective } from "../../src/index.js";
import { Adam } from "../../src/optim/adam.js";
import { fitSteps } from "../../src/train/fit.js";
import { curveData, fitVae, smallVae } from "./helpers.js";

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
      model, guide: q, objective: poisoned, data, iterations: 20, lr: 0.05, onDivergence: "stop",
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

  it("fitSteps: one step per next(), the numbers of fit() even with work between steps; next(reason) stops before the next step", () => {
    const options = () => ({ model, guide: makeFamily(model, data, { kind: "fvi" }), objective: elbo(), data, iterations: 40, batchSize: 3, lr: 0.05, rng: 7 });
    const reference = fit(options());
    const o = options();
    const run = fitSteps(o);
    const seen: number[] = [];
    let next = run.next();
    while (!next.done) {
      seen.push(next.value.step);
      // unrelated draws and tensors between steps (a worker's snapshots) must not change the run
      new Rng(99).normal([5, 5]).toArray();
      next = run.next();
    }
    expect(seen).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    expect(Array.from(next.value.losses)).toEqual(Array.from(reference.losses));
    const stopped = fitSteps(options());
    for (let i = 0; i < 12; i++) stopped.next();
    const end = stopped.next("paused by the user");
    expect(end.done).toBe(true);
    const result = end.value as FitResult;
    expect(result.steps).toBe(12);
    expect(result.stoppedBy).toBe("paused by the user");
    expect(Array.from(result.losses)).toEqual(Array.from(reference.losses.subarray(0, 12)));
    expect(() => fitSteps({ ...options(), iterations: 0 }).next()).toThrow(/iterations/);
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

describe("fit: epochs, parameter groups, held-out data", () => {
  const vaeData = curveData(200, 1);

  it("epochs of shuffled minibatches: floor(N / B) steps each, onEpoch after each, iterations cap the run", () => {
    const ends: number[] = [];
    const r = fitVae(smallVae(1, 8), vaeData, { epochs: 3, batchSize: 30, rng: 1, callbacks: [{ onEpoch: (i) => void ends.push(i.step) }] });
    expect(r.steps).toBe(18);
    expect(r.epochs).toBe(3);
    expect(ends).toEqual([6, 12, 18]);
    const capped = fitVae(smallVae(1, 8), vaeData, { epochs: 3, iterations: 8, batchSize: 30, rng: 1 });
    expect(capped.steps).toBe(8);
    expect(capped.epochs).toBe(1);
    expect(Array.from(capped.losses)).toEqual(Array.from(r.losses.subarray(0, 8)));
    // every epoch visits distinct rows: the batches of one epoch are disjoint
    const seen: number[][] = [];
    fit({ model, guide: makeFamily(model, data, { kind: "fvi" }), objective: { name: "rows", loss: (ctx) => (seen.push(Array.from(ctx.batch().index!)), elbo().loss(ctx)) }, data, epochs: 2, batchSize: 3, rng: 2 });
    expect(seen).toHaveLength(4);
    expect([...seen[0], ...seen[1]].sort()).toEqual([0, 1, 2, 3, 4, 5]);
    expect([...seen[2], ...seen[3]].sort()).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it("guide and model have their own optimizers (and learning rates); both are seen by callbacks", () => {
    const made: string[] = [];
    let info: FitStepInfo | null = null;
    const v = smallVae(1, 8);
    fitVae(v, vaeData, {
      iterations: 3, batchSize: 50, lr: 1e-3, modelLr: 5e-3, rng: 1,
      optimizer: (stores, group) => (made.push(`${group} ${stores.length}`), new Adam(stores, { lr: group === "model" ? 5e-3 : 1e-3 })),
      callbacks: [{ onStep: (i) => void (info = i) }],
    });
    expect(made).toEqual(["guide 1", "model 1"]);
    const seen = info as unknown as FitStepInfo;
    expect(seen.stores.guide).toEqual([v.encoderParams]);
    expect(seen.stores.model).toEqual([v.decoderParams]);
    expect(seen.optimizers.model!.baseLr).toBe(5e-3);
    expect(seen.optimizers.guide!.stepCount).toBe(3);
    // modelLr alone changes only the model's updates
    const a = smallVae(2, 8);
    const b = smallVae(2, 8);
    fitVae(a, vaeData, { iterations: 5, batchSize: 50, rng: 3 });
    fitVae(b, vaeData, { iterations: 5, batchSize: 50, rng: 3, modelLr: 1e-2 });
    expect(b.encoderParams.values.toArray()).not.toEqual(a.encoderParams.values.toArray());
    expect(b.decoderParams.values.toArray()).not.toEqual(a.decoderParams.values.toArray());
  });

  it("bad input: epochs without data, held-out data of the wrong width, a bad schedule or generator", () => {
    const q = makeFamily(model, null, { kind: "avi" });
    expect(() => fit({ model, guide: q, objective: elbo(), epochs: 2, batchSize: 4 })).toThrow(/epochs/);
    expect(() => fitVae(smallVae(1, 4), vaeData, { epochs: 1, heldOut: new Dataset([1, 2, 3]) })).toThrow(/heldOut/);
    expect(() => fitVae(smallVae(1, 4), vaeData, { epochs: 1, schedule: {} as never })).toThrow(/schedule/);
    expect(() => fitVae(smallVae(1, 4), vaeData, { epochs: 1, batchRng: 3 as never })).toThrow(/batchRng/);
    expect(() => fitVae(smallVae(1, 4), vaeData, { epochs: 1, modelLr: 0 })).toThrow(/modelLr/);
  });
});

describe("misspelled options are typed errors, not silently ignored", () => {
  it("fit, makeFamily, mlpNet and the objectives name the unknown key", async () => {
    const { mlpNet, iwaeBound, renyiBound, reweightedWakeSleep, UnknownNameError } = await import("../../src/index.js");
    const q = makeFamily(model, data, { kind: "fvi" });
    expect(() => fit({ model, guide: q, objective: elbo(), data, iterations: 5, learningRate: 0.1 } as never)).toThrow(UnknownNameError);
    expect(() => fit({ model, guide: q, objective: elbo(), data, iterations: 5, learningRate: 0.1 } as never)).toThrow(/options\.learningRate/);
    expect(() => makeFamily(model, data, { kind: "fvi", widht: 3 } as never)).toThrow(/options\.widht/);
    expect(() => mlpNet({ width: 3, activaton: "tanh" } as never)).toThrow(/options\.activaton/);
    expect(() => elbo({ sample: 8 } as never)).toThrow(/options\.sample/);
    expect(() => iwaeBound({ K: 8 } as never)).toThrow(/options\.K/);
    expect(() => renyiBound({ alpha: 0.5, k: 2 } as never)).toThrow(/options\.k/);
    expect(() => reweightedWakeSleep({ alpha: 0.5, particle: 2 } as never)).toThrow(/options\.particle/);
  });
});
