// The checkpoint file: taken only of good state, written atomically, and
// checked whole before anything is restored (truncated, corrupted,
// mismatched, NaN-bearing, old or unknown versions: CheckpointError, and no
// store, optimizer or generator has changed).
import { mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { CheckpointError, DomainError } from "../../src/core/errors.js";
import { CHECKPOINT_FORMAT_VERSION, checkpointCallback, decodeCheckpoint, encodeCheckpoint, restoreCheckpoint, type Checkpoint } from "../../src/train/checkpoint.js";
import { crc32, parseState, stringifyState } from "../../src/train/checkpoint-format.js";
import { fileWriter, readCheckpointFile } from "../../src/train/node.js";
import { guideOnly } from "../../src/train/schedules/joint.js";
import type { VAE } from "../../src/infer/vae.js";
import { curveData, faulty, fitVae, smallVae } from "./helpers.js";
import { elbo } from "../../src/infer/objectives/elbo.js";
import { metricsCallback } from "../../src/train/callbacks.js";

const rows = curveData(200, 1);

/** The checkpoints (bytes) of a 6-step fit of a small VAE, after every step. */
function checkpoints(v: VAE = smallVae(3, 8)): Uint8Array[] {
  const out: Uint8Array[] = [];
  fitVae(v, rows, { iterations: 6, batchSize: 40, rng: 1, callbacks: [checkpointCallback((b) => out.push(b), 1)] });
  return out;
}

const groupsOf = (v: VAE) => ({ guide: v.guide.params, model: [v.decoderParams] });
const valuesOf = (v: VAE) => [Array.from(v.encoderParams.readValues()), Array.from(v.decoderParams.readValues())];

/** A copy of `bytes` with byte i replaced. */
function flip(bytes: Uint8Array, i: number): Uint8Array {
  const b = bytes.slice();
  b[i] ^= 0x5a;
  return b;
}

describe("checkpoint format", () => {
  test("CRC-32 is the standard one (zlib check value of '123456789'); states keep NaN and infinities", () => {
    expect(crc32(new TextEncoder().encode("123456789"))).toBe(0xcbf43926);
    expect(crc32(new Uint8Array(0))).toBe(0);
    const s = { a: -Infinity, b: [NaN, 1, Infinity], c: "Infinity", d: null };
    const back = parseState(stringifyState(s)) as typeof s;
    expect(back.a).toBe(-Infinity);
    expect(back.b[0]).toBeNaN();
    expect(back.b.slice(1)).toEqual([1, Infinity]);
    expect(back.c).toBe("Infinity");
  });

  test("a checkpoint holds the structure, parameters, optimizer state, generators, minibatcher and record; bytes round-trip", () => {
    const v = smallVae(3, 8);
    const bytes = checkpoints(v)[3];
    expect(new TextDecoder().decode(bytes.subarray(0, 8))).toBe("AMORTVI\n");
    const cp = decodeCheckpoint(bytes);
    expect(cp.structure.guide).toEqual([v.encoderParams.layout()]);
    expect(cp.structure.model).toEqual([v.decoderParams.layout()]);
    const f = cp.fit!;
    expect(f.step).toBe(4);
    expect(f.schedule).toBe("joint");
    expect(f.optimizers.guide).toMatchObject({ kind: "Adam", stepCount: 4, lrScale: 1 });
    expect(f.optimizers.guide!.buffers[0]).toHaveLength(2); // Adam's two moments
    expect(f.optimizers.model!.buffers[0][1].length).toBe(v.decoderParams.size);
    expect(f.losses).toHaveLength(4);
    expect(f.minibatcher!.order).toHaveLength(200);
    expect(f.minibatcher!.pos).toBe(160);
    expect(f.rng.counter).toBeGreaterThan(0);
    expect(f.record).toMatchObject({ guideUpdates: 4, modelUpdates: 4 });
    const again = encodeCheckpoint(cp);
    expect(Array.from(again)).toEqual(Array.from(bytes));
  });

  test("truncated at any length: CheckpointError, and the stores are unchanged", () => {
    const bytes = checkpoints()[5];
    const target = smallVae(9, 8);
    const before = valuesOf(target);
    const lengths = [0, 5, 8, 19, 20, 64, 200, bytes.length >> 1, bytes.length - 9, bytes.length - 1];
    for (const n of lengths) {
      expect(() => restoreCheckpoint(groupsOf(target), bytes.slice(0, n)), `length ${n}`).toThrow(CheckpointError);
      expect(() => fitVae(target, rows, { iterations: 8, batchSize: 40, resume: bytes.slice(0, n) })).toThrow(CheckpointError);
    }
    expect(() => restoreCheckpoint(groupsOf(target), bytes.slice(0, bytes.length - 1))).toThrow(/truncated/);
    expect(valuesOf(target)).toEqual(before);
  });

  test("a flipped byte anywhere (header or tensors): the checksums catch it; nothing changes", () => {
    const bytes = checkpoints()[5];
    const target = smallVae(9, 8);
    const before = valuesOf(target);
    const headerLength = new DataView(bytes.buffer).getUint32(12, true);
    for (const i of [9, 13, 17, 25, 20 + (headerLength >> 1), 20 + headerLength + 8, bytes.length - 3]) {
      expect(() => restoreCheckpoint(groupsOf(target), flip(bytes, i)), `byte ${i}`).toThrow(CheckpointError);
    }
    expect(() => restoreCheckpoint(groupsOf(target), flip(bytes, bytes.length - 3))).toThrow(/CRC-32.*corrupted/);
    expect(valuesOf(target)).toEqual(before);
  });

  test("NaN in parameters or optimizer moments is refused even with a valid checksum", () => {
    const cp = decodeCheckpoint(checkpoints()[2]);
    const target = smallVae(9, 8);
    const before = valuesOf(target);
    const withNaN = (edit: (c: Checkpoint) => void) => {
      const copy = decodeCheckpoint(encodeCheckpoint(cp));
      edit(copy);
      return encodeCheckpoint(copy);
    };
    const badParams = withNaN((c) => (c.params.model[0][3] = NaN));
    expect(() => restoreCheckpoint(groupsOf(target), badParams)).toThrow(/tensor model\/0: expected finite numbers, received NaN at index 3/);
    const badMoments = withNaN((c) => (c.fit!.optimizers.guide!.buffers[0][1][7] = Infinity));
    expect(() => fitVae(target, rows, { iterations: 8, batchSize: 40, resume: badMoments })).toThrow(/tensor optimizer\/guide\/0\/1: expected finite numbers, received Infinity at index 7/);
    // and a hand-made Checkpoint object with NaN: its values are checked when written
    const obj = decodeCheckpoint(encodeCheckpoint(cp));
    obj.params.guide[0][0] = NaN;
    expect(() => restoreCheckpoint(groupsOf(target), obj)).toThrow(/finite/);
    expect(valuesOf(target)).toEqual(before);
  });

  test("another model's checkpoint (other stores, names or shapes) is refused before any store is written", () => {
    const bytes = checkpoints()[5];
    const wider = smallVae(9, 16);
    const before = valuesOf(wider);
    expect(() => restoreCheckpoint(groupsOf(wider), bytes)).toThrow(CheckpointError);
    expect(() => restoreCheckpoint(groupsOf(wider), bytes)).toThrow(/checkpoint\.guide\[0\]: expected a store with parameters/);
    expect(() => fitVae(wider, rows, { iterations: 8, batchSize: 40, resume: bytes })).toThrow(/resume\.guide\[0\]/);
    const same = smallVae(9, 8);
    // the guide matches, the model group does not (one store missing): the guide must not have been written
    expect(() => restoreCheckpoint({ guide: same.guide.params, model: [] }, bytes)).toThrow(/checkpoint\.model: expected 0 parameter store/);
    expect(valuesOf(wider)).toEqual(before);
    expect(Array.from(same.encoderParams.readValues())).not.toEqual(Array.from(decodeCheckpoint(bytes).params.guide[0]));
  });

  test("a checkpoint of another fit (schedule, batch size, objective, callbacks, too many steps) does not resume it; nothing changes", () => {
    const bytes = checkpoints()[5];
    const target = smallVae(9, 8);
    const before = valuesOf(target);
    const resume = (o: object) => () => fitVae(target, rows, { iterations: 8, batchSize: 40, resume: bytes, ...o });
    expect(resume({ schedule: guideOnly() })).toThrow(/resume\.schedule: expected "guide only" \(this fit's\), received "joint"/);
    expect(resume({ batchSize: 20 })).toThrow(/resume\.batchSize/);
    expect(resume({ objective: faulty({ ...elbo(), name: "other" }, { n: 0 }, new Map()) })).toThrow(/resume\.objective/);
    expect(resume({ callbacks: [metricsCallback(() => ({}))] })).toThrow(/resume\.callbacks: expected "1 callback\(s\) with state/);
    expect(resume({ iterations: 3 })).toThrow(/resume\.step: expected at most this fit's 3 steps, received 6/);
    expect(resume({ resume: encodeCheckpoint({ ...decodeCheckpoint(bytes), fit: null }) })).toThrow(/resume: expected a fit checkpoint/);
    expect(valuesOf(target)).toEqual(before);
    // stateless callbacks may differ; the objective's hyperparameters are the caller's (same name)
    expect(() => fitVae(smallVae(9, 8), rows, { iterations: 8, batchSize: 40, resume: bytes, objective: elbo({ scale: "datapoint", samples: 2 }), callbacks: [{ onStep: () => {} }] })).not.toThrow();
  });

  test("old JSON checkpoints and unknown versions are refused with the version needed", () => {
    const target = smallVae(9, 8);
    const oldJson = JSON.stringify({ step: 10, guide: [{}], model: [{}] });
    expect(() => restoreCheckpoint(groupsOf(target), oldJson as never)).toThrow(/format version 0.*version 1 is needed/);
    expect(() => restoreCheckpoint(groupsOf(target), new TextEncoder().encode(oldJson))).toThrow(/JSON text checkpoint \(format version 0\).*version 1 is needed/);
    const bytes = checkpoints()[0].slice();
    new DataView(bytes.buffer).setUint32(8, CHECKPOINT_FORMAT_VERSION + 1, true);
    expect(() => decodeCheckpoint(bytes)).toThrow(`checkpoint: expected checkpoint format version 1, received version 2 (written by a newer amortvi; version 1 is needed by this one: upgrade amortvi to read it)`);
    expect(() => decodeCheckpoint(new TextEncoder().encode("PK\u0003\u0004 something else entirely"))).toThrow(/AMORTVI/);
    expect(() => decodeCheckpoint({} as never)).toThrow(CheckpointError);
  });
});

describe("checkpointCallback", () => {
  test("checkpoint files are written atomically (no temporary files left); a diverged run's end checkpoint is its last good state", () => {
    const dir = mkdtempSync(join(tmpdir(), "amortvi-ckpt-"));
    const path = join(dir, "sub", "run.ckpt");
    const cb = checkpointCallback(fileWriter(path), { every: 2, atEnd: true });
    const v = smallVae(2, 8);
    let good: number[] = [];
    const r = fitVae(v, rows, {
      iterations: 8, batchSize: 40, rng: 1, onDivergence: "stop",
      objective: faulty(elbo({ scale: "datapoint" }), { n: 0 }, new Map([[5, "nan-loss"]])),
      callbacks: [cb, { afterStep: (i) => void (good = Array.from(i.stores.model[0].readValues())) }],
    });
    expect(r.diverged!.step).toBe(5);
    expect(cb.written).toEqual([2, 4]); // step 4's afterStep write; the end (still step 4) is not written twice
    expect(readdirSync(join(dir, "sub"))).toEqual(["run.ckpt"]);
    const cp = decodeCheckpoint(readCheckpointFile(path));
    expect(cp.fit!.step).toBe(4);
    expect(Array.from(cp.params.model[0])).toEqual(good);
    expect(() => checkpointCallback(() => {}, 1.5)).toThrow(/every/);
    expect(() => checkpointCallback(() => {}, { evry: 2 } as never)).toThrow(/options\.evry/);
  });

  test("checkpoint() is refused in onStep (later callbacks and the epoch end have not seen the step yet)", () => {
    expect(() => fitVae(smallVae(2, 8), rows, { iterations: 2, batchSize: 40, callbacks: [{ onStep: (i) => void i.checkpoint() }] })).toThrow(DomainError);
    expect(() => fitVae(smallVae(2, 8), rows, { iterations: 2, batchSize: 40, callbacks: [{ onStep: (i) => void i.checkpoint() }] })).toThrow(/afterStep/);
  });
});
