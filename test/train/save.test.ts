import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CheckpointError, DomainError } from "../../src/core/errors.js";
import { Normal } from "../../src/distributions/normal.js";
import { Dataset } from "../../src/infer/families/dataset.js";
import { makeFamily } from "../../src/infer/families/family.js";
import { elbo } from "../../src/infer/objectives/elbo.js";
import { defineModel } from "../../src/model/model.js";
import { add, mul } from "../../src/autodiff/ops/binary.js";
import { checkpointCallback, decodeCheckpoint } from "../../src/train/checkpoint.js";
import { fit } from "../../src/train/fit.js";
import { loadFile, saveFile } from "../../src/train/node.js";
import { load, save } from "../../src/train/save.js";
import { curveData, fitVae, smallVae } from "./helpers.js";

const offsetModel = () =>
  defineModel("offset", (m) => {
    const b = m.param("b", [0.5]);
    m.plate("data", () => {
      const z = m.sample("z", new Normal(0, 1));
      m.observe("x", new Normal(add(mul(z, 2), b), 0.5));
    });
  });
const data = new Dataset(Array.from({ length: 40 }, (_, i) => 1 + Math.sin(i)));

describe("save / load of trained parameters", () => {
  it("a trained guide and a model's parameters, alone or together, bit for bit into fresh objects", () => {
    const model = offsetModel();
    const q = makeFamily(model, null, { kind: "avi", seed: 1 });
    fit({ model, guide: q, objective: elbo(), data, iterations: 30, lr: 0.05, rng: 2 });
    const q2 = makeFamily(model, null, { kind: "avi", seed: 7 });
    expect(Array.from(q2.params[0].readValues())).not.toEqual(Array.from(q.params[0].readValues()));
    load(q2, save(q));
    q.params.forEach((s, i) => expect(Array.from(q2.params[i].readValues())).toEqual(Array.from(s.readValues())));

    const other = offsetModel();
    load(other, save(model));
    expect(other.params()[0].get("b").toArray()).toEqual(model.params()[0].get("b").toArray());
    expect(model.params()[0].get("b").toArray()).not.toEqual([0.5]);

    const both = save({ guide: q, model });
    const q3 = makeFamily(model, null, { kind: "avi", seed: 9 });
    const m3 = offsetModel();
    const cp = load({ guide: q3, model: m3 }, both);
    expect(cp.fit).toBeNull();
    expect(Array.from(q3.params[0].readValues())).toEqual(Array.from(q.params[0].readValues()));
    expect(m3.params()[0].get("b").toArray()).toEqual(model.params()[0].get("b").toArray());
    // one group of a file with both
    const q4 = makeFamily(model, null, { kind: "avi", seed: 11 });
    load(q4, both);
    expect(Array.from(q4.params[0].readValues())).toEqual(Array.from(q.params[0].readValues()));
  });

  it("a VAE's encoder and decoder, through a file; a fit checkpoint's parameters load the same way", () => {
    const v = smallVae(3, 8);
    const rows = curveData(100, 1);
    const saved: Uint8Array[] = [];
    fitVae(v, rows, { iterations: 5, batchSize: 20, callbacks: [checkpointCallback((b) => saved.push(b), 5)] });
    const path = join(mkdtempSync(join(tmpdir(), "amortvi-save-")), "vae.amortvi");
    saveFile({ guide: v.guide, model: [v.decoderParams] }, path);
    expect(new TextDecoder().decode(readFileSync(path).subarray(0, 8))).toBe("AMORTVI\n");
    const w = smallVae(4, 8);
    loadFile({ guide: w.guide, model: [w.decoderParams] }, path);
    expect(Array.from(w.encoderParams.readValues())).toEqual(Array.from(v.encoderParams.readValues()));
    expect(Array.from(w.decoderParams.readValues())).toEqual(Array.from(v.decoderParams.readValues()));
    const u = smallVae(5, 8);
    load({ guide: u.guide, model: u.decoderParams }, saved[0]);
    expect(Array.from(u.decoderParams.readValues())).toEqual(Array.from(decodeCheckpoint(saved[0]).params.model[0]));
  });

  it("another structure or a bad file is refused with CheckpointError, the target unchanged; versions are checked", () => {
    const v = smallVae(3, 8);
    const bytes = save(v.guide);
    const wide = smallVae(3, 16);
    const before = Array.from(wide.encoderParams.readValues());
    expect(() => load(wide.guide, bytes)).toThrow(CheckpointError);
    expect(() => load(wide.guide, bytes)).toThrow(/bytes\.guide\[0\]: expected a store with parameters .*, received/);
    expect(() => load({ model: wide.decoderParams }, bytes)).toThrow(/bytes\.model: expected 1 parameter store\(s\), received 0/);
    expect(() => load(wide.guide, bytes.slice(0, 100))).toThrow(/truncated|expected/);
    expect(Array.from(wide.encoderParams.readValues())).toEqual(before);
    const newer = bytes.slice();
    new DataView(newer.buffer).setUint32(8, 7, true);
    expect(() => load(v.guide, newer)).toThrow(/version 7 \(written by a newer amortvi; version 1 is needed by this one/);
    const older = bytes.slice();
    new DataView(older.buffer).setUint32(8, 0, true);
    expect(() => load(v.guide, older)).toThrow(/received version 0 \(version 1 is needed\)/);
    expect(() => save({} as never)).toThrow(DomainError);
    expect(() => save(42 as never)).toThrow(/target: expected a guide, a ProbModel, a ParamStore/);
  });
});
