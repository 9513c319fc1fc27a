import { describe, expect, it } from "vitest";
import { affineCoupling, splineCoupling, type CouplingOutput } from "../../src/autodiff/ops/coupling.js";
import { gatherCols } from "../../src/autodiff/ops/gather.js";
import { concatCols, reshape } from "../../src/autodiff/ops/shape.js";
import { noGrad } from "../../src/autodiff/tape.js";
import { DomainError, ShapeError } from "../../src/core/errors.js";
import { Rng } from "../../src/core/rng.js";
import { Tensor } from "../../src/core/tensor.js";
import { gradCheck } from "../helpers/gradcheck.js";
import { affineRef, couplingRef, splineForwardRef, splineInverseRef } from "../helpers/flow-reference.js";

const ROWS = 4;
const DIM = 5;
const TRANSFORMED = Int32Array.from([4, 1, 2]);
const K = 5;
const BOUND = 2.5;

function values(n: number, seed: number, scale: number): number[] {
  return new Rng(seed).normal([n]).toArray().map((v) => v * scale);
}

/** Both outputs side by side, so that one gradient check covers y and logDet: [rows, dim + 1]. */
const both = (o: CouplingOutput) => concatCols([o.value, reshape(o.logDet, [o.logDet.size, 1])]);

type Op = (x: Tensor, p: Tensor, inverse: boolean) => CouplingOutput;
const cases: { name: string; P: number; op: Op; ref: (v: number, p: number[], inverse: boolean) => { y: number; logSlope: number }; xScale: number }[] = [
  {
    name: "affineCoupling",
    P: 2,
    op: (x, p, inverse) => affineCoupling(x, p, TRANSFORMED, { inverse, logScaleBound: 2 }),
    ref: (v, p, inverse) => affineRef(v, p[0], p[1], 2, inverse),
    xScale: 1.5,
  },
  {
    name: "splineCoupling",
    P: 3 * K - 1,
    op: (x, p, inverse) => splineCoupling(x, p, TRANSFORMED, { inverse, bins: K, bound: BOUND }),
    ref: (v, p, inverse) => (inverse ? splineInverseRef : splineForwardRef)(v, p, K, BOUND),
    xScale: 1.6, // some entries beyond the bound: the identity tails
  },
];

describe.each(cases)("$name", ({ P, op, ref, xScale }) => {
  const width = TRANSFORMED.length * P;
  const x = values(ROWS * DIM, 1, xScale);
  const p = values(ROWS * width, 2, 0.8);

  it.each([false, true])("value and logDet match the plain-JS reference (inverse %s)", (inverse) => {
    const out = op(Tensor.from(x, [ROWS, DIM]), Tensor.from(p, [ROWS, width]), inverse);
    const want = couplingRef(x, p, ROWS, DIM, Array.from(TRANSFORMED), P, (v, q) => ref(v, q, inverse));
    out.value.toArray().forEach((v, i) => expect(v).toBeCloseTo(want.y[i], 11));
    out.logDet.toArray().forEach((v, i) => expect(v).toBeCloseTo(want.logDet[i], 10));
  });

  it("inverse(forward(x)) = x and the log-determinants cancel", () => {
    const params = Tensor.from(p, [ROWS, width]);
    const f = op(Tensor.from(x, [ROWS, DIM]), params, false);
    const b = op(f.value, params, true);
    b.value.toArray().forEach((v, i) => expect(v).toBeCloseTo(x[i], 12));
    f.logDet.toArray().forEach((v, i) => expect(v + b.logDet.toArray()[i]).toBeCloseTo(0, 11));
  });

  it.each([false, true])("logDet is log |det dy/dx| of a finite-difference Jacobian (inverse %s)", (inverse) => {
    const params = Tensor.from(p, [ROWS, width]);
    const at = (v: number[]) => noGrad(() => op(Tensor.from(v, [ROWS, DIM]), params, inverse));
    const logDet = at(x).logDet.toArray();
    const eps = 1e-6;
    for (let r = 0; r < ROWS; r++) {
      // dy/dx is triangular after ordering (untouched columns first), so its determinant is the product of the diagonal
      let sum = 0;
      for (let j = 0; j < DIM; j++) {
        const plus = x.slice();
        const minus = x.slice();
        plus[r * DIM + j] += eps;
        minus[r * DIM + j] -= eps;
        sum += Math.log(Math.abs((at(plus).value.toArray()[r * DIM + j] - at(minus).value.toArray()[r * DIM + j]) / (2 * eps)));
      }
      expect(sum).toBeCloseTo(logDet[r], 6);
    }
  });

  it.each([false, true])("zero parameters are the identity (inverse %s)", (inverse) => {
    const out = op(Tensor.from(x, [ROWS, DIM]), Tensor.zeros([ROWS, width]), inverse);
    out.value.toArray().forEach((v, i) => expect(v).toBeCloseTo(x[i], 13));
    out.logDet.toArray().forEach((v) => expect(v).toBeCloseTo(0, 13));
  });

  it.each([false, true])("gradients in x and params match finite differences: value, logDet and both (inverse %s)", (inverse) => {
    const specs = [{ shape: [ROWS, DIM], transform: (v: number) => v * xScale }, { shape: [ROWS, width], transform: (v: number) => 0.8 * v }];
    expect(gradCheck((a, q) => both(op(a, q, inverse)), specs, { seed: 3 })).toBeLessThan(1e-6);
    expect(gradCheck((a, q) => op(a, q, inverse).value, specs, { seed: 4 })).toBeLessThan(1e-6);
    expect(gradCheck((a, q) => op(a, q, inverse).logDet, specs, { seed: 5 })).toBeLessThan(1e-6);
  });

  it("rejects params of the wrong width and repeated columns, naming them", () => {
    expect(() => op(Tensor.zeros([ROWS, DIM]), Tensor.zeros([ROWS, width + 1]), false)).toThrow(ShapeError);
    expect(() => op(Tensor.zeros([ROWS, DIM]), Tensor.zeros([ROWS + 1, width]), false)).toThrow(/^params/);
  });
});

describe("coupling op arguments", () => {
  it("rejects repeated or out-of-range transformed columns and a bad bin count", () => {
    const x = Tensor.zeros([2, 3]);
    expect(() => affineCoupling(x, Tensor.zeros([2, 4]), Int32Array.from([1, 1]))).toThrow(DomainError);
    expect(() => affineCoupling(x, Tensor.zeros([2, 2]), Int32Array.from([3]))).toThrow(/transformed/);
    expect(() => splineCoupling(x, Tensor.zeros([2, 2]), Int32Array.from([0]), { bins: 1 })).toThrow(/bins/);
  });
});

describe("gatherCols", () => {
  it("picks columns; the gradient scatter-adds (repeated columns accumulate)", () => {
    const x = Tensor.from([[1, 2, 3], [4, 5, 6]]);
    expect(gatherCols(x, Int32Array.from([2, 0])).toRows()).toEqual([[3, 1], [6, 4]]);
    expect(gradCheck((a) => gatherCols(a, Int32Array.from([1, 2, 1])), [{ shape: [3, 4] }])).toBeLessThan(1e-6);
    expect(() => gatherCols(x, Int32Array.from([3]))).toThrow(/idx/);
  });
});
