import { describe, expect, it } from "vitest";
import { Rng } from "../../src/core/rng.js";
import { Tensor } from "../../src/core/tensor.js";
import { AmortviError, DomainError } from "../../src/core/errors.js";
import { noGrad, valueAndGrad } from "../../src/autodiff/tape.js";
import { normalLogProb, normalRsample } from "../../src/autodiff/ops/gaussian.js";
import { shift, scale } from "../../src/autodiff/ops/unary.js";
import { elboEstimate, iwaeLogLikelihood, iwaeLoss } from "../../src/infer/objectives/importance-weighted.js";
import { repeatBatch } from "../../src/infer/particles.js";
import { qpLoss } from "../../src/infer/objectives/elbo.js";
import type { Guide } from "../../src/models/guide.js";
import type { Batch, LatentValues, Model } from "../../src/models/model.js";
import { gaussianMlpGuide, note1Like, note2Like } from "../helpers/notes-models.js";

/** q(x|y) = N(a y + b, c^2) with fixed a, b, c (no parameters). */
function linearGuide(a: number, b: number, c: number): Guide {
  const logC = Tensor.from([Math.log(c)], [1], "persistent");
  const mean = (batch: Batch) => shift(scale(batch.obs, a), b);
  return {
    params: [],
    sample(batch, rng) {
      const m = mean(batch);
      const x = normalRsample(m, logC, rng.normal([batch.obs.rows, 1]));
      return { values: { x }, logQ: normalLogProb(x, m, logC), logQScore: null };
    },
    logProb(values: LatentValues, batch) {
      return normalLogProb(values.x as Tensor, mean(batch), logC);
    },
  };
}

describe("iwae", () => {
  const model = note1Like();
  const ys = [-2, 0.5, 3];
  const batch = () => ({ obs: Tensor.from(ys, [3, 1]) });

  it("with the exact posterior as q every weight is p(y): bound = ELBO = log p(y)", () => {
    const exact = linearGuide(0.5, 0, Math.SQRT1_2);
    const iw = iwaeLogLikelihood(model, exact, batch(), 50, new Rng(1));
    const el = elboEstimate(model, exact, batch(), 50, new Rng(1));
    ys.forEach((y, i) => {
      const logPy = model.posterior(y).logMarginal;
      expect(iw[i]).toBeCloseTo(logPy, 10);
      expect(el[i]).toBeCloseTo(logPy, 10);
    });
    const loss = noGrad(() => iwaeLoss(model, exact, batch(), new Rng(2), { particles: 7 }).item());
    expect(loss).toBeCloseTo(-ys.reduce((s, y) => s + model.posterior(y).logMarginal, 0) / 3, 10);
  });

  it("with a poor q, on average over 300 estimates per y: ELBO < IWAE(K=10) < IWAE(K=200) ~ log p(y)", () => {
    const poor = linearGuide(0.2, 0.3, 1.3);
    const R = 300;
    const many = () => ({ obs: Tensor.from(ys.flatMap((y) => new Array(R).fill(y)), [ys.length * R, 1]) });
    const average = (v: Float64Array) => ys.map((_, i) => v.slice(i * R, (i + 1) * R).reduce((s, x) => s + x, 0) / R);
    const el = average(elboEstimate(model, poor, many(), 10, new Rng(3)));
    const iw10 = average(iwaeLogLikelihood(model, poor, many(), 10, new Rng(4)));
    const iw200 = average(iwaeLogLikelihood(model, poor, many(), 200, new Rng(5), 30_000));
    ys.forEach((y, i) => {
      const logPy = model.posterior(y).logMarginal;
      expect(el[i]).toBeLessThan(iw10[i] - 0.1);
      expect(iw10[i]).toBeLessThan(iw200[i]);
      expect(iw200[i]).toBeLessThan(logPy + 0.01);
      expect(iw200[i]).toBeGreaterThan(logPy - 0.05);
    });
  });

  it("K = 1 is the qp loss (same draws, same value)", () => {
    const guide = gaussianMlpGuide(model, 8, 1);
    const a = noGrad(() => iwaeLoss(model, guide, batch(), new Rng(9), { particles: 1 }).item());
    const b = noGrad(() => qpLoss(model, guide, batch(), new Rng(9)).item());
    expect(a).toBeCloseTo(b, 12);
  });

  it("training a guide on the IWAE loss moves it toward the posterior (loss decreases, gradients finite)", () => {
    const m2 = note2Like();
    const guide = gaussianMlpGuide(m2, 8, 2);
    const rng = new Rng(11);
    const evalBatch = noGrad(() => ({ obs: Tensor.from(m2.sampleJoint(200, new Rng(12)).batch.obs.toArray(), [200, 1], "persistent") }));
    const before = iwaeLogLikelihood(m2, guide, evalBatch, 10, new Rng(13)).reduce((s, v) => s + v, 0);
    const store = guide.params[0];
    for (let i = 0; i < 150; i++) {
      valueAndGrad(() => iwaeLoss(m2, guide, m2.sampleJoint(50, rng).batch, rng, { particles: 5 }));
      for (const n of store.names) {
        const p = store.get(n);
        p.view().forEach((v, j, arr) => (arr[j] = v - 0.01 * p.grad!.view()[j]));
      }
      store.zeroGrad();
    }
    const after = iwaeLogLikelihood(m2, guide, evalBatch, 10, new Rng(13)).reduce((s, v) => s + v, 0);
    expect(after).toBeGreaterThan(before);
  });

  it("repeatBatch repeats obs, index and context row by row", () => {
    const b = noGrad(() => repeatBatch({ obs: Tensor.from([1, 2], [2, 1]), index: new Int32Array([4, 7]), context: Tensor.from([5, 6], [2, 1]) }, 3));
    expect(b.obs.toArray()).toEqual([1, 1, 1, 2, 2, 2]);
    expect(Array.from(b.index!)).toEqual([4, 4, 4, 7, 7, 7]);
    expect(b.context!.toArray()).toEqual([5, 5, 5, 6, 6, 6]);
  });

  it("rejects bad particle counts and models with global latents", () => {
    const guide = gaussianMlpGuide(model, 4, 0);
    expect(() => iwaeLoss(model, guide, batch(), new Rng(0), { particles: 0 })).toThrow(AmortviError);
    expect(() => iwaeLogLikelihood(model, guide, batch(), 2.5, new Rng(0))).toThrow(/K/);
    const withGlobal: Model = { ...model, name: "g", latents: [{ name: "theta", scope: "global", dim: 1, support: { kind: "real" } }], obsDim: 1, logJoint: model.logJoint.bind(model) };
    expect(() => iwaeLoss(withGlobal, guide, batch(), new Rng(0))).toThrow(DomainError);
  });
});
