import { describe, expect, test } from "vitest";
import { add } from "../../src/autodiff/ops/binary.js";
import { normalLogProb, normalRsample } from "../../src/autodiff/ops/gaussian.js";
import { scale } from "../../src/autodiff/ops/unary.js";
import { noGrad, valueAndGrad } from "../../src/autodiff/tape.js";
import { DomainError } from "../../src/core/errors.js";
import { Rng } from "../../src/core/rng.js";
import { Tensor } from "../../src/core/tensor.js";
import type { Batch, LatentValues, Model } from "../../src/models/model.js";
import { vae as makeVae } from "../../src/infer/vae.js";
import { asEngineModel } from "../../src/model/engine-model.js";
import { iwaeLoss } from "../../src/infer/objectives/importance-weighted.js";
import { drawParticles, repeatBatch } from "../../src/infer/particles.js";
import type { Proposal } from "../../src/models/guide.js";
import { qpLoss } from "../../src/infer/objectives/elbo.js";

// z ~ N(0, 1), x | z ~ N(z, 1): p(x) = N(0, 2), p(z | x) = N(x / 2, 1 / 2).
const zero = Tensor.zeros([1], "persistent");
const model: Model = {
  name: "gauss",
  latents: [{ name: "z", scope: "local", dim: 1, support: { kind: "real" } }],
  obsDim: 1,
  logJoint: (v: LatentValues, b: Batch) => add(normalLogProb(v.z as Tensor, zero, zero), normalLogProb(b.obs, v.z as Tensor, zero)),
};
const halfLogStd = Tensor.full([1], 0.5 * Math.log(0.5), "persistent");
const exactPosterior: Proposal = {
  sample(batch: Batch, rng: Rng) {
    const m = scale(batch.obs, 0.5);
    const z = normalRsample(m, halfLogStd, rng.normal(m.shape));
    return { values: { z }, logQ: normalLogProb(z, m, halfLogStd), logQScore: null };
  },
};

describe("IWAE bound with any proposal (fixed posterior or VAE encoder with sampleRepeated)", () => {
  test("with the exact posterior every weight is p(x): the loss is -log p(x) for any K", () => {
    const x = [0.3, -1.2, 2];
    const logPx = x.map((v) => -0.5 * Math.log(2 * Math.PI * 2) - (v * v) / 4);
    const exact = -logPx.reduce((s, v) => s + v, 0) / x.length;
    for (const K of [1, 3, 50]) {
      const loss = noGrad(() => iwaeLoss(model, exactPosterior, { obs: Tensor.from(x, [3, 1]) }, new Rng(K), { particles: K }).item());
      expect(loss).toBeCloseTo(exact, 10);
    }
  });

  test("K = 1 is the negative ELBO of qpLoss (same draws); larger K tightens the bound", () => {
    const vae = makeVae({ obsDim: 2, hidden: 8, rng: 1 });
    const m = asEngineModel(vae.model);
    const obs = Tensor.from([[0.5, 1], [-1, 0.2], [2, -0.3]], undefined, "persistent");
    const iw1 = noGrad(() => iwaeLoss(m, vae.guide, { obs }, new Rng(7), { particles: 1 }).item());
    const qp = noGrad(() => qpLoss(m, vae.guide, { obs }, new Rng(7)).item());
    expect(iw1).toBeCloseTo(qp, 10);
    const avg = (K: number) => {
      let s = 0;
      for (let i = 0; i < 20; i++) s += noGrad(() => iwaeLoss(m, vae.guide, { obs }, new Rng(100 + i), { particles: K }).item());
      return s / 20;
    };
    expect(avg(20)).toBeLessThan(avg(1));
    // gradients reach both encoder and decoder
    valueAndGrad(() => iwaeLoss(m, vae.guide, { obs }, new Rng(1), { particles: 5 }));
    expect(vae.encoderParams.grads.toArray().some((g) => g !== 0)).toBe(true);
    expect(vae.decoderParams.grads.toArray().some((g) => g !== 0)).toBe(true);
    vae.encoderParams.zeroGrad();
    vae.decoderParams.zeroGrad();
  });

  test("repeatBatch repeats rows, indices and context in the repeatRows layout; weights are [B, K]", () => {
    noGrad(() => {
      const t = repeatBatch({ obs: Tensor.from([[1], [2]]), index: new Int32Array([4, 9]), context: Tensor.from([[5], [6]]) }, 3);
      expect(t.obs.toArray()).toEqual([1, 1, 1, 2, 2, 2]);
      expect(Array.from(t.index!)).toEqual([4, 4, 4, 9, 9, 9]);
      expect(t.context!.toArray()).toEqual([5, 5, 5, 6, 6, 6]);
      expect(drawParticles(model, exactPosterior, { obs: Tensor.from([[1], [2]]) }, 4, new Rng(0)).logWeights.shape).toEqual([2, 4]);
    });
  });

  test("bad input: K < 1", () => {
    const obs = Tensor.from([[1]], undefined, "persistent");
    expect(() => iwaeLoss(model, exactPosterior, { obs }, new Rng(0), { particles: 0 })).toThrow(DomainError);
    expect(() => iwaeLoss(model, exactPosterior, { obs }, new Rng(0), { particles: 0 })).toThrow(/particles/);
  });
});
