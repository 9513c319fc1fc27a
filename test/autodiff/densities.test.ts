import { describe, it, expect } from "vitest";
import { Tensor, DomainError, ShapeError } from "../../src/index.js";
import { uniformLogProb } from "../../src/low-level.js";
import { gammaLogProb, betaLogProb, poissonLogProb, studentTLogProb, laplaceLogProb } from "../../src/low-level.js";
import { gradCheck, type GradInput } from "../helpers/gradcheck.js";
import { lbetaRef, lgammaRef } from "../helpers/special-ref.js";

const pos = (v: number) => Math.abs(v) + 0.5;
const unit = (v: number) => 1 / (1 + Math.exp(-v));

interface Case {
  name: string;
  /** The op with the value first, then the parameters. */
  op: (x: Tensor, ...p: Tensor[]) => Tensor;
  /** Plain-JS log-density. */
  ref: (x: number, ...p: number[]) => number;
  xs: number[];
  params: number[][];
  /** Input transforms for the gradient check: value first (null: a constant value), then each parameter. */
  transforms: (((v: number) => number) | null)[];
  outside: number;
}

const CASES: Case[] = [
  {
    name: "gamma",
    op: (x, a, b) => gammaLogProb(x, a, b),
    ref: (x, a, b) => a * Math.log(b) - lgammaRef(a) + (a - 1) * Math.log(x) - b * x,
    xs: [0.1, 0.9, 2.5, 7],
    params: [[0.7, 2, 3.5, 12], [1.5, 0.3, 1, 4]],
    transforms: [pos, pos, pos],
    outside: 0,
  },
  {
    name: "beta",
    op: (x, a, b) => betaLogProb(x, a, b),
    ref: (x, a, b) => (a - 1) * Math.log(x) + (b - 1) * Math.log1p(-x) - lbetaRef(a, b),
    xs: [0.05, 0.3, 0.5, 0.97],
    params: [[0.5, 2, 3.5, 1], [1.5, 0.3, 1, 4]],
    transforms: [unit, pos, pos],
    outside: 1,
  },
  {
    name: "poisson",
    op: (x, r) => poissonLogProb(x, r),
    ref: (x, r) => x * Math.log(r) - r - lgammaRef(x + 1),
    xs: [0, 1, 4, 30],
    params: [[0.5, 2, 3.5, 25]],
    transforms: [null, pos],
    outside: 1.5,
  },
  {
    name: "studentT",
    op: (x, nu, m, s) => studentTLogProb(x, nu, m, s),
    ref: (x, nu, m, s) =>
      lgammaRef((nu + 1) / 2) - lgammaRef(nu / 2) - 0.5 * Math.log(nu * Math.PI) - Math.log(s) - ((nu + 1) / 2) * Math.log1p(((x - m) / s) ** 2 / nu),
    xs: [-3, 0.1, 1, 40],
    params: [[0.8, 3, 30, 2], [0, 1, -1, 0.5], [1, 0.5, 2, 3]],
    transforms: [(v) => v, pos, (v) => v, pos],
    outside: NaN,
  },
  {
    name: "laplace",
    op: (x, m, b) => laplaceLogProb(x, m, b),
    ref: (x, m, b) => -Math.log(2 * b) - Math.abs(x - m) / b,
    xs: [-3, 0.1, 1, 4],
    params: [[0, 1, -1, 0.5], [1, 0.5, 2, 3]],
    // value and loc kept apart so that |x - loc| has no kink between the finite-difference points
    transforms: [(v) => v + 4, (v) => v, pos],
    outside: Infinity,
  },
  {
    name: "uniform",
    op: (x, l, h) => uniformLogProb(x, l, h),
    ref: (_x, l, h) => -Math.log(h - l),
    xs: [-1, 0.5, 2, -0.5],
    params: [[-2, -1, -1.5, -3], [4, 3, 2.5, 10]],
    transforms: [(v) => Math.tanh(v), (v) => -Math.abs(v) - 1, (v) => Math.abs(v) + 1],
    outside: 20,
  },
];

describe.each(CASES)("$name log-density", ({ op, ref, xs, params, transforms, outside }) => {
  it("matches the closed form (per-element parameters)", () => {
    const got = op(Tensor.from(xs), ...params.map((p) => Tensor.from(p))).toArray();
    got.forEach((v, i) => expect(v).toBeCloseTo(ref(xs[i], ...params.map((p) => p[i])), 12));
  });
  it("broadcasts a scalar and a row parameter by index", () => {
    const x = Tensor.from([xs, xs]);
    const ps = params.map((p, k) => (k === 0 ? Tensor.from([p[1]]) : Tensor.from(p)));
    const got = op(x, ...ps).toArray();
    expect(got.length).toBe(8);
    got.forEach((v, i) => expect(v).toBeCloseTo(ref(xs[i % 4], ...params.map((p, k) => (k === 0 ? p[1] : p[i % 4]))), 12));
  });
  it.each([[[3, 4], [4]], [[2, 3], [1]], [[1, 1], [1, 1]], [[3, 5], [3, 5]]])("gradient matches finite differences: value %j, parameters %j", (xShape, pShape) => {
    const specs: GradInput[] = transforms.map((t, k) => {
      const shape = k === 0 ? xShape : pShape;
      if (t) return { shape, transform: t };
      const n = shape.reduce((a, b) => a * b, 1);
      return { shape, values: Array.from({ length: n }, (_, i) => i % 5), constant: true };
    });
    expect(gradCheck((x, ...p) => op(x, ...p), specs, { tol: 2e-6 })).toBeLessThan(2e-6);
  });
  it("rejects a value outside the support with a DomainError naming the value, and parameters that do not broadcast", () => {
    const ps = params.map((p) => Tensor.from([p[1]]));
    if (Number.isFinite(outside)) {
      expect(() => op(Tensor.from([xs[1], outside]), ...ps)).toThrow(DomainError);
      expect(() => op(Tensor.from([xs[1], outside]), ...ps)).toThrow(new RegExp(`^value: expected .* received ${outside} at index 1`));
    } else {
      expect(() => op(Tensor.zeros([1]).set([outside]), ...ps)).toThrow(/^value: expected finite values/);
    }
    expect(() => op(Tensor.full([2, 3], xs[1]), ...params.map((p) => Tensor.from([p[1], p[1]])))).toThrow(ShapeError);
  });
});
