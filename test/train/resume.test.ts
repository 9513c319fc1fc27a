// A fit resumed from a checkpoint continues bit for bit like the run it was
// taken from: for every schedule, at split points before, at and after epoch
// ends (5 steps per epoch here), with stateful callbacks, a pass counter and
// a separate minibatch generator, on data and on simulations.
import { mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Rng } from "../../src/core/rng.js";
import { makeFamily } from "../../src/infer/families/family.js";
import { forwardKL } from "../../src/infer/objectives/forward-kl.js";
import { earlyStopping, metricsCallback } from "../../src/train/callbacks.js";
import { checkpointCallback, decodeCheckpoint, type Checkpoint } from "../../src/train/checkpoint.js";
import { PassCounter } from "../../src/train/counting.js";
import { fit, type FitCallback, type FitOptions, type FitResult } from "../../src/train/fit.js";
import { fileWriter, readCheckpointFile } from "../../src/train/node.js";
import { defineModel } from "../../src/model/model.js";
import { Normal } from "../../src/distributions/normal.js";
import { scale, shift } from "../../src/autodiff/ops/unary.js";
import { SCHEDULE_CASES, curveData, fitVae, smallVae, type ScheduleCase } from "./helpers.js";

const rows = curveData(200, 1);
const T = 12;
/** Split points: the first step, inside epoch 1, at its end (5), just after, at the end of epoch 2 (10), near and at the end. */
const SPLITS = [1, 4, 5, 6, 10, 11, 12];

interface Run {
  result: FitResult;
  final: Checkpoint;
  checkpoints: Map<number, Uint8Array>;
  metrics: ReturnType<typeof metricsCallback>;
}

/** A run of case c on a VAE built from `seed`, recording a checkpoint after every step (and its final state); resumed from `resume` if given. */
function runCase(c: ScheduleCase, seed: number, resume?: Uint8Array, extra: Partial<FitOptions> = {}): Run {
  const v = smallVae(seed, 8);
  const counter = new PassCounter();
  counter.attach(v);
  const metrics = metricsCallback((i) => ({ loss: i.loss, decoder0: i.stores.model[0].readValues()[0] }), { every: 3 });
  const stop = earlyStopping({ monitor: (i) => i.loss, every: 2, patience: 50 });
  const saved: Uint8Array[] = [];
  const cb = checkpointCallback((b) => saved.push(b), { every: 1, atEnd: true });
  let final: Checkpoint | null = null;
  const end: FitCallback = { onEnd: (_r, info) => void (final = info.checkpoint()) };
  const result = fitVae(v, rows, {
    ...c.make((o) => o),
    iterations: T, batchSize: 40, lr: 5e-3, rng: 7, batchRng: new Rng(99), counter, resume,
    callbacks: [metrics, stop, cb, end],
    ...extra,
  });
  return { result, final: final!, checkpoints: new Map(cb.written.map((s, i) => [s, saved[i]])), metrics };
}

function expectSameRun(a: Run, b: Run): void {
  const { wallMs: _a, resumedFrom: _ra, ...ra } = a.result;
  const { wallMs: _b, resumedFrom: _rb, ...rb } = b.result;
  expect(rb).toEqual(ra); // losses (bit for bit: toEqual compares with Object.is), record, counts, passes, divergences
  const fa = a.final.fit!;
  const fb = b.final.fit!;
  for (const g of ["guide", "model"] as const) {
    a.final.params[g].forEach((p, i) => expect(Array.from(b.final.params[g][i])).toEqual(Array.from(p)));
    expect(fb.optimizers[g]?.stepCount).toBe(fa.optimizers[g]?.stepCount);
    fa.optimizers[g]?.buffers.forEach((bufs, i) => bufs.forEach((buf, j) => expect(Array.from(fb.optimizers[g]!.buffers[i][j])).toEqual(Array.from(buf))));
  }
  expect(fb.rng).toEqual(fa.rng);
  expect(fb.batchRng).toEqual(fa.batchRng);
  expect(Array.from(fb.minibatcher!.order)).toEqual(Array.from(fa.minibatcher!.order));
  expect(fb.scheduleState).toEqual(fa.scheduleState);
  expect(fb.objectiveState).toEqual(fa.objectiveState);
  expect(b.metrics.history.map((r) => [r.step, r.values])).toEqual(a.metrics.history.map((r) => [r.step, r.values]));
  expect(fb.callbacks[1]).toEqual(fa.callbacks[1]); // early stopping's best and patience count
}

describe.each(SCHEDULE_CASES)("resume: $name", (c) => {
  it(`continues bit for bit from a checkpoint after step ${SPLITS.join(", ")} of ${T}`, () => {
    const whole = runCase(c, 3);
    expect(whole.result.steps).toBe(T);
    for (const s of SPLITS) {
      // another initialization: everything must come from the checkpoint
      const resumed = runCase(c, 11, whole.checkpoints.get(s)!);
      expect(resumed.result.resumedFrom).toBe(s);
      expectSameRun(whole, resumed);
    }
  });
});

describe("resume: more cases", () => {
  it("on simulations (no data, forward KL), through a checkpoint file written atomically", () => {
    const model = defineModel("linear", (m) => {
      m.plate("data", () => {
        const z = m.sample("z", new Normal(0, 1));
        m.observe("x", new Normal(shift(scale(z, 2), 1), 0.5));
      });
    });
    const dir = mkdtempSync(join(tmpdir(), "amortvi-resume-"));
    const path = join(dir, "fit.ckpt");
    const run = (resume?: Uint8Array, cbs: FitCallback[] = []) =>
      fit({ model, guide: makeFamily(model, null, { kind: "avi", seed: resume ? 5 : 1 }), objective: forwardKL(), batchSize: 16, iterations: 30, lr: 0.02, rng: 3, resume, callbacks: cbs });
    const stopAt17: FitCallback = { afterStep: (i) => { if (i.step === 17) throw new Error("killed"); } };
    const cb = checkpointCallback(fileWriter(path), { every: 4 });
    expect(() => run(undefined, [cb, stopAt17])).toThrow("killed");
    expect(cb.written).toEqual([4, 8, 12, 16]);
    expect(readdirSync(dir)).toEqual(["fit.ckpt"]); // no temporary file left
    const bytes = readCheckpointFile(path);
    expect(decodeCheckpoint(bytes).fit!.step).toBe(16);
    const whole = run(undefined, [checkpointCallback(() => {}, 4), {}]);
    const resumed = run(bytes, [checkpointCallback(() => {}, 4), {}]);
    expect(Array.from(resumed.losses)).toEqual(Array.from(whole.losses));
    expect(resumed.schedule).toEqual(whole.schedule);
  });

  it("a run that a callback stopped resumes to the same end (no further step)", () => {
    const stopAt: FitCallback = { onStep: (i) => (i.step === 7 ? "enough" : undefined) };
    const saved: Uint8Array[] = [];
    const v = smallVae(3, 8);
    const a = fitVae(v, rows, { iterations: T, batchSize: 40, rng: 7, callbacks: [stopAt, checkpointCallback((b) => saved.push(b), { every: 100, atEnd: true })] });
    expect(a.stoppedBy).toBe("enough");
    const b = fitVae(smallVae(5, 8), rows, { iterations: T, batchSize: 40, rng: 7, resume: saved[0], callbacks: [stopAt, checkpointCallback(() => {}, { every: 100 })] });
    expect(b.steps).toBe(7);
    expect(b.stoppedBy).toBe("enough");
    expect(Array.from(b.losses)).toEqual(Array.from(a.losses));
  });

  it("a longer run resumed from a shorter one's final checkpoint is the longer run", () => {
    const c = SCHEDULE_CASES[0];
    const short = runCase(c, 3, undefined, { iterations: 7 });
    const long = runCase(c, 3);
    const resumed = runCase(c, 11, short.checkpoints.get(7)!);
    expectSameRun(long, resumed);
  });
});
