import { describe, expect, it } from "vitest";
import { maskedDense, shiftLogScale } from "../../src/autodiff/ops/masked.js";
import type { Activation } from "../../src/autodiff/ops/linalg.js";
import { DomainError, ShapeError, UnknownNameError } from "../../src/core/errors.js";
import { Rng } from "../../src/core/rng.js";
import { Tensor } from "../../src/core/tensor.js";
import { backward, clearTape, startRecording, stopRecording } from "../../src/autodiff/tape.js";
import { sum } from "../../src/autodiff/ops/reduce.js";
import { CHECK_SHAPES, gradCheck } from "../helpers/gradcheck.js";

const F: Partial<Record<Activation, (z: number) => number>> = {
  identity: (z) => z,
  tanh: Math.tanh,
  relu: (z) => Math.max(z, 0),
  sigmoid: (z) => 1 / (1 + Math.exp(-z)),
};

/** Gradient of sum(f()) with respect to t (a persistent leaf), via the tape. */
function gradientOfSum(f: () => Tensor, t: Tensor): number[] {
  startRecording();
  const out = sum(f());
  stopRecording();
  backward(out);
  const g = t.grad!.toArray();
  clearTape();
  return g;
}

/** A 0/1 mask [nIn, nOut] with about half the entries set (a fixed pattern from the seed). */
function randomMask(nIn: number, nOut: number, seed: number): number[] {
  const u = new Rng(seed).uniform([nIn * nOut]).toArray();
  return u.map((v) => (v < 0.5 ? 1 : 0));
}

/** Plain-JS act(x (W ⊙ M) + b) on flat row-major arrays. */
function maskedDenseReference(x: number[], W: number[], M: number[], b: number[], B: number, nIn: number, nOut: number, f: (z: number) => number): number[] {
  const y: number[] = [];
  for (let r = 0; r < B; r++) {
    for (let j = 0; j < nOut; j++) {
      let acc = b[j];
      for (let i = 0; i < nIn; i++) acc += x[r * nIn + i] * W[i * nOut + j] * M[i * nOut + j];
      y.push(f(acc));
    }
  }
  return y;
}

describe("maskedDense", () => {
  it.each(Object.keys(F) as Activation[])("%s: y = act(x (W ⊙ M) + b) as a plain-JS triple loop", (activation) => {
    const [B, nIn, nOut] = [5, 7, 9];
    const rng = new Rng(4);
    const x = rng.normal([B, nIn]).toArray();
    const W = rng.normal([nIn, nOut]).toArray();
    const b = rng.normal([nOut]).toArray();
    const M = randomMask(nIn, nOut, 8);
    const y = maskedDense(Tensor.from(x, [B, nIn]), Tensor.from(W, [nIn, nOut]), Tensor.from(M, [nIn, nOut]), Tensor.from(b), activation).toArray();
    const want = maskedDenseReference(x, W, M, b, B, nIn, nOut, F[activation]!);
    y.forEach((v, i) => expect(v).toBeCloseTo(want[i], 13));
  });

  it("without a bias equals the masked product", () => {
    const x = [[1, 2]];
    const y = maskedDense(Tensor.from(x), Tensor.from([[3, 4], [5, 6]]), Tensor.from([[1, 0], [0, 1]]), null);
    expect(y.toRows()).toEqual([[3, 12]]);
  });

  describe.each(["identity", "tanh"] as Activation[])("gradient (%s)", (activation) => {
    it.each(CHECK_SHAPES)("matches finite differences in x, W and b for B=%i, in=%i (out = in + 2)", (B, nIn) => {
      const nOut = nIn + 2;
      const M = randomMask(nIn, nOut, B * 10 + nIn);
      // W's masked-out entries must get a zero gradient: finite differences see no change there
      const err = gradCheck((x, W, mask, b) => maskedDense(x, W, mask, b, activation), [
        { shape: [B, nIn] },
        { shape: [nIn, nOut] },
        { shape: [nIn, nOut], values: M, constant: true },
        { shape: [nOut] },
      ]);
      expect(err).toBeLessThan(1e-6);
    });
  });

  it("gives masked-out weights exactly zero gradient and the others a nonzero one", () => {
    const M = randomMask(6, 5, 3);
    const W = new Rng(2).normal([6, 5], "persistent");
    W.requiresGrad = true;
    const x = new Rng(3).normal([4, 6], "persistent");
    const g = gradientOfSum(() => maskedDense(x, W, Tensor.from(M, [6, 5]), null, "tanh"), W);
    M.forEach((m, i) => (m === 0 ? expect(g[i]).toBe(0) : expect(g[i]).not.toBe(0)));
    expect(M.filter((m) => m === 0).length).toBeGreaterThan(5);
  });

  it("names the argument whose shape or activation is wrong", () => {
    const x = Tensor.zeros([2, 3]);
    const W = Tensor.zeros([3, 4]);
    expect(() => maskedDense(x, W, Tensor.zeros([4, 3]), null)).toThrow(new ShapeError("mask", "a tensor [3, 4] (the shape of W)", "shape [4, 3]"));
    expect(() => maskedDense(x, Tensor.zeros([2, 4]), Tensor.zeros([2, 4]), null)).toThrow(/^W: expected a tensor \[3, out\]/);
    expect(() => maskedDense(x, W, Tensor.zeros([3, 4]), Tensor.zeros([3]))).toThrow(new ShapeError("b", "a tensor [4]", "shape [3]"));
    expect(() => maskedDense(x, W, Tensor.zeros([3, 4]), null, "swish" as Activation)).toThrow(UnknownNameError);
    expect(() => maskedDense(x, W, Tensor.zeros([3, 4]), null, "leakyRelu", -1)).toThrow(DomainError);
  });
});

describe("shiftLogScale", () => {
  const rows = 3;
  const dim = 5;
  const P = 2 * dim + 3; // a context row: (shift, log-scale, 3 more values that are ignored)
  const rng = new Rng(11);
  const x = rng.normal([rows, dim]).toArray();
  const h = rng.normal([rows, P]).toArray();

  it.each(["generate", "normalize"] as const)("%s: the closed form, and logDet = log |det dy/dx|", (direction) => {
    const out = shiftLogScale(Tensor.from(x, [rows, dim]), Tensor.from(h, [rows, P]), direction);
    const y = out.value.toArray();
    const ld = out.logDet.toArray();
    for (let r = 0; r < rows; r++) {
      let logDet = 0;
      for (let j = 0; j < dim; j++) {
        const m = h[r * P + j];
        const s = h[r * P + dim + j];
        const want = direction === "generate" ? x[r * dim + j] * Math.exp(s) + m : (x[r * dim + j] - m) * Math.exp(-s);
        expect(y[r * dim + j]).toBeCloseTo(want, 13);
        // dy_j/dx_j, by a central difference of the closed form (the Jacobian is diagonal here)
        const e = 1e-6;
        const f = (v: number) => (direction === "generate" ? v * Math.exp(s) + m : (v - m) * Math.exp(-s));
        logDet += Math.log(Math.abs((f(x[r * dim + j] + e) - f(x[r * dim + j] - e)) / (2 * e)));
      }
      expect(ld[r]).toBeCloseTo(logDet, 8);
    }
  });

  it("normalize inverts generate", () => {
    const params = Tensor.from(h, [rows, P]);
    const y = shiftLogScale(Tensor.from(x, [rows, dim]), params, "generate").value;
    const back = shiftLogScale(y, params, "normalize").value.toArray();
    back.forEach((v, i) => expect(v).toBeCloseTo(x[i], 12));
  });

  describe.each(["generate", "normalize"] as const)("gradient (%s)", (direction) => {
    it.each([1, 2, 3, 6])("matches finite differences in x and params for d=%i, value and logDet", (d) => {
      const shapes = [{ shape: [4, d] }, { shape: [4, 2 * d + 1] }];
      expect(gradCheck((a, p) => shiftLogScale(a, p, direction).value, shapes)).toBeLessThan(1e-6);
      expect(gradCheck((a, p) => shiftLogScale(a, p, direction).logDet, shapes)).toBeLessThan(1e-6);
    });
  });

  it("names params of the wrong width and an unknown direction", () => {
    expect(() => shiftLogScale(Tensor.zeros([2, 3]), Tensor.zeros([2, 5]), "generate")).toThrow(
      new ShapeError("params", "a tensor [2, P] with P >= 6 (shift, log-scale)", "shape [2, 5]"),
    );
    expect(() => shiftLogScale(Tensor.zeros([2, 3]), Tensor.zeros([2, 6]), "forward" as "generate")).toThrow(UnknownNameError);
  });
});
