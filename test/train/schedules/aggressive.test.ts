import { describe, expect, test } from "vitest";
import { Dataset } from "../../../src/infer/families/dataset.js";
import { PassCounter } from "../../../src/train/counting.js";
import { aggressive } from "../../../src/train/schedules/aggressive.js";
import { curveData, fitVae, smallVae } from "../helpers.js";
import { priorOnlyBaseline, quadratureLogLikelihood } from "../../../src/diagnostics/vae.js";

const data = curveData(400, 1);
const heldOut = new Dataset(curveData(200, 2), { dim: 2 });

describe("aggressive schedule (He et al. 2019)", () => {
  test("inner encoder loops (<= 100, multiples of the 15-step block), then joint training for good once I_q(x; z) decreases", () => {
    const v = smallVae();
    const counter = new PassCounter();
    counter.attach(v);
    const r = fitVae(v, data, { heldOut, epochs: 12, batchSize: 40, lr: 3e-3, rng: 4, schedule: aggressive(), counter });
    const s = r.schedule;
    expect(s.innerSteps.length).toBe(r.steps);
    const switched = s.switchedOff;
    expect(switched).not.toBeNull();
    const off = switched!.step;
    const inner = s.innerSteps.slice(0, off);
    expect(inner.every((k) => k >= 15 && k <= 100 && (k % 15 === 0 || k === 100))).toBe(true);
    expect(s.innerSteps.slice(off).every((k) => k === 0)).toBe(true);
    expect(s.mi.length).toBe(switched!.epoch + 1);
    expect(s.mi[s.mi.length - 1]).toBeLessThan(s.mi[s.mi.length - 2]);
    const innerTotal = inner.reduce((a, b) => a + b, 0);
    expect(s.guideUpdates).toBe(innerTotal + (r.steps - off));
    expect(s.modelUpdates).toBe(r.steps);
    expect(r.gradientEvaluations).toBe(innerTotal + r.steps);
    // the cost shows it: encoder passes >> those of joint training (1 per datapoint per epoch)
    expect(r.passesPerDatapoint!.encoderForward).toBeGreaterThan(3 * r.epochs);
    // the held-out MI estimates (one encoder pass over 200 rows per aggressive epoch) count as cost
    expect(r.passes!.encoderForward - r.passes!.encoderBackward).toBe(200 * s.mi.length);
  });

  test("beats the prior-only baseline's test log-likelihood", () => {
    const v = smallVae();
    const r = fitVae(v, data, { heldOut, epochs: 30, batchSize: 40, lr: 5e-3, rng: 4, schedule: aggressive() });
    expect(r.schedule.schedule).toBe("aggressive");
    expect(r.diverged).toBeNull();
    const test = curveData(150, 3);
    expect(quadratureLogLikelihood(v.model, test).mean).toBeGreaterThan(priorOnlyBaseline(data, test).mean + 0.1);
  });

  test("same seed, same numbers", () => {
    const run = () => fitVae(smallVae(), data, { heldOut, epochs: 2, batchSize: 40, rng: 8, schedule: aggressive({ maxInner: 30 }) });
    const a = run();
    const b = run();
    expect(Array.from(b.losses)).toEqual(Array.from(a.losses));
    expect(b.schedule).toEqual(a.schedule);
  });

  test("bad input: held-out data is required; option errors name the option", () => {
    expect(() => fitVae(smallVae(), data, { epochs: 1, schedule: aggressive() })).toThrow(/heldOut/);
    expect(() => aggressive({ maxInner: 0 })).toThrow(/maxInner/);
    expect(() => aggressive({ block: 1.5 })).toThrow(/block/);
  });
});
