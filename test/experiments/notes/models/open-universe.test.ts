import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import * as amortvi from "../../../../src/index.js";
import * as experiments from "../../../../src/experiments/index.js";
import { Rng } from "../../../../src/core/rng.js";
import { Tensor } from "../../../../src/core/tensor.js";
import { AmortviError, DomainError, ShapeError } from "../../../../src/core/errors.js";
import { valueAndGrad, noGrad } from "../../../../src/autodiff/tape.js";
import { runtime } from "../../../../src/core/runtime.js";
import { openUniverseModel, openUniversePosterior, openUniversePriorDensityX, openUniverseSettings } from "../../../../src/experiments/notes/models/open-universe.js";
import { engineModel } from "../../../../src/model/engine-model.js";
import { MissingValueError } from "../../../../src/model/site-errors.js";
import { Note4Guide } from "../../../../src/experiments/notes/open-universe-guide.js";
import { qpLoss } from "../../../../src/infer/objectives/elbo.js";
import { pqLoss } from "../../../../src/infer/objectives/forward-kl.js";
import { iwaeLoss } from "../../../../src/infer/objectives/importance-weighted.js";
import { rwsLoss } from "../../../../src/infer/objectives/wake-sleep.js";
import { RunningAverageBaseline } from "../../../../src/autodiff/estimators.js";

const logN = (x: number, m: number, s: number) => -0.5 * ((x - m) / s) ** 2 - Math.log(s) - 0.5 * Math.log(2 * Math.PI);

describe("note-4 open-universe model (one defineModel, z masked by [k = 2])", () => {
  const model = openUniverseModel();
  const settings = openUniverseSettings();
  const engine = engineModel(model);

  it("declares k, z (categorical 2) and x, and the observed y; z is masked by the k = 2 indicator", () => {
    expect(model.sites().map((site) => [site.name, site.support, site.observed])).toEqual([
      ["k", { kind: "categorical", K: 2 }, false],
      ["z", { kind: "categorical", K: 2 }, false],
      ["x", { kind: "real" }, false],
      ["y", { kind: "real" }, true],
    ]);
    const t = noGrad(() => model.run({ values: { k: Int32Array.from([0, 1, 1]), z: Int32Array.from([1, 0, 1]), x: Tensor.zeros([3, 1]) }, data: { y: Tensor.zeros([3, 1]) }, requireValues: true }));
    expect(t.get("z").mask!.toArray()).toEqual([0, 1, 1]);
    expect(t.get("k").mask).toBeNull();
  });

  it("log p follows the branch of k (z enters only when k = 2)", () => {
    const k = new Int32Array([0, 0, 1, 1]);
    const z = new Int32Array([0, 1, 0, 1]);
    const xs = [0.3, 0.3, -4.2, 5.5];
    const ys = [1.0, 1.0, -3.0, 6.0];
    const got = noGrad(() => engine.logJoint({ k, z, x: Tensor.from(xs, [4, 1]) }, { obs: Tensor.from(ys, [4, 1]) }).toArray());
    const want = xs.map((x, i) => {
      const prior = k[i] === 0 ? logN(x, 0, 1) : Math.log(0.5) + logN(x, [-5, 5][z[i]], 1);
      return Math.log(0.5) + prior + logN(ys[i], x, 1);
    });
    got.forEach((g, i) => expect(g).toBeCloseTo(want[i], 10));
    expect(got[0]).toBeCloseTo(got[1], 12);
  });

  it("draws from the joint (the model run forward) take the branches with the prior frequencies and moments", () => {
    const rt = runtime();
    const m = rt.arena.mark();
    const { values, batch } = engine.sampleJoint!(20_000, new Rng(3));
    const k = values.k as Int32Array;
    const x = (values.x as Tensor).toArray();
    const y = batch.obs.toArray();
    rt.arena.restore(m);
    const share2 = k.reduce((s, v) => s + v, 0) / k.length;
    expect(share2).toBeGreaterThan(0.48);
    expect(share2).toBeLessThan(0.52);
    const absX2 = x.filter((_, i) => k[i] === 1).map(Math.abs);
    expect(absX2.reduce((s, v) => s + v, 0) / absX2.length).toBeGreaterThan(4.9);
    const x1 = x.filter((_, i) => k[i] === 0);
    expect(Math.abs(x1.reduce((s, v) => s + v, 0) / x1.length)).toBeLessThan(0.05);
    const noise = y.map((v, i) => v - x[i]);
    const varNoise = noise.reduce((s, v) => s + v * v, 0) / noise.length;
    expect(varNoise).toBeGreaterThan(0.95);
    expect(varNoise).toBeLessThan(1.05);
  });

  it("posterior: p(k|y) and p(z|y,k=2) in closed form; the x mixture integrates p(y) correctly", () => {
    const p = openUniversePosterior(settings, -3.5);
    const l1 = logN(-3.5, 0, Math.SQRT2) + Math.log(0.5);
    const l2 = Math.log(0.25) + logN(-3.5, -5, Math.SQRT2);
    const l3 = Math.log(0.25) + logN(-3.5, 5, Math.SQRT2);
    const tot = Math.exp(l1) + Math.exp(l2) + Math.exp(l3);
    expect(p.k[0]).toBeCloseTo(Math.exp(l1) / tot, 12);
    expect(p.z[0]).toBeCloseTo(Math.exp(l2) / (Math.exp(l2) + Math.exp(l3)), 12);
    expect(p.logMarginal).toBeCloseTo(Math.log(tot), 12);
    expect(p.x.means[0]).toBeCloseTo(-1.75, 12);
    expect(p.x.stds[0]).toBeCloseTo(Math.SQRT1_2, 12);
    expect(openUniversePriorDensityX(settings, 0)).toBeCloseTo(0.5 * Math.exp(logN(0, 0, 1)) + 0.5 * Math.exp(logN(0, 5, 1)), 12);
  });

  it("the closed-form p(y) is the model's log joint summed over k, z and integrated over x", () => {
    const y = 2.2;
    const h = 0.005;
    const xs = Array.from({ length: 4001 }, (_, i) => -10 + i * h);
    let total = 0;
    for (const [kk, zz] of [[0, 0], [1, 0], [1, 1]]) {
      const n = xs.length;
      const lp = noGrad(() =>
        engine.logJoint({ k: new Int32Array(n).fill(kk), z: new Int32Array(n).fill(zz), x: Tensor.from(xs, [n, 1]) }, { obs: Tensor.full([n, 1], y) }).toArray(),
      );
      total += lp.reduce((s, v, i) => s + Math.exp(v) * (i === 0 || i === n - 1 ? h / 2 : h), 0);
    }
    expect(Math.log(total)).toBeCloseTo(openUniversePosterior(settings, y).logMarginal, 8);
  });

  it("rejects bad options; missing or misshapen values name the site", () => {
    expect(() => openUniverseModel({ branchWeights: [0.6, 0.6] })).toThrow(DomainError);
    expect(() => openUniverseModel({ obsStd: 0 })).toThrow(AmortviError);
    expect(() => openUniverseModel({ componentMeans: [NaN, 1] })).toThrow(/componentMeans/);
    const data = { y: Tensor.from([1, 2], [2, 1]) };
    expect(() => model.logJoint({ k: new Int32Array([0]), z: new Int32Array([0, 0]), x: Tensor.from([0, 0], [2, 1]) }, data)).toThrow(ShapeError);
    expect(() => model.logJoint({ k: new Int32Array([0]), z: new Int32Array([0, 0]), x: Tensor.from([0, 0], [2, 1]) }, data)).toThrow(/site "k"/);
    expect(() => model.logJoint({ k: new Int32Array([0, 1]), z: new Int32Array([0, 0]) }, data)).toThrow(MissingValueError);
    expect(() => model.logJoint({ k: new Int32Array([0, 1]), z: new Int32Array([0, 0]) }, data)).toThrow(/site "x"/);
    expect(() => openUniversePosterior(settings, Infinity)).toThrow(DomainError);
  });
});

describe("Note4Guide", () => {
  const model = engineModel(openUniverseModel());

  it("is written with the public API only: every name it imports is exported by the package entry", () => {
    const source = readFileSync(new URL("../../../../src/experiments/notes/open-universe-guide.ts", import.meta.url), "utf8");
    const imports = [...source.matchAll(/import\s+(type\s+)?\{([^}]*)\}\s+from\s+"([^"]+)"/g)];
    expect(imports.length).toBeGreaterThan(5);
    const exported = new Set(Object.keys(amortvi));
    for (const [, isType, names] of imports) {
      if (isType) continue; // interfaces (Guide, Batch, ParamStore type) are public types
      for (const raw of names.split(",")) {
        const name = raw.trim().replace(/^type\s+/, "").split(/\s+as\s+/)[0];
        if (!name || raw.trim().startsWith("type ")) continue;
        expect(exported.has(name), `${name} is public`).toBe(true);
      }
    }
    // and the same class is reachable from the studies' entry point (amortvi/experiments)
    expect(experiments.Note4Guide).toBe(Note4Guide);
  });

  it("sample: k, z scored (logQScore), x reparameterized; logProb of the draw equals its logQ", () => {
    const guide = new Note4Guide({ rng: 1 });
    const batch = { obs: Tensor.from([-7, -1, 0, 2, 7], [5, 1]) };
    const out = noGrad(() => {
      const d = guide.sample(batch, new Rng(4));
      return { logQ: d.logQ.toArray(), score: d.logQScore!.toArray(), again: guide.logProb(d.values, batch).toArray(), k: d.values.k as Int32Array };
    });
    out.again.forEach((v, i) => expect(v).toBeCloseTo(out.logQ[i], 10));
    out.score.forEach((v, i) => expect(v).toBeLessThan(0));
    expect(out.k.length).toBe(5);
    // the outputs helper gives normalized probabilities
    for (const o of guide.outputs([-7, 0, 7])) {
      expect(o.k[0] + o.k[1]).toBeCloseTo(1, 12);
      expect(o.z[0] + o.z[1]).toBeCloseTo(1, 12);
      o.x.stds.forEach((s) => expect(s).toBeGreaterThan(0));
    }
  });

  it("plugs into qp, pq, IWAE and RWS unchanged: finite losses, gradients reach every network", () => {
    const guide = new Note4Guide({ rng: 2 });
    const rng = new Rng(5);
    const losses = [
      () => qpLoss(model, guide, model.sampleJoint!(64, rng).batch, rng, { baseline: new RunningAverageBaseline() }),
      () => pqLoss(model, guide, 64, rng),
      () => iwaeLoss(model, guide, model.sampleJoint!(16, rng).batch, rng, { particles: 5 }),
      () => rwsLoss(model, guide, model.sampleJoint!(16, rng).batch, rng, { particles: 5, alpha: 0.5 }),
    ];
    const store = guide.params[0];
    for (const f of losses) {
      store.zeroGrad();
      const v = valueAndGrad(f);
      expect(Number.isFinite(v)).toBe(true);
      for (const prefix of ["k.", "z.", "mean1.", "logStd1.", "mean2.", "logStd2."]) {
        const names = store.names.filter((n: string) => n.startsWith(prefix));
        const norm = names.reduce((s: number, n: string) => s + store.get(n).grad!.toArray().reduce((a, g) => a + g * g, 0), 0);
        expect(norm, `${prefix} gets a gradient`).toBeGreaterThan(0);
      }
    }
  });

  it("rejects observations that are not [B, 1]", () => {
    const guide = new Note4Guide();
    expect(() => guide.sample({ obs: Tensor.from([1, 2], [1, 2]) }, new Rng(0))).toThrow(ShapeError);
  });
});
