import { mkdtempSync, readFileSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { Rng } from "../../src/core/rng.js";
import { mutualInformation } from "../../src/diagnostics/vae.js";
import { VAE } from "../../src/models/vae.js";
import { checkpointCallback, earlyStopping, joint, metricsCallback, progressCallback, train } from "../../src/train/index.js";
import { fileWriter } from "../../src/train/node.js";
import { curveData } from "./helpers.js";

const data = curveData(200, 1);
const heldOut = curveData(100, 2);

describe("callbacks", () => {
  test("metrics every N steps, not counted as training cost; progress ticks add up to the steps", () => {
    const vae = new VAE({ obsDim: 2, hidden: 16, rng: 1 });
    const metrics = metricsCallback((info) => ({ mi: mutualInformation(info.vae, heldOut, new Rng(0)) }), { every: 10 });
    let ticks = 0;
    const r = train(vae, joint(), { data, epochs: 5, batchSize: 20, rng: 1, callbacks: [metrics, progressCallback({ tick: (n) => (ticks += n) }, 7)] });
    expect(metrics.history.map((h) => h.step)).toEqual([0, 10, 20, 30, 40, 50]);
    expect(metrics.history.every((h) => Number.isFinite(h.values.mi))).toBe(true);
    expect(metrics.history[5].passesPerDatapoint).toBe(r.passesPerDatapoint.total);
    expect(r.passes.encoderForward).toBe(r.steps * 20);
    expect(ticks).toBe(r.steps);
  });

  test("early stopping stops when the monitored value stops improving", () => {
    const vae = new VAE({ obsDim: 2, hidden: 16, rng: 1 });
    const values = [5, 4, 3, 3.5, 3.2, 3.1, 3.3, 1];
    let i = 0;
    const es = earlyStopping({ monitor: () => values[i++], every: 2, patience: 3 });
    const r = train(vae, joint(), { data, epochs: 10, batchSize: 20, rng: 1, callbacks: [es] });
    expect(r.stoppedBy).toMatch(/early stopping at step 12/);
    expect(r.steps).toBe(12);
    expect(es.best).toEqual({ value: 3, step: 6 });
  });

  test("checkpoint files are written atomically (no temporary files left) and are valid JSON", () => {
    const dir = mkdtempSync(join(tmpdir(), "amortvi-ckpt-"));
    const path = join(dir, "sub", "ckpt.json");
    const cb = checkpointCallback(fileWriter(path), 4);
    train(new VAE({ obsDim: 2, hidden: 8, rng: 2 }), joint(), { data, epochs: 1, batchSize: 20, rng: 1, callbacks: [cb] });
    expect(cb.written).toEqual([4, 8]);
    expect(readdirSync(join(dir, "sub"))).toEqual(["ckpt.json"]);
    const cp = JSON.parse(readFileSync(path, "utf8"));
    expect(cp.step).toBe(8);
    expect(cp.encoderOpt.stepCount).toBe(8);
    expect(Object.keys(cp.decoder)).toContain("logSigma");
  });

  test("bad options name the argument", () => {
    expect(() => metricsCallback(() => ({}), { every: 0 })).toThrow(/every/);
    expect(() => earlyStopping({ monitor: () => 0, patience: 0 })).toThrow(/patience/);
    expect(() => checkpointCallback(() => {}, 1.5)).toThrow(/every/);
  });
});
