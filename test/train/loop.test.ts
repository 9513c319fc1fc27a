import { describe, expect, test } from "vitest";
import { normalLogProb, normalRsample } from "../../src/autodiff/ops/gaussian.js";
import { sliceCols } from "../../src/autodiff/ops/shape.js";
import { DomainError, NonFiniteError, TrainingDivergedError } from "../../src/core/errors.js";
import { Rng } from "../../src/core/rng.js";
import { Tensor } from "../../src/core/tensor.js";
import { priorOnlyBaseline, quadratureLogLikelihood } from "../../src/diagnostics/vae.js";
import type { FixedPosterior } from "../../src/models/guide.js";
import type { Batch, LatentValues } from "../../src/models/model.js";
import { VAE } from "../../src/models/vae.js";
import {
  aggressive,
  checkpointCallback,
  fixedPosterior,
  iwae,
  joint,
  restoreCheckpoint,
  train,
  type Checkpoint,
  type Strategy,
} from "../../src/train/index.js";
import { curveData } from "./helpers.js";

const data = curveData(400, 1);
const heldOut = curveData(200, 2);
const testX = curveData(150, 3);
const baseline = priorOnlyBaseline(data, testX).mean;

function fresh(seed = 3): VAE {
  return new VAE({ obsDim: 2, latentDim: 1, hidden: 32, rng: seed });
}

/** A fixed Gaussian posterior q(z | x) = N(z; x_1, 0.15^2) (x_1 = z + noise in curveData): no parameters. */
function gaussianPosterior(): FixedPosterior {
  const logStd = Tensor.full([1], Math.log(0.15), "persistent");
  return {
    params: [],
    sample(batch: Batch, rng: Rng) {
      const m = sliceCols(batch.obs, 0, 1);
      const z = normalRsample(m, logStd, rng.normal([batch.obs.rows, 1]));
      return { values: { z }, logQ: normalLogProb(z, m, logStd), logQScore: null };
    },
    logProb(values: LatentValues, batch: Batch) {
      return normalLogProb(values.z as Tensor, sliceCols(batch.obs, 0, 1), logStd);
    },
  };
}

describe("train: pipelines", () => {
  test.each([
    ["joint", () => joint()],
    ["iwae(K=5)", () => iwae(5)],
    ["aggressive", () => aggressive()],
    ["mapa", () => fixedPosterior({ posterior: gaussianPosterior(), K: 5 })],
  ] as [string, () => Strategy][])("%s beats the prior-only baseline's test log-likelihood", (name, make) => {
    const vae = fresh();
    const before = quadratureLogLikelihood(vae, testX).mean;
    const r = train(vae, make(), { data, heldOut, epochs: 30, batchSize: 40, lr: 5e-3, rng: 4 });
    const after = quadratureLogLikelihood(vae, testX).mean;
    expect(r.strategy).toBe(name);
    expect(r.diverged).toBeNull();
    expect(r.steps).toBe(300);
    expect(before).toBeLessThan(baseline);
    expect(after).toBeGreaterThan(baseline + 0.1);
  });

  test("joint: passes are counted as they run (B forward + B backward per network per step)", () => {
    const r = train(fresh(), joint(), { data, epochs: 2, batchSize: 40, rng: 1 });
    expect(r.steps).toBe(20);
    expect(r.passes).toEqual({ encoderForward: 800, encoderBackward: 800, decoderForward: 800, decoderBackward: 800, precompute: 0, total: 3200 });
    expect(r.passesPerDatapoint.total).toBe(8);
    expect(r.schedule).toMatchObject({ strategy: "joint", encoderUpdates: 20, decoderUpdates: 20, switchedOff: null });
  });

  test("iwae(K): one encoder pass and K decoder passes per datapoint", () => {
    const r = train(fresh(), iwae(7), { data, epochs: 1, batchSize: 40, rng: 1 });
    expect(r.passes.encoderForward).toBe(400);
    expect(r.passes.decoderForward).toBe(7 * 400);
    expect(r.passes.decoderBackward).toBe(7 * 400);
  });

  test("aggressive: inner encoder loops run (<= 100, multiples of the 15-step block), then switch off for good", () => {
    const vae = fresh();
    const r = train(vae, aggressive(), { data, heldOut, epochs: 12, batchSize: 40, lr: 3e-3, rng: 4 });
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
    expect(s.encoderUpdates).toBe(innerTotal + (r.steps - off));
    expect(s.decoderUpdates).toBe(r.steps);
    // the cost shows it: encoder passes >> those of joint training
    expect(r.passesPerDatapoint.encoderForward).toBeGreaterThan(3 * r.epochs);
  });

  test("mapa (fixed posterior): decoder only, encoder untouched, precomputation counted", () => {
    const vae = fresh();
    const enc = vae.encoderParams.values.toArray();
    const r = train(vae, fixedPosterior({ posterior: gaussianPosterior(), K: 5, precomputePasses: 1234 }), { data, epochs: 2, batchSize: 40, rng: 2 });
    expect(vae.encoderParams.values.toArray()).toEqual(enc);
    expect(r.schedule.encoderUpdates).toBe(0);
    expect(r.schedule.decoderUpdates).toBe(20);
    expect(r.passes).toMatchObject({ encoderForward: 0, encoderBackward: 0, decoderForward: 4000, decoderBackward: 4000, precompute: 1234 });
  });
  test("same seed, same numbers", () => {
    const run = () => train(fresh(), aggressive({ maxInner: 30 }), { data, heldOut, epochs: 2, batchSize: 40, rng: 8 });
    const a = run();
    const b = run();
    expect(b.losses).toEqual(a.losses);
    expect(b.schedule).toEqual(a.schedule);
  });
});

describe("train: divergence and checkpoints", () => {
  /** joint training that poisons a decoder weight with NaN at outer step `at` (1-based). */
  function poisonedAt(at: number): Strategy {
    const inner = joint();
    let n = 0;
    return {
      name: "poisoned",
      step(batch, state) {
        if (++n === at) state.vae.decoderNet.layers[0].weight.tensor.set([NaN, ...state.vae.decoderNet.layers[0].weight.tensor.toArray().slice(1)]);
        return inner.step(batch, state);
      },
    };
  }

  test("a NaN is reported with its step, the last good parameters are kept, the checkpoint stays intact", () => {
    const vae = fresh();
    const files: string[] = [];
    const cb = checkpointCallback((text) => files.push(text), 5);
    let snapshot: number[] = [];
    const r = train(vae, poisonedAt(13), {
      data,
      epochs: 3,
      batchSize: 40,
      rng: 1,
      callbacks: [cb, { onStep: (info) => void (info.step === 12 && (snapshot = vae.decoderParams.values.toArray())) }],
    });
    expect(r.diverged).not.toBeNull();
    expect(r.diverged!.step).toBe(13);
    expect(r.diverged!.message).toMatch(/NaN/);
    expect(r.steps).toBe(12);
    expect(vae.decoderParams.firstNonFiniteValue()).toBe(-1);
    expect(vae.decoderParams.values.toArray()).toEqual(snapshot);
    expect(cb.written).toEqual([5, 10]);
    const last: Checkpoint = JSON.parse(files[files.length - 1]);
    expect(last.step).toBe(10);
    const other = fresh(9);
    restoreCheckpoint(other, files[files.length - 1]);
    expect(other.encoderParams.firstNonFiniteValue()).toBe(-1);
    expect(last.schedule.innerSteps.length).toBe(10);
  });

  test('onDivergence: "throw" rethrows TrainingDivergedError after restoring', () => {
    const vae = fresh();
    expect(() => train(vae, poisonedAt(2), { data, epochs: 1, batchSize: 40, onDivergence: "throw" })).toThrow(TrainingDivergedError);
    expect(vae.decoderParams.firstNonFiniteValue()).toBe(-1);
  });
});

describe("train: bad input", () => {
  test("K < 1, data with NaN, empty data, no held-out data for aggressive", () => {
    expect(() => iwae(0)).toThrow(DomainError);
    expect(() => iwae(0)).toThrow(/K/);
    expect(() => fixedPosterior({ posterior: gaussianPosterior(), K: 0 })).toThrow(/K/);
    expect(() => fixedPosterior({ posterior: {} as FixedPosterior })).toThrow(/posterior/);
    const bad = data.map((r) => r.slice());
    bad[7][1] = NaN;
    expect(() => train(fresh(), joint(), { data: bad })).toThrow(NonFiniteError);
    expect(() => train(fresh(), joint(), { data: bad })).toThrow(/data.*row 7/);
    expect(() => train(fresh(), joint(), { data: [] })).toThrow(DomainError);
    expect(() => train(fresh(), joint(), { data: [] })).toThrow(/data/);
    expect(() => train(fresh(), joint(), { data, heldOut: bad })).toThrow(/heldOut/);
    expect(() => train(fresh(), joint(), { data: [[1, 2, 3]] })).toThrow(/data/);
    expect(() => train(fresh(), aggressive(), { data })).toThrow(/heldOut/);
    expect(() => train(fresh(), joint(), { data, batchSize: 0 })).toThrow(/batchSize/);
  });
});
