// End-to-end check of the foundation: fit q(x|y) = N(a y + b, c^2) to the
// Gaussian model of note-1 (p(x) = N(0, 1), p(y|x) = N(x, 1)) with the qp loss
// (negative ELBO, reparameterized), built from raw ops, parameters, Adam and
// the tape only. Closed form: a* = 1/2, b* = 0, c* = 1/sqrt(2).
import { describe, expect, it } from "vitest";
import {
  Adam, ParamSpecs, Rng, Tensor, add, cosineDecay, inits, mean, mul, normalLogProb, normalRsample, sub, valueAndGrad,
} from "../../src/index.js";

function fitNote1(seed: number, steps: number, batch: number) {
  const specs = new ParamSpecs();
  const a = specs.add("a", [1], inits.constant(2));
  const b = specs.add("b", [1], inits.constant(2));
  const logC = specs.add("logC", [1], inits.constant(Math.log(2)));
  const store = specs.build(new Rng(seed));
  const opt = new Adam(store, { lr: 0.05, schedule: cosineDecay(steps, 0.01) });
  const rng = new Rng(seed + 1);
  const zero = Tensor.scalar(0, "persistent");
  for (let t = 0; t < steps; t++) {
    valueAndGrad(() => {
      const y = add(rng.normal([batch, 1]), rng.normal([batch, 1])); // y ~ p(y) = N(0, 2)
      const qMean = add(mul(y, a.tensor), b.tensor);
      const x = normalRsample(qMean, logC.tensor, rng.normal([batch, 1]));
      const logJoint = add(normalLogProb(x, zero, zero), normalLogProb(y, x, zero));
      return mean(sub(normalLogProb(x, qMean, logC.tensor), logJoint));
    });
    opt.step();
  }
  return { a: a.tensor.item(), b: b.tensor.item(), c: Math.exp(logC.tensor.item()) };
}

describe("note-1 with the qp loss on raw ops", () => {
  it("reaches a, b, c within 0.02 of the closed form", () => {
    const fit = fitNote1(7, 4000, 256);

    expect(Math.abs(fit.a - 0.5)).toBeLessThan(0.02);
    expect(Math.abs(fit.b - 0)).toBeLessThan(0.02);
    expect(Math.abs(fit.c - Math.SQRT1_2)).toBeLessThan(0.02);
  });

  it("is reproducible: same seed, same numbers", () => {
    expect(fitNote1(3, 200, 8)).toEqual(fitNote1(3, 200, 8));
  });
});
