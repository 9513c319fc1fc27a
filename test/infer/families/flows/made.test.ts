import { describe, expect, it } from "vitest";
import { Made, madeDegrees, madeMask, variableDegree } from "../../../../src/infer/families/flows/made.js";
import { ParamSpecs } from "../../../../src/nn/module.js";
import { Rng } from "../../../../src/core/rng.js";
import { Tensor } from "../../../../src/core/tensor.js";
import { ShapeError } from "../../../../src/core/errors.js";
import { noGrad } from "../../../../src/autodiff/tape.js";

/** A built MADE whose parameters (the zero-initialized output layer too) are all drawn from N(0, scale^2). */
function perturbedMade(dim: number, context: number, reversed: boolean, hidden = [16, 16], seed = 1): Made {
  const specs = new ParamSpecs();
  const made = new Made(specs, dim, { hidden, context, reversed, activation: "tanh" });
  const store = specs.build(new Rng(seed));
  store.values.set(new Rng(seed + 100).normal([store.values.size]).toArray().map((v) => 0.5 * v));
  return made;
}

/** MADE outputs [2 dim] for one input row x and context row c. */
function outputs(made: Made, x: number[], c: number[]): number[] {
  return noGrad(() => made.forward(Tensor.from(x, [1, x.length]), c.length ? Tensor.from(c, [1, c.length]) : null).toArray());
}

describe("MADE degrees and masks", () => {
  it("numbers variables by their order, cycles hidden degrees and masks strictly at the output", () => {
    const [input, hidden, output] = madeDegrees(3, [5], 0, false);
    expect(Array.from(input)).toEqual([1, 2, 3]);
    expect(Array.from(hidden)).toEqual([1, 2, 1, 2, 1]);
    expect(Array.from(output)).toEqual([1, 2, 3, 1, 2, 3]);
    expect(Array.from(madeDegrees(3, [4], 2, true)[0])).toEqual([3, 2, 1, 0, 0]);
    expect(Array.from(madeDegrees(3, [4], 2, true)[1])).toEqual([0, 1, 2, 0]);
    expect(Array.from(madeDegrees(1, [3], 0, false)[1])).toEqual([0, 0, 0]);
    // hidden unit k sees input i when d(k) >= d(i); output c sees hidden k when d(c) > d(k)
    expect(Array.from(madeMask(Int32Array.from([1, 2]), Int32Array.from([1, 2, 1]), false))).toEqual([1, 1, 1, 0, 1, 0]);
    expect(Array.from(madeMask(Int32Array.from([1, 2]), Int32Array.from([1, 2]), true))).toEqual([0, 1, 0, 0]);
    expect([0, 1, 2].map((j) => variableDegree(j, 3, true))).toEqual([3, 2, 1]);
  });
});

describe.each([false, true])("MADE, reversed %s", (reversed) => {
  it.each([
    [4, 2],
    [5, 0],
  ])("is autoregressive: with dim %i and context %i, output j moves with x_i exactly when i comes before j", (dim, context) => {
    const made = perturbedMade(dim, context, reversed);
    const rng = new Rng(3);
    const x = rng.normal([dim]).toArray();
    const c = context ? rng.normal([context]).toArray() : [];
    const base = outputs(made, x, c);
    for (let i = 0; i < dim; i++) {
      const moved = outputs(made, x.map((v, k) => (k === i ? v + 0.7 : v)), c);
      for (let j = 0; j < dim; j++) {
        const before = variableDegree(i, dim, reversed) < variableDegree(j, dim, reversed);
        for (const col of [j, dim + j]) {
          if (before) expect(moved[col]).not.toBe(base[col]);
          else expect(moved[col]).toBe(base[col]); // masked weights are exact zeros: bit-identical
        }
      }
    }
  });

  it("lets the context move every output, the first variable's too", () => {
    const made = perturbedMade(3, 2, reversed);
    const x = [0.3, -0.4, 1.1];
    const base = outputs(made, x, [0.2, -0.5]);
    const moved = outputs(made, x, [0.9, -0.5]);
    base.forEach((v, col) => expect(moved[col]).not.toBe(v));
  });
});

describe("MADE edge cases", () => {
  it("starts with a zero output (the identity step of a flow)", () => {
    const specs = new ParamSpecs();
    const made = new Made(specs, 3, { hidden: [8], context: 2, reversed: false, activation: "tanh" });
    specs.build(new Rng(0));
    expect(outputs(made, [1, 2, 3], [4, 5])).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it("with dim 1 depends on the context only, and without context is a constant", () => {
    const made = perturbedMade(1, 3, false, [6]);
    const a = outputs(made, [0.5], [0.1, 0.2, 0.3]);
    expect(outputs(made, [-2], [0.1, 0.2, 0.3])).toEqual(a);
    expect(outputs(made, [0.5], [0.1, 0.7, 0.3])).not.toEqual(a);
    const bare = perturbedMade(1, 0, false, [6]);
    expect(outputs(bare, [3], [])).toEqual(outputs(bare, [-1], []));
  });

  it("names x or a context of the wrong shape", () => {
    const made = perturbedMade(2, 3, false, [4]);
    expect(() => made.forward(Tensor.zeros([2, 3]), Tensor.zeros([2, 3]))).toThrow(new ShapeError("x", "a tensor [rows, 2]", "shape [2, 3]"));
    expect(() => made.forward(Tensor.zeros([2, 2]), Tensor.zeros([2, 4]))).toThrow(new ShapeError("context", "a tensor [2, 3]", "shape [2, 4]"));
    expect(() => made.forward(Tensor.zeros([2, 2]), null)).toThrow(/context: expected a tensor \[2, 3\], received null/);
  });
});
