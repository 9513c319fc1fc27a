import { describe, it, expect } from "vitest";
import { Adam, DomainError, constantLr, cosineDecay, exponentialDecay, linearWarmup, stepDecay } from "../../src/index.js";
import { makeStore } from "./fixtures.js";

describe("learning-rate schedules", () => {
  it("constantLr is 1", () => {
    expect([0, 1, 1000].map(constantLr())).toEqual([1, 1, 1]);
  });
  it("stepDecay multiplies by gamma every stepSize updates", () => {
    const s = stepDecay(3, 0.5);
    expect([0, 1, 2, 3, 5, 6, 9].map(s)).toEqual([1, 1, 1, 0.5, 0.5, 0.25, 0.125]);
  });
  it("exponentialDecay is gamma^(t / decaySteps)", () => {
    expect(exponentialDecay(0.9)(3)).toBeCloseTo(0.729, 15);
    expect(exponentialDecay(0.5, 10)(5)).toBeCloseTo(Math.SQRT1_2, 15);
    expect(exponentialDecay(0.5, 10)(0)).toBe(1);
  });
  it("cosineDecay goes from 1 to minFactor over totalSteps and stays there", () => {
    const s = cosineDecay(100, 0.1);
    expect(s(0)).toBe(1);
    expect(s(50)).toBeCloseTo(0.55, 14);
    expect(s(100)).toBeCloseTo(0.1, 14);
    expect(s(250)).toBeCloseTo(0.1, 14);
    expect(cosineDecay(4)(1)).toBeCloseTo((1 + Math.SQRT1_2) / 2, 14);
  });
  it("linearWarmup ramps to 1 over W updates, then hands over to the next schedule (shifted)", () => {
    const s = linearWarmup(4, stepDecay(2, 0.1));
    expect([0, 1, 2, 3].map(s)).toEqual([0.25, 0.5, 0.75, 1]);
    expect(s(4)).toBe(1);
    expect(s(5)).toBe(1);
    expect(s(6)).toBeCloseTo(0.1, 15);
    expect(linearWarmup(2)(10)).toBe(1);
  });
  it("the optimizer applies lr * schedule(stepCount)", () => {
    const store = makeStore(7);
    const opt = new Adam(store, { lr: 0.2, schedule: stepDecay(2, 0.5) });
    const seen: number[] = [];
    for (let i = 0; i < 5; i++) {
      seen.push(opt.lr);
      opt.step();
    }
    expect(seen).toEqual([0.2, 0.2, 0.1, 0.1, 0.05]);
    expect(opt.stepCount).toBe(5);
  });
  it("a schedule's lr reaches the kernel (zero multiplier freezes SGD-like Adam updates)", () => {
    const store = makeStore(7);
    const p0 = store.values.toArray();
    const opt = new Adam(store, { lr: 0.2, schedule: () => 0 });
    store.grads.set(new Array(7).fill(1));
    opt.step();
    expect(store.values.toArray()).toEqual(p0);
  });
  it("rejects bad arguments", () => {
    expect(() => stepDecay(0)).toThrow(DomainError);
    expect(() => stepDecay(2, -1)).toThrow(/gamma/);
    expect(() => exponentialDecay(0)).toThrow(/gamma/);
    expect(() => cosineDecay(10, 2)).toThrow(/minFactor/);
    expect(() => linearWarmup(0)).toThrow(/warmupSteps/);
    const opt = new Adam(makeStore(7), { schedule: () => NaN });
    expect(() => opt.step()).toThrow(/schedule/);
  });
});
