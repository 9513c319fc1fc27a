import { describe, it, expect } from "vitest";
import { Tensor, matmul, dense, ShapeError, UnknownNameError, DomainError, type Activation } from "../../src/index.js";
import { activationCode } from "../../src/low-level.js";
import { gradCheck, CHECK_SHAPES } from "../helpers/gradcheck.js";

const ACTIVATIONS = Object.keys(activationCode) as Activation[];
const F: Record<Activation, (z: number) => number> = {
  identity: (z) => z,
  tanh: Math.tanh,
  relu: (z) => Math.max(z, 0),
  leakyRelu: (z) => (z > 0 ? z : 0.1 * z),
  softplus: (z) => Math.log1p(Math.exp(z)),
  sigmoid: (z) => 1 / (1 + Math.exp(-z)),
};

/** Plain nested-array product of a [M,K] and b [K,N]. */
function product(a: number[][], b: number[][]): number[][] {
  return a.map((row) => b[0].map((_, j) => row.reduce((s, v, k) => s + v * b[k][j], 0)));
}
const transpose = (a: number[][]) => a[0].map((_, j) => a.map((row) => row[j]));

const MKN: [number, number, number][] = [
  [1, 1, 1],
  [1, 3, 2],
  [3, 1, 5],
  [2, 5, 1],
  [5, 4, 3],
  [4, 7, 9],
];
const TRANS = [
  [false, false],
  [false, true],
  [true, false],
  [true, true],
] as const;

describe("matmul", () => {
  it.each(TRANS)("matches a triple loop, transA=%s transB=%s", (transA, transB) => {
    const a = [[1, 2, 3], [4, 5, -6]];
    const b = [[0.5, -1], [2, 0.25], [-3, 1.5]];
    const stored = (m: number[][], t: boolean) => Tensor.from(t ? transpose(m) : m);
    const c = matmul(stored(a, transA), stored(b, transB), { transA, transB });
    expect(c.shape).toEqual([2, 2]);
    expect(c.toRows()).toEqual(product(a, b));
  });

  describe.each(TRANS)("gradient, transA=%s transB=%s", (transA, transB) => {
    it.each(MKN)("matches finite differences for M=%i K=%i N=%i", (M, K, N) => {
      const shapeA = transA ? [K, M] : [M, K];
      const shapeB = transB ? [N, K] : [K, N];
      const err = gradCheck((a, b) => matmul(a, b, { transA, transB }), [{ shape: shapeA }, { shape: shapeB }]);
      expect(err).toBeLessThan(1e-6);
    });
  });

  it.each(TRANS)("accumulates both gradients into one input: a op a, transA=%s transB=%s", (transA, transB) => {
    expect(gradCheck((a) => matmul(a, a, { transA, transB }), [{ shape: [3, 3] }])).toBeLessThan(1e-6);
  });

  it("names the mismatched argument", () => {
    const a = Tensor.zeros([2, 3]);
    expect(() => matmul(a, Tensor.zeros([4, 2]))).toThrow(new ShapeError("b", "shape [3, *]", "shape [4, 2]"));
    expect(() => matmul(a, Tensor.zeros([2, 4]), { transB: true })).toThrow(ShapeError);
    expect(() => matmul(a, Tensor.zeros([3, 4]), { transA: true })).toThrow(/b: expected shape \[2, \*\]/);
    expect(() => matmul(Tensor.zeros([6]), Tensor.zeros([6, 1]))).toThrow(/^a: expected shape \[\*, \*\], received shape \[6\]$/);
  });
});

describe("dense", () => {
  it.each(ACTIVATIONS)("%s: y = act(x W + b)", (activation) => {
    const x = [[0.5, -1.5], [2, 0.1], [-0.3, -2]];
    const W = [[1, -0.5, 0.25], [0.75, 2, -1]];
    const b = [0.1, -0.2, 0.3];
    const y = dense(Tensor.from(x), Tensor.from(W), Tensor.from(b), activation, 0.1);
    const want = product(x, W).map((row) => row.map((v, j) => F[activation](v + b[j])));
    const got = y.toRows();
    got.forEach((row, r) => row.forEach((v, j) => expect(v).toBeCloseTo(want[r][j], 14)));
  });

  it("softplus and sigmoid stay finite and exact far in the tails", () => {
    const x = Tensor.from([[800], [-800]]);
    const W = Tensor.from([[1]]);
    expect(dense(x, W, null, "softplus").toArray()).toEqual([800, 0]);
    expect(dense(x, W, null, "sigmoid").toArray()).toEqual([1, 0]);
  });

  describe.each(ACTIVATIONS)("gradient, %s", (activation) => {
    it.each(CHECK_SHAPES)("matches finite differences for x [%i, %i], out 3", (B, nIn) => {
      const f = (x: Tensor, W: Tensor, b: Tensor) => dense(x, W, b, activation, 0.1);
      expect(gradCheck(f, [{ shape: [B, nIn] }, { shape: [nIn, 3] }, { shape: [3] }])).toBeLessThan(1e-6);
    });
    it.each([1, 2, 5])("matches finite differences without bias, out %i", (nOut) => {
      const f = (x: Tensor, W: Tensor) => dense(x, W, null, activation, 0.1);
      expect(gradCheck(f, [{ shape: [4, 3] }, { shape: [3, nOut] }])).toBeLessThan(1e-6);
    });
  });

  it.each(ACTIVATIONS)("%s: accumulates dx and dW into one input used as both", (activation) => {
    expect(gradCheck((a) => dense(a, a, null, activation, 0.1), [{ shape: [3, 3] }])).toBeLessThan(1e-6);
  });

  it("skips the gradients of constant inputs", () => {
    const f = (x: Tensor, W: Tensor, b: Tensor) => dense(x, W, b, "tanh");
    expect(gradCheck(f, [{ shape: [3, 2], constant: true }, { shape: [2, 4] }, { shape: [4], constant: true }])).toBeLessThan(1e-6);
    expect(gradCheck(f, [{ shape: [3, 2] }, { shape: [2, 4], constant: true }, { shape: [4] }])).toBeLessThan(1e-6);
  });

  it("rejects bad shapes, names and slopes with the argument named", () => {
    const x = Tensor.zeros([2, 3]);
    expect(() => dense(x, Tensor.zeros([4, 2]), null)).toThrow(new ShapeError("W", "shape [3, *]", "shape [4, 2]"));
    expect(() => dense(x, Tensor.zeros([3, 2]), Tensor.zeros([3]))).toThrow(/^b: expected shape \[2\], received shape \[3\]$/);
    expect(() => dense(Tensor.zeros([6]), Tensor.zeros([6, 2]), null)).toThrow(/^x: expected shape/);
    expect(() => dense(x, Tensor.zeros([3, 2]), null, "gelu" as Activation)).toThrow(UnknownNameError);
    expect(() => dense(x, Tensor.zeros([3, 2]), null, "toString" as Activation)).toThrow(/^activation: expected one of "identity"/);
    expect(() => dense(x, Tensor.zeros([3, 2]), null, "leakyRelu", -0.1)).toThrow(DomainError);
    expect(() => dense(x, Tensor.zeros([3, 2]), null, "leakyRelu", NaN)).toThrow(/^slope:/);
  });
});
