import { describe, expect, it } from "vitest";
import { Rng } from "../../src/core/rng.js";
import { Tensor } from "../../src/core/tensor.js";
import { DomainError } from "../../src/core/errors.js";
import { noGrad, valueAndGrad } from "../../src/autodiff/tape.js";
import { drawParticles } from "../../src/infer/particles.js";
import { pqLoss } from "../../src/infer/objectives/forward-kl.js";
import { rwsLoss, wakePhiLoss } from "../../src/infer/objectives/wake-sleep.js";
import { Adam } from "../../src/optim/adam.js";
import { cosineDecay } from "../../src/optim/schedule.js";
import { gaussianMlpGuide, note1Like } from "../helpers/notes-models.js";

describe("rws", () => {
  const model = note1Like();
  const batch = () => ({ obs: Tensor.from([-1.5, 0.2, 2.5], [3, 1]) });

  it("wake-phi = -(1/B) sum_b sum_k w~_bk log q(z_bk | y_b) with self-normalized weights", () => {
    const guide = gaussianMlpGuide(model, 8, 3);
    const K = 6;
    const loss = noGrad(() => wakePhiLoss(model, guide, batch(), new Rng(7), { particles: K }).item());
    const want = noGrad(() => {
      const p = drawParticles(model, guide, batch(), K, new Rng(7));
      const logW = p.logWeights.toRows();
      const logQ = p.draw.logQ.toArray();
      let total = 0;
      logW.forEach((row, b) => {
        const m = Math.max(...row);
        const z = row.reduce((s, v) => s + Math.exp(v - m), 0);
        row.forEach((v, k) => (total += (Math.exp(v - m) / z) * logQ[b * K + k]));
      });
      return -total / 3;
    });
    expect(loss).toBeCloseTo(want, 10);
  });

  it("wake-phi alone (alpha = 1) fits the exact note-1 posterior N(y/2, 1/2)", () => {
    const guide = gaussianMlpGuide(model, 8, 4);
    const opt = new Adam(guide.params, { lr: 1e-2, schedule: cosineDecay(600, 0.05) });
    const rng = new Rng(8);
    for (let i = 0; i < 600; i++) {
      valueAndGrad(() => rwsLoss(model, guide, model.sampleJoint(64, rng).batch, rng, { particles: 10, alpha: 1 }));
      opt.step();
    }
    const out = noGrad(() => {
      const f = guide.localFactors({ obs: Tensor.from([-2, 0, 2], [3, 1]) }).x;
      return { mean: f.mean.toArray(), std: f.logStd.toArray().map(Math.exp) };
    });
    [-2, 0, 2].forEach((y, i) => {
      expect(Math.abs(out.mean[i] - y / 2)).toBeLessThan(0.1);
      expect(Math.abs(out.std[i] - Math.SQRT1_2)).toBeLessThan(0.08);
    });
  });

  it("alpha = 0 is the sleep phase (pqLoss), alpha in (0, 1) mixes; alpha outside [0, 1] is rejected", () => {
    const guide = gaussianMlpGuide(model, 8, 5);
    const sleep = noGrad(() => rwsLoss(model, guide, batch(), new Rng(9), { alpha: 0 }).item());
    expect(sleep).toBeCloseTo(noGrad(() => pqLoss(model, guide, 3, new Rng(9)).item()), 12);
    const mixed = noGrad(() => rwsLoss(model, guide, batch(), new Rng(9), { alpha: 0.25, particles: 4 }).item());
    expect(Number.isFinite(mixed)).toBe(true);
    expect(() => rwsLoss(model, guide, batch(), new Rng(9), { alpha: 1.5 })).toThrow(DomainError);
    expect(() => wakePhiLoss(model, guide, batch(), new Rng(9), { particles: 0 })).toThrow(/particles/);
  });
});
