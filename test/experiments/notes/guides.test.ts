// The note-1 and note-2 inference networks are the library's amortized
// Gaussian family (makeFamily kind "avi"): polynomialNet(1) started at
// a = b = c = 2, and two tanh MLPs.
import { describe, expect, it } from "vitest";
import { MLP, ParamSpecs, Rng, Tensor, noGrad, valueAndGrad } from "../../../src/index.js";
import { engineModel } from "../../../src/low-level.js";
import { pqLoss, qpLoss } from "../../../src/low-level.js";
import { gaussianGaussianModel, mixturePriorModel } from "../../../src/experiments/index.js";
import { NOTE1_INIT, note1Guide } from "../../../src/experiments/notes/note1.js";
import { note2Guide } from "../../../src/experiments/notes/note2.js";
import { affineCoefficients, normalMoments } from "../../../src/experiments/notes/guide-readout.js";

const logPdf = (x: number, m: number, s: number) => -0.5 * ((x - m) / s) ** 2 - Math.log(s) - 0.5 * Math.log(2 * Math.PI);
const obs = (ys: number[]) => ({ obs: Tensor.from(ys, [ys.length, 1]) });

describe("note-1 guide q(x|y) = N(a y + b, c^2): the A-VI family with polynomialNet(1)", () => {
  const model = gaussianGaussianModel();

  it("starts at a = b = c = 2; its draws and log q follow N(a y + b, c^2)", () => {
    const g = note1Guide(model);
    expect(affineCoefficients(g)).toEqual(NOTE1_INIT);
    const ys = [-1, 0, 3];
    const d = noGrad(() => {
      const s = g.sample(obs(ys), new Rng(1));
      return { x: (s.values.x as Tensor).toArray(), logQ: s.logQ.toArray(), score: s.logQScore };
    });
    expect(d.score).toBeNull();
    d.logQ.forEach((v, i) => expect(v).toBeCloseTo(logPdf(d.x[i], 2 * ys[i] + 2, 2), 10));
    const xs = [0.5, 1, 2];
    noGrad(() => g.logProb({ x: Tensor.from(xs, [3, 1]) }, obs(ys)).toArray()).forEach((v, i) => expect(v).toBeCloseTo(logPdf(xs[i], 2 * ys[i] + 2, 2), 10));
    expect(normalMoments(g, [1, -2])).toEqual({ mean: [4, -2], std: [2, 2] });
    expect(affineCoefficients(note1Guide(model, { a: 0.1, b: -1, c: 0.5 }))).toEqual({ a: 0.1, b: -1, c: 0.5 });
  });

  it("both losses give finite, non-zero gradients for a, b and log c (its three parameters)", () => {
    const engine = engineModel(model);
    for (const loss of ["qp", "pq"]) {
      const g = note1Guide(model, { a: 0.1, b: -1, c: 0.5 });
      const rng = new Rng(2);
      valueAndGrad(() => (loss === "qp" ? qpLoss(engine, g, engine.sampleJoint!(8, rng).batch, rng) : pqLoss(engine, g, 8, rng)));
      const grads = g.params[0].grads.toArray();
      expect(grads).toHaveLength(3);
      expect(grads.every((v) => Number.isFinite(v) && v !== 0)).toBe(true);
      g.params[0].zeroGrad();
    }
  });
});

describe("note-2 guide q(x|y) = N(eta1(y), exp(eta2(y))^2): the A-VI family with two tanh MLPs", () => {
  const model = mixturePriorModel();

  it("its networks are two tanh MLPs 1-h-h-1 (mean, then log-std) initialized from the seed", () => {
    const g = note2Guide(model, [8, 8], 4);
    const specs = new ParamSpecs();
    const mean = new MLP([1, 8, 8, 1], { activation: "tanh", specs: specs.scope("mean") });
    const logStd = new MLP([1, 8, 8, 1], { activation: "tanh", specs: specs.scope("logStd") });
    specs.build(new Rng(4));
    const ys = [-2, 0.5, 4];
    const want = noGrad(() => ({ mean: mean.forward(obs(ys).obs).toArray(), std: logStd.forward(obs(ys).obs).toArray().map(Math.exp) }));
    expect(normalMoments(g, ys)).toEqual(want);
  });

  it("log q matches its reported moments", () => {
    const g = note2Guide(model, [8, 8], 4);
    const ys = [-2, 0.5, 4];
    const { mean, std } = normalMoments(g, ys);
    std.forEach((s) => expect(s).toBeGreaterThan(0));
    const xs = [0, 1, -1];
    noGrad(() => g.logProb({ x: Tensor.from(xs, [3, 1]) }, obs(ys)).toArray()).forEach((v, i) => expect(v).toBeCloseTo(logPdf(xs[i], mean[i], std[i]), 10));
  });
});
