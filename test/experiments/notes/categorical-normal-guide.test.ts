import { describe, expect, it } from "vitest";
import { DomainError, Rng, ShapeError, Tensor, valueAndGrad } from "../../../src/index.js";
import { engineModel } from "../../../src/low-level.js";
import { qpLoss } from "../../../src/low-level.js";
import { CategoricalNormalGuide, discreteContinuousModel, gaussianGaussianModel } from "../../../src/experiments/index.js";
import { note1Guide } from "../../../src/experiments/notes/note1.js";

const logPdf = (x: number, m: number, s: number) => -0.5 * ((x - m) / s) ** 2 - Math.log(s) - 0.5 * Math.log(2 * Math.PI);
const obs = (ys: number[]) => ({ obs: Tensor.from(ys, [ys.length, 1]) });

describe("CategoricalNormalGuide q(z|y) q(x|y,z) (note-3's study guide)", () => {
  const model = engineModel(discreteContinuousModel());
  const g = new CategoricalNormalGuide({ K: 2, hidden: [8], rng: 3 });
  const ys = [-1, 0, 0.5, 2];

  it("log q = log q(z|y) + log N(x; mean(y,z), std(y,z)^2), consistent with outputs()", () => {
    const o = g.outputs(ys);
    o.probs.forEach((p) => expect(p[0] + p[1]).toBeCloseTo(1, 12));
    const z = Int32Array.from([0, 1, 1, 0]), xs = [0.1, -0.2, 1, 2];
    g.logProb({ z, x: Tensor.from(xs, [4, 1]) }, obs(ys)).toArray().forEach((v, i) => {
      expect(v).toBeCloseTo(Math.log(o.probs[i][z[i]]) + logPdf(xs[i], o.mean[i][z[i]], o.std[i][z[i]]), 9);
    });
  });

  it("samples z by score function unless it is given", () => {
    const free = g.sample(obs(ys), new Rng(1));
    expect(free.logQScore).not.toBeNull();
    const z = Int32Array.from([1, 1, 0, 0]);
    const fixed = g.sample(obs(ys), new Rng(1), { z });
    expect(fixed.logQScore).toBeNull();
    expect(fixed.values.z).toBe(z);
    expect(() => g.sample(obs(ys), new Rng(1), { z: Int32Array.from([0]) })).toThrow(ShapeError);
    expect(g.enumerationSite(obs(ys)).logits.shape).toEqual([4, 2]);
  });

  it("qpLoss with enumerate: true has the same expected gradient as the score-function estimator", () => {
    const store = g.params[0];
    const avg = (enumerate: boolean, reps: number) => {
      const rng = new Rng(enumerate ? 1 : 2);
      const acc = new Float64Array(store.size);
      for (let r = 0; r < reps; r++) {
        valueAndGrad(() => qpLoss(model, g, obs(ys), rng, { enumerate }));
        store.grads.toArray().forEach((v, i) => (acc[i] += v / reps));
        store.zeroGrad();
      }
      return acc;
    };
    const a = avg(true, 800), b = avg(false, 8000);
    let num = 0, den = 0;
    a.forEach((v, i) => { num += (v - b[i]) ** 2; den += v * v; });
    expect(Math.sqrt(num / den)).toBeLessThan(0.1);
  });

  it("rejects K = 0, a given x that is not a Tensor, and enumeration with a guide that has no enumeration site", () => {
    expect(() => new CategoricalNormalGuide({ K: 0 })).toThrow(/^K:/);
    expect(() => g.logProb({ z: Int32Array.from([0, 1, 1, 0]), x: Int32Array.from([0, 0, 0, 0]) }, obs(ys))).toThrow(/values\.x/);
    const m1 = gaussianGaussianModel();
    expect(() => qpLoss(engineModel(m1), note1Guide(m1), obs([1]), new Rng(0), { enumerate: true })).toThrow(DomainError);
  });
});
