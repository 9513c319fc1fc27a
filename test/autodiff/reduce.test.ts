import { describe, it, expect } from "vitest";
import fc from "fast-check";
import {
  Tensor,
  ShapeError,
  add,
  sum,
  mean,
  sumRows,
  meanRows,
  sumCols,
  logSumExp,
  logMeanExp,
  softmax,
  logSoftmax,
  backward,
} from "../../src/index.js";
import { clearTape, startRecording, stopRecording } from "../../src/low-level.js";
import { runtime } from "../../src/core/runtime.js";
import { gradCheck, CHECK_SHAPES } from "../helpers/gradcheck.js";

const rowsOf = (v: number[], r: number, c: number) => Array.from({ length: r }, (_, i) => v.slice(i * c, (i + 1) * c));
const lseRef = (row: number[]) => {
  const m = Math.max(...row);
  return m + Math.log(row.reduce((s, v) => s + Math.exp(v - m), 0));
};
const seq = (n: number) => Array.from({ length: n }, (_, i) => Math.sin(1.7 * i) * 3 + 0.1 * i);

interface Case {
  name: string;
  f: (x: Tensor) => Tensor;
  /** Reference on x viewed as [r, c] rows: flat output. */
  ref: (rows: number[][]) => number[];
}

const CASES: Case[] = [
  { name: "sum", f: sum, ref: (x) => [x.flat().reduce((s, v) => s + v, 0)] },
  { name: "mean", f: mean, ref: (x) => [x.flat().reduce((s, v) => s + v, 0) / x.flat().length] },
  { name: "sumRows", f: sumRows, ref: (x) => x[0].map((_, j) => x.reduce((s, r) => s + r[j], 0)) },
  { name: "meanRows", f: meanRows, ref: (x) => x[0].map((_, j) => x.reduce((s, r) => s + r[j], 0) / x.length) },
  { name: "sumCols", f: sumCols, ref: (x) => x.map((r) => r.reduce((s, v) => s + v, 0)) },
  { name: "logSumExp", f: logSumExp, ref: (x) => x.map(lseRef) },
  { name: "logMeanExp", f: logMeanExp, ref: (x) => x.map((r) => lseRef(r) - Math.log(r.length)) },
  { name: "softmax", f: softmax, ref: (x) => x.flatMap((r) => r.map((v) => Math.exp(v - lseRef(r)))) },
  { name: "logSoftmax", f: logSoftmax, ref: (x) => x.flatMap((r) => r.map((v) => v - lseRef(r))) },
];

describe.each(CASES)("$name", ({ f, ref }) => {
  it.each(CHECK_SHAPES)("matches the plain-TS reference for shape [%i, %i]", (r, c) => {
    const v = seq(r * c);
    const got = f(Tensor.from(v, [r, c])).toArray();
    const want = ref(rowsOf(v, r, c));
    expect(got.length).toBe(want.length);
    got.forEach((g, i) => expect(g).toBeCloseTo(want[i], 12));
  });
  it.each(CHECK_SHAPES)("gradient matches finite differences for shape [%i, %i]", (r, c) => {
    expect(gradCheck(f, [{ shape: [r, c] }])).toBeLessThan(1e-6);
  });
  it("backward accumulates (x used twice gives twice the gradient)", () => {
    expect(gradCheck((x) => add(f(x), f(x)), [{ shape: [3, 5] }])).toBeLessThan(1e-6);
  });
});

describe("output shapes", () => {
  const x = () => Tensor.zeros([4, 3]);
  it("follow the contract", () => {
    expect(sum(x()).shape).toEqual([1]);
    expect(mean(x()).shape).toEqual([1]);
    expect(sumRows(x()).shape).toEqual([3]);
    expect(sumRows(Tensor.zeros([4, 2, 3])).shape).toEqual([2, 3]);
    expect(meanRows(x()).shape).toEqual([3]);
    expect(sumCols(x()).shape).toEqual([4]);
    expect(sumCols(Tensor.zeros([4, 2, 3])).shape).toEqual([4]);
    expect(logSumExp(x()).shape).toEqual([4]);
    expect(logMeanExp(x()).shape).toEqual([4]);
    expect(softmax(x()).shape).toEqual([4, 3]);
    expect(logSoftmax(x()).shape).toEqual([4, 3]);
  });
  it("sumCols of a rank-3 tensor sums each row's values", () => {
    expect(sumCols(Tensor.from([1, 2, 3, 4, 5, 6, 7, 8], [2, 2, 2])).toArray()).toEqual([10, 26]);
  });
  it("row-wise ops reject tensors that are not [B, K]", () => {
    expect(() => logSumExp(Tensor.zeros([5]))).toThrow(ShapeError);
    expect(() => softmax(Tensor.zeros([2, 2, 2]))).toThrow("x: expected a 2-D tensor [B, K], received shape [2, 2, 2]");
  });
});

describe("stability", () => {
  const row = fc.array(fc.double({ min: -1e300, max: 1e300, noNaN: true }), { minLength: 1, maxLength: 9 });
  const rt = runtime();
  /** Runs fn in an arena scope so that many property runs do not grow memory. */
  const scoped = <T>(fn: () => T): T => {
    const m = rt.arena.mark();
    try {
      return fn();
    } finally {
      rt.arena.restore(m);
    }
  };

  it("logSumExp is finite and between max and max + log K for inputs up to +-1e300", () => {
    fc.assert(
      fc.property(row, (v) => {
        const y = scoped(() => logSumExp(Tensor.from(v, [1, v.length])).item());
        const m = Math.max(...v);
        expect(Number.isFinite(y)).toBe(true);
        expect(y).toBeGreaterThanOrEqual(m);
        expect(y).toBeLessThanOrEqual(m + Math.log(v.length) * (1 + 1e-12) + Math.abs(m) * 1e-15);
      }),
    );
  });
  it("logSumExp(x + c) = logSumExp(x) + c", () => {
    const small = fc.array(fc.double({ min: -50, max: 50, noNaN: true }), { minLength: 1, maxLength: 9 });
    fc.assert(
      fc.property(small, fc.double({ min: -1e6, max: 1e6, noNaN: true }), (v, c) => {
        const [a, b] = scoped(() => [
          logSumExp(Tensor.from(v, [1, v.length])).item(),
          logSumExp(Tensor.from(v.map((x) => x + c), [1, v.length])).item(),
        ]);
        expect(Math.abs(b - (a + c))).toBeLessThan(1e-9 * (1 + Math.abs(c) + Math.abs(a)));
      }),
    );
  });
  it("softmax / logSoftmax / logSumExp gradient keep log(sum) when it is below the ulp of the maximum", () => {
    // fast-check counterexample: max + log 2 rounds to max at 1e300, so x - lse would give [1, 1, 0]
    const v = [9.999999999999972e299, 9.999999999999972e299, 0];
    scoped(() => {
      const x = Tensor.from(v, [1, 3]);
      expect(softmax(x).toArray()).toEqual([0.5, 0.5, 0]);
      const lp = logSoftmax(x).toArray();
      expect(lp[0]).toBeCloseTo(-Math.LN2, 15);
      expect(lp[2]).toBeLessThan(-1e299);
      x.requiresGrad = true;
      startRecording();
      const y = logSumExp(x);
      stopRecording();
      backward(y);
      expect(x.grad!.toArray()).toEqual([0.5, 0.5, 0]);
      clearTape();
    });
  });
  it("softmax rows sum to 1 with entries in [0, 1], and logSoftmax = log(softmax)", () => {
    fc.assert(
      fc.property(row, (v) => {
        const [p, lp] = scoped(() => {
          const x = Tensor.from(v, [1, v.length]);
          return [softmax(x).toArray(), logSoftmax(x).toArray()];
        });
        p.forEach((q) => expect(q >= 0 && q <= 1).toBe(true));
        expect(Math.abs(p.reduce((s, q) => s + q, 0) - 1)).toBeLessThan(1e-12);
        lp.forEach((l, i) => {
          expect(l).toBeLessThanOrEqual(0);
          // compare where exp does not underflow; elsewhere log(softmax) is -Inf and lp is a finite large negative
          if (p[i] > 1e-300) expect(Math.abs(l - Math.log(p[i]))).toBeLessThan(1e-9 * (1 + Math.abs(l)));
          else expect(l).toBeLessThan(-690);
        });
      }),
    );
  });
  it("logMeanExp of a constant row is that constant", () => {
    expect(logMeanExp(Tensor.from([1e300, 1e300, 1e300], [1, 3])).item()).toBe(1e300);
    expect(logMeanExp(Tensor.from([-7, -7], [1, 2])).item()).toBeCloseTo(-7, 14);
  });
  it("logSumExp of a row with -Inf entries ignores them", () => {
    const x = Tensor.from([0, 0], [1, 2]);
    x.view()[1] = -Infinity;
    expect(logSumExp(x).item()).toBe(0);
  });
});
