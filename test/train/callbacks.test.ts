import { describe, expect, test } from "vitest";
import { Rng } from "../../src/core/rng.js";
import { mutualInformation } from "../../src/diagnostics/vae.js";
import { earlyStopping, metricsCallback, progressCallback } from "../../src/train/callbacks.js";
import { PassCounter } from "../../src/train/counting.js";
import { curveData, fitVae, smallVae } from "./helpers.js";

const data = curveData(200, 1);
const heldOut = curveData(100, 2);

describe("callbacks", () => {
  test("metrics every N steps, not counted as training cost; progress ticks add up to the steps", () => {
    const v = smallVae(1, 16);
    const counter = new PassCounter();
    counter.attach(v);
    const metrics = metricsCallback(() => ({ mi: mutualInformation(v, heldOut, new Rng(0)) }), { every: 10 });
    let ticks = 0;
    const r = fitVae(v, data, { epochs: 5, batchSize: 20, rng: 1, counter, callbacks: [metrics, progressCallback({ tick: (n) => (ticks += n) }, 7)] });
    expect(metrics.history.map((h) => h.step)).toEqual([0, 10, 20, 30, 40, 50]);
    expect(metrics.history.map((h) => h.epoch)).toEqual([0, 0, 1, 2, 3, 4]);
    expect(metrics.history.every((h) => Number.isFinite(h.values.mi))).toBe(true);
    expect(metrics.history[5].passesPerDatapoint).toBe(r.passesPerDatapoint!.total);
    expect(r.passes!.encoderForward).toBe(r.steps * 20);
    expect(ticks).toBe(r.steps);
    // without a counter the passes column is NaN
    const m2 = metricsCallback(() => ({}), { every: 5 });
    fitVae(smallVae(1, 4), data, { iterations: 5, batchSize: 20, callbacks: [m2] });
    expect(m2.history.every((h) => Number.isNaN(h.passesPerDatapoint))).toBe(true);
  });

  test("early stopping stops when the monitored value stops improving", () => {
    const values = [5, 4, 3, 3.5, 3.2, 3.1, 3.3, 1];
    let i = 0;
    const es = earlyStopping({ monitor: () => values[i++], every: 2, patience: 3 });
    const r = fitVae(smallVae(1, 16), data, { epochs: 10, batchSize: 20, rng: 1, callbacks: [es] });
    expect(r.stoppedBy).toMatch(/early stopping at step 12/);
    expect(r.steps).toBe(12);
    expect(es.best).toEqual({ value: 3, step: 6 });
  });

  test("bad options name the argument", () => {
    expect(() => metricsCallback(() => ({}), { every: 0 })).toThrow(/every/);
    expect(() => earlyStopping({ monitor: () => 0, patience: 0 })).toThrow(/patience/);
    expect(() => progressCallback({ tick: () => {} }, 0)).toThrow(/every/);
  });
});
