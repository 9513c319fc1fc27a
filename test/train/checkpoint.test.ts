import { mkdtempSync, readFileSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { TrainingDivergedError } from "../../src/core/errors.js";
import type { Objective } from "../../src/infer/objectives/objective.js";
import { elbo } from "../../src/infer/objectives/elbo.js";
import type { VAE } from "../../src/infer/vae.js";
import { checkpointCallback, restoreCheckpoint, type Checkpoint } from "../../src/train/checkpoint.js";
import { fileWriter } from "../../src/train/node.js";
import { curveData, fitVae, smallVae } from "./helpers.js";

const data = curveData(400, 1);

/** The ELBO, with a decoder weight poisoned by NaN before the gradient evaluation of step `at` (1-based). */
function poisonedAt(v: VAE, at: number): Objective {
  const inner = elbo({ scale: "datapoint" });
  let n = 0;
  return {
    name: "poisoned",
    loss(ctx) {
      if (++n === at) {
        const w = v.decoderNet.layers[0].weight.tensor;
        w.set([NaN, ...w.toArray().slice(1)]);
      }
      return inner.loss(ctx);
    },
  };
}

describe("divergence and checkpoints", () => {
  test("a NaN is reported with its step, the last good parameters are kept, the checkpoint stays intact and restores", () => {
    const v = smallVae();
    const files: string[] = [];
    const cb = checkpointCallback((text) => files.push(text), 5);
    let snapshot: number[] = [];
    const r = fitVae(v, data, {
      epochs: 3,
      batchSize: 40,
      rng: 1,
      objective: poisonedAt(v, 13),
      callbacks: [cb, { onStep: (info) => void (info.step === 12 && (snapshot = v.decoderParams.values.toArray())) }],
    });
    expect(r.diverged).not.toBeNull();
    expect(r.diverged!.step).toBe(13);
    expect(r.diverged!.message).toMatch(/NaN/);
    expect(r.steps).toBe(12);
    expect(v.decoderParams.firstNonFiniteValue()).toBe(-1);
    expect(v.decoderParams.values.toArray()).toEqual(snapshot);
    expect(cb.written).toEqual([5, 10]);
    const last: Checkpoint = JSON.parse(files[files.length - 1]);
    expect(last.step).toBe(10);
    expect(last.guideOpt!.stepCount).toBe(10);
    expect(last.modelOpt!.stepCount).toBe(10);
    expect(Object.keys(last.model[0])).toContain("logSigma");
    const other = smallVae(9);
    restoreCheckpoint({ guide: other.guide.params, model: [other.decoderParams] }, files[files.length - 1]);
    expect(other.encoderParams.values.toArray()).toEqual(Object.values(last.guide[0]).flatMap((p) => p.values));
    expect(other.decoderParams.firstNonFiniteValue()).toBe(-1);
    expect(() => restoreCheckpoint({ guide: [], model: [other.decoderParams] }, last)).toThrow(/checkpoint.guide/);
    expect(() => restoreCheckpoint({ guide: [], model: [] }, "{}")).toThrow(/checkpoint/);
  });

  test('onDivergence: "throw" rethrows TrainingDivergedError after restoring', () => {
    const v = smallVae();
    expect(() => fitVae(v, data, { epochs: 1, batchSize: 40, objective: poisonedAt(v, 2), onDivergence: "throw" })).toThrow(TrainingDivergedError);
    expect(v.decoderParams.firstNonFiniteValue()).toBe(-1);
  });

  test("checkpoint files are written atomically (no temporary files left) and are valid JSON", () => {
    const dir = mkdtempSync(join(tmpdir(), "amortvi-ckpt-"));
    const path = join(dir, "sub", "ckpt.json");
    const cb = checkpointCallback(fileWriter(path), 4);
    fitVae(smallVae(2, 8), curveData(200, 1), { epochs: 1, batchSize: 20, rng: 1, callbacks: [cb] });
    expect(cb.written).toEqual([4, 8]);
    expect(readdirSync(join(dir, "sub"))).toEqual(["ckpt.json"]);
    const cp = JSON.parse(readFileSync(path, "utf8"));
    expect(cp.step).toBe(8);
    expect(cp.schedule).toBe("joint");
    expect(() => checkpointCallback(() => {}, 1.5)).toThrow(/every/);
  });
});
