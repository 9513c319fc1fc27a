import { describe, it, expect } from "vitest";
import { Adam, AdamW, Linear, ParamSpecs, Rng, SGD, TrainingDivergedError } from "../../src/index.js";
import { fakeGrad, makeStore } from "./fixtures.js";

describe("Optimizer.step on a non-finite gradient", () => {
  it.each([
    ["Adam", (s: ReturnType<typeof makeStore>) => new Adam(s)],
    ["AdamW", (s: ReturnType<typeof makeStore>) => new AdamW(s)],
    ["SGD", (s: ReturnType<typeof makeStore>) => new SGD(s, { momentum: 0.9 })],
  ])("%s throws TrainingDivergedError naming the step and leaves parameters and state untouched", (_, make) => {
    const store = makeStore(13);
    const opt = make(store);
    store.grads.set(fakeGrad(13, 0));
    opt.step();
    const before = store.values.toArray();
    const stateBefore = JSON.stringify(opt.toJSON());
    const g = fakeGrad(13, 1);
    g[8] = NaN; // parameter "b", index 2
    store.grads.set(g);
    let err: unknown;
    try {
      opt.step();
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(TrainingDivergedError);
    expect((err as TrainingDivergedError).step).toBe(2);
    expect((err as Error).message).toMatch(/gradient of b\[2\]: expected a finite value, received NaN/);
    expect(store.values.toArray()).toEqual(before);
    expect(JSON.stringify(opt.toJSON())).toBe(stateBefore);
    expect(opt.stepCount).toBe(1);
    // the bad gradient is discarded: the next finite step proceeds
    expect(store.grads.toArray()).toEqual(new Array(13).fill(0));
    store.grads.set(fakeGrad(13, 2));
    opt.step();
    expect(opt.stepCount).toBe(2);
  });

  it("checks every store before updating any", () => {
    const a = makeStore(7);
    const b = makeStore(9);
    const opt = new Adam([a, b]);
    const aBefore = a.values.toArray();
    a.grads.set(fakeGrad(7, 0));
    const gb = fakeGrad(9, 0);
    gb[0] = Infinity;
    b.grads.set(gb);
    expect(() => opt.step()).toThrow(/gradient of a\[0\]: expected a finite value, received Infinity/);
    expect(a.values.toArray()).toEqual(aBefore);
  });
});

describe("Optimizer over modules", () => {
  it("updates modules sharing one store with one kernel call (store deduplicated)", () => {
    const specs = new ParamSpecs();
    const l1 = new Linear(3, 2, { specs: specs.scope("enc") });
    const l2 = new Linear(2, 1, { specs: specs.scope("dec") });
    specs.build(new Rng(3));
    const opt = new SGD([l1, l2], { lr: 0.1 });
    expect(opt.stores).toHaveLength(1);
    const p0 = l1.params.values.toArray();
    l1.params.grads.set(new Array(l1.params.size).fill(1));
    opt.step();
    // a double update would move by 0.2
    l1.params.values.toArray().forEach((p, i) => expect(p).toBeCloseTo(p0[i] - 0.1, 14));
  });

  it("toJSON / loadJSON restore the optimizer state (same trajectory afterwards)", () => {
    const a = makeStore(9);
    const b = makeStore(9);
    const optA = new Adam(a, { lr: 0.1 });
    for (let t = 0; t < 3; t++) {
      a.grads.set(fakeGrad(9, t));
      optA.step();
    }
    b.copyFrom(a);
    const optB = new Adam(b, { lr: 0.1 });
    optB.loadJSON(JSON.parse(JSON.stringify(optA.toJSON())));
    a.grads.set(fakeGrad(9, 3));
    b.grads.set(fakeGrad(9, 3));
    optA.step();
    optB.step();
    expect(b.values.toArray()).toEqual(a.values.toArray());
    expect(() => new Adam(makeStore(8)).loadJSON(optA.toJSON())).toThrow(/json/);
  });
});

describe("Optimizer state (checkpoints) and snapshots (divergence)", () => {
  const run = (opt: Adam | SGD, store: ReturnType<typeof makeStore>, from: number, to: number) => {
    for (let t = from; t < to; t++) {
      store.grads.set(fakeGrad(13, t));
      opt.step();
    }
  };
  it.each([
    ["Adam", (s: ReturnType<typeof makeStore>) => new Adam(s, { lr: 0.05 })],
    ["SGD", (s: ReturnType<typeof makeStore>) => new SGD(s, { lr: 0.05, momentum: 0.9 })],
  ])("%s: getState / setState continues bit for bit; snapshot / restore undoes steps", (_, make) => {
    const a = makeStore(13);
    const optA = make(a);
    run(optA, a, 0, 3);
    const state = optA.getState();
    const values = a.readValues();
    expect(state.stepCount).toBe(3);
    expect(state.kind).toBe(optA.kind);
    run(optA, a, 3, 6);
    const b = makeStore(13, 9);
    const optB = make(b);
    b.writeValues(values);
    optB.setState(state);
    run(optB, b, 3, 6);
    expect(Array.from(b.readValues())).toEqual(Array.from(a.readValues()));
    // snapshot / restore: moments and step count back, the learning-rate scale kept
    optB.snapshot();
    b.snapshot();
    const kept = optB.getState();
    optB.lrScale = 0.5;
    run(optB, b, 6, 8);
    optB.restore();
    b.restore();
    expect(optB.getState()).toEqual({ ...kept, lrScale: 0.5 });
    optA.dispose();
    optB.dispose();
  });

  it("setState / loadJSON refuse another kind, other sizes or non-finite moments, before writing anything", () => {
    const s = makeStore(13);
    const adam = new Adam(s);
    s.grads.set(fakeGrad(13, 0));
    adam.step();
    const good = adam.getState();
    const other = new Adam(makeStore(13));
    const before = other.getState();
    expect(() => other.setState({ ...good, kind: "SGD" })).toThrow(/state\.kind: expected the state of a Adam optimizer, received "SGD"/);
    expect(() => other.setState({ ...good, buffers: [good.buffers[0].slice(0, 1)] })).toThrow(/state\.buffers/);
    const nan = good.buffers.map((bufs) => bufs.map((b) => b.slice()));
    nan[0][1][4] = NaN;
    expect(() => other.setState({ ...good, buffers: nan })).toThrow(/state\.buffers\[0\]\[1\]: expected finite numbers, received NaN at index 4/);
    expect(() => other.setState({ ...good, lrScale: 0 })).toThrow(/lrScale/);
    const json = adam.toJSON();
    json.state[0][0][2] = NaN;
    expect(() => other.loadJSON(json)).toThrow(/json\.buffers\[0\]\[0\]: expected finite numbers, received NaN at index 2/);
    expect(other.getState()).toEqual(before);
  });
});
