import { describe, expect, test } from "vitest";
import { Rng } from "../../src/core/rng.js";
import { mutualInformation } from "../../src/diagnostics/vae.js";
import { iwaeBound } from "../../src/infer/objectives/importance-weighted.js";
import { PassCounter } from "../../src/train/counting.js";
import { modelOnly } from "../../src/train/schedules/joint.js";
import type { VAE } from "../../src/infer/vae.js";
import type { FitCallback } from "../../src/train/fit.js";
import { curveData, fitVae, mapaOf, smallVae } from "./helpers.js";

const data = curveData(400, 1);
const held = curveData(50, 2);

function counted(options: Parameters<typeof fitVae>[2], callback?: (v: VAE) => FitCallback) {
  const v = smallVae();
  const counter = new PassCounter();
  counter.attach(v);
  const r = fitVae(v, data, { ...options, counter, callbacks: callback ? [callback(v)] : [] });
  counter.detach(v);
  return { r, counter, v };
}

describe("PassCounter in fit: passes counted as they run, in datapoint-passes", () => {
  test("joint: B forward + B backward per network per step; callbacks (evaluation) are not counted", () => {
    let evaluated = 0;
    const { r } = counted({ epochs: 2, batchSize: 40, rng: 1 }, (v) => ({ onStep: () => void (evaluated += mutualInformation(v, held, new Rng(0))) }));
    expect(Number.isFinite(evaluated)).toBe(true);
    expect(r.steps).toBe(20);
    expect(r.passes).toEqual({ encoderForward: 800, encoderBackward: 800, decoderForward: 800, decoderBackward: 800, precompute: 0, total: 3200 });
    expect(r.passesPerDatapoint!.total).toBe(8);
  });

  test("IWAE K: one encoder pass and K decoder passes per datapoint", () => {
    const { r } = counted({ epochs: 1, batchSize: 40, rng: 1, objective: iwaeBound({ particles: 7 }) });
    expect(r.passes).toMatchObject({ encoderForward: 400, encoderBackward: 400, decoderForward: 7 * 400, decoderBackward: 7 * 400 });
    expect(r.datapointGradients).toBe(10 * 40 * 7);
  });

  test("a fixed posterior, model only: no encoder pass; precomputation counted", () => {
    const v = smallVae();
    const counter = new PassCounter();
    counter.addPrecompute(1234);
    counter.attach(v);
    const r = fitVae(v, data, { epochs: 2, batchSize: 40, rng: 2, guide: mapaOf(data), objective: iwaeBound({ particles: 5 }), schedule: modelOnly(), counter });
    expect(r.passes).toMatchObject({ encoderForward: 0, encoderBackward: 0, decoderForward: 4000, decoderBackward: 4000, precompute: 1234 });
    expect(r.passesPerDatapoint!.precompute).toBe(1234 / 400);
  });

  test("without a counter the result has none; suspend / detach; bad input", () => {
    expect(fitVae(smallVae(), data, { iterations: 2, batchSize: 40 }).passes).toBeNull();
    const c = new PassCounter();
    const v = smallVae();
    c.attach(v);
    c.suspend(() => v.encode(v.decode(new Rng(1).normal([3, 1])).reshape([3, 2])));
    expect(c.get().total).toBe(0);
    v.encode(new Rng(1).normal([3, 2]));
    expect(c.get().encoderForward).toBe(3);
    c.detach(v);
    expect(v.passListener).toBeNull();
    expect(() => c.addPrecompute(-1)).toThrow(/passes/);
    expect(() => c.perDatapoint(0)).toThrow(/n/);
  });
});
