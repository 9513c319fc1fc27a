import { describe, it, expect } from "vitest";
import { Tensor, ShapeError, normalLogProb, normalRsample } from "../../src/index.js";
import { normalKL } from "../../src/index.js";
import { mixtureNormalLogProb, bernoulliLogProb, bernoulliEntropy } from "../../src/low-level.js";
import { normalEntropy } from "../../src/index.js";
import { gradCheck, CHECK_SHAPES } from "../helpers/gradcheck.js";

const LOG_2PI = Math.log(2 * Math.PI);
const normalPdfLog = (x: number, m: number, ls: number) => -0.5 * ((x - m) / Math.exp(ls)) ** 2 - ls - 0.5 * LOG_2PI;
const softplus = (l: number) => Math.max(l, 0) + Math.log1p(Math.exp(-Math.abs(l)));
const logSumExp = (v: number[]) => {
  const m = Math.max(...v);
  return m + Math.log(v.reduce((s, x) => s + Math.exp(x - m), 0));
};

/** Reference: sum over the row of f(x[i], p[i % np], q[i % nq]). */
function rowSums(rows: number, cols: number, f: (i: number) => number): number[] {
  return Array.from({ length: rows }, (_, b) => {
    let s = 0;
    for (let j = 0; j < cols; j++) s += f(b * cols + j);
    return s;
  });
}

describe("normalLogProb", () => {
  it("matches the closed form with full, row and scalar parameters", () => {
    const x = [0.3, -1.2, 2.0, 0.7, -0.1, 1.5];
    const xt = Tensor.from(x, [2, 3]);
    for (const [m, ls, mShape, sShape] of [
      [[0.1, 0.2, -0.3, 0.4, 0.5, -0.6], [0.1, -0.2, 0.3, 0.0, 0.5, -0.4], [2, 3], [2, 3]],
      [[0.1, 0.2, -0.3], [0.3, -0.2, 0.1], [3], [1, 3]],
      [[0.7], [-0.5], [1], [1]],
    ] as [number[], number[], number[], number[]][]) {
      const got = normalLogProb(xt, Tensor.from(m, mShape), Tensor.from(ls, sShape)).toArray();
      const want = rowSums(2, 3, (i) => normalPdfLog(x[i], m[i % m.length], ls[i % ls.length]));
      got.forEach((g, i) => expect(g).toBeCloseTo(want[i], 12));
    }
  });
  it("elementwise keeps the shape of x", () => {
    const out = normalLogProb(Tensor.from([0, 1, 2, 3], [2, 2]), Tensor.scalar(0), Tensor.scalar(0), { elementwise: true });
    expect(out.shape).toEqual([2, 2]);
    expect(out.toArray()[3]).toBeCloseTo(normalPdfLog(3, 0, 0), 12);
  });
  it.each(CHECK_SHAPES)("gradient (full parameters) matches finite differences for [%i, %i]", (r, c) => {
    expect(gradCheck((x, m, s) => normalLogProb(x, m, s), [{ shape: [r, c] }, { shape: [r, c] }, { shape: [r, c] }])).toBeLessThan(1e-6);
  });
  it.each(CHECK_SHAPES)("gradient (broadcast row mean, scalar logStd) matches finite differences for [%i, %i]", (r, c) => {
    expect(gradCheck((x, m, s) => normalLogProb(x, m, s), [{ shape: [r, c] }, { shape: [c] }, { shape: [1] }])).toBeLessThan(1e-6);
  });
  it("gradient with only some inputs requiring grad (0 pointers skipped)", () => {
    expect(gradCheck((x, m, s) => normalLogProb(x, m, s), [{ shape: [3, 2] }, { shape: [3, 2], constant: true }, { shape: [2] }])).toBeLessThan(1e-6);
  });
  it("rejects a parameter that does not broadcast, naming it", () => {
    const x = Tensor.zeros([3, 4]);
    expect(() => normalLogProb(x, Tensor.zeros([3]), Tensor.zeros([1]))).toThrow(ShapeError);
    expect(() => normalLogProb(x, Tensor.zeros([4]), Tensor.zeros([2, 4]))).toThrow(/logStd/);
  });
});

describe("normalRsample", () => {
  it("is mean + exp(logStd) * eps with broadcasting", () => {
    const eps = [0.5, -1, 2, 0.1];
    const z = normalRsample(Tensor.from([1, 2]), Tensor.from([0, Math.log(2)]), Tensor.from(eps, [2, 2])).toArray();
    [1 + 0.5, 2 - 2, 1 + 2, 2 + 0.2].forEach((v, i) => expect(z[i]).toBeCloseTo(v, 12));
  });
  it.each(CHECK_SHAPES)("gradient matches finite differences for [%i, %i]", (r, c) => {
    expect(gradCheck((m, s, e) => normalRsample(m, s, e), [{ shape: [r, c] }, { shape: [r, c] }, { shape: [r, c] }])).toBeLessThan(1e-6);
    expect(gradCheck((m, s, e) => normalRsample(m, s, e), [{ shape: [c] }, { shape: [1] }, { shape: [r, c] }])).toBeLessThan(1e-6);
  });
  it("rejects mismatched shapes", () => {
    expect(() => normalRsample(Tensor.zeros([3]), Tensor.zeros([1]), Tensor.zeros([2, 4]))).toThrow(/mean/);
  });
});

describe("normalEntropy", () => {
  it("is sum 0.5 log(2 pi e) + logStd", () => {
    const out = normalEntropy(Tensor.zeros([2, 3]), Tensor.from([0.1, -0.2, 0.3])).toArray();
    const want = 3 * 0.5 * Math.log(2 * Math.PI * Math.E) + 0.2;
    out.forEach((v) => expect(v).toBeCloseTo(want, 12));
  });
  it.each(CHECK_SHAPES)("gradient matches finite differences for [%i, %i]", (r, c) => {
    expect(gradCheck((m, s) => normalEntropy(m, s), [{ shape: [r, c], constant: true }, { shape: [c] }])).toBeLessThan(1e-6);
  });
});

describe("normalKL", () => {
  const klRef = (mq: number, lq: number, mp: number, lp: number) =>
    lp - lq + (Math.exp(2 * lq) + (mq - mp) ** 2) / (2 * Math.exp(2 * lp)) - 0.5;
  it("matches the closed form and is 0 for equal arguments", () => {
    const mq = [0.3, -1], lq = [0.2, -0.4], mp = [0], lp = [0.5];
    const got = normalKL(Tensor.from(mq, [1, 2]), Tensor.from(lq, [1, 2]), Tensor.from(mp), Tensor.from(lp)).toArray();
    expect(got[0]).toBeCloseTo(klRef(0.3, 0.2, 0, 0.5) + klRef(-1, -0.4, 0, 0.5), 12);
    const same = normalKL(Tensor.from(mq), Tensor.from(lq), Tensor.from(mq), Tensor.from(lq), { elementwise: true }).toArray();
    expect(same).toEqual([0, 0]);
  });
  it.each(CHECK_SHAPES)("gradient w.r.t. all four inputs matches finite differences for [%i, %i]", (r, c) => {
    const s = { shape: [r, c] };
    expect(gradCheck((a, b, d, e) => normalKL(a, b, d, e), [s, s, s, s])).toBeLessThan(1e-6);
    expect(gradCheck((a, b, d, e) => normalKL(a, b, d, e), [s, { shape: [c] }, { shape: [1] }, { shape: [1, c] }])).toBeLessThan(1e-6);
    // the f64x2 layout (each parameter a scalar or the full array): q against a scalar p, and the reverse
    expect(gradCheck((a, b, d, e) => normalKL(a, b, d, e), [s, s, { shape: [1] }, { shape: [1] }])).toBeLessThan(1e-6);
    expect(gradCheck((a, b, d, e) => normalKL(a, b, d, e), [{ shape: [1] }, { shape: [1] }, s, s])).toBeLessThan(1e-6);
  });
  it.each([[1, 1], [3, 5], [4, 2], [7, 9]])("every layout (scalar / row / full parameters) gives the closed form per element on [%i, %i]", (r, c) => {
    const rng = (k: number) => Array.from({ length: k }, (_, i) => Math.sin(1.7 * i + r + c) * 1.5);
    const full = (k: number) => Tensor.from(rng(r * c).map((v) => v * k), [r, c]);
    const layouts: [string, () => Tensor][] = [["scalar", () => Tensor.from([0.3])], ["row", () => Tensor.from(rng(c).map((v) => -v / 2), [c])], ["full", () => full(0.7)]];
    for (const [, mpOf] of layouts) {
      for (const [, lpOf] of layouts) {
        const mq = full(1), lq = full(-0.5), mp = mpOf(), lp = lpOf();
        const got = normalKL(mq, lq, mp, lp).toArray();
        const at = (t: Tensor, i: number) => t.toArray()[i % t.size];
        for (let b = 0; b < r; b++) {
          let want = 0;
          for (let j = 0; j < c; j++) want += klRef(at(mq, b * c + j), at(lq, b * c + j), at(mp, b * c + j), at(lp, b * c + j));
          expect(Math.abs(got[b] - want)).toBeLessThan(1e-12 * (1 + Math.abs(want)));
        }
      }
    }
  });
  it("rejects a non-broadcastable argument by name", () => {
    expect(() => normalKL(Tensor.zeros([2, 3]), Tensor.zeros([2, 3]), Tensor.zeros([2]), Tensor.zeros([1]))).toThrow(/meanP/);
  });
});

describe("mixtureNormalLogProb", () => {
  const ref = (x: number, lw: number[], m: number[], ls: number[]) =>
    logSumExp(lw.map((w, k) => w + normalPdfLog(x, m[k], ls[k]))) - logSumExp(lw);
  it("matches the closed form (shared and per-row parameters, unnormalized weights)", () => {
    const x = [0.1, -2, 3];
    const lw = [0.3, -0.5, 1.0], m = [-1, 0, 2], ls = [0, -0.3, 0.4];
    const got = mixtureNormalLogProb(Tensor.from(x), Tensor.from(lw), Tensor.from(m), Tensor.from(ls)).toArray();
    got.forEach((g, b) => expect(g).toBeCloseTo(ref(x[b], lw, m, ls), 12));
    const mRows = [[-1, 0, 2], [1, 1, 1], [0, 3, -3]];
    const got2 = mixtureNormalLogProb(Tensor.from(x, [3, 1]), Tensor.from(lw, [1, 3]), Tensor.from(mRows), Tensor.from(ls)).toArray();
    got2.forEach((g, b) => expect(g).toBeCloseTo(ref(x[b], lw, mRows[b], ls), 12));
  });
  it("is stable far in the tails", () => {
    const v = mixtureNormalLogProb(Tensor.from([60]), Tensor.from([0, 0]), Tensor.from([0, 1]), Tensor.from([0, 0])).item();
    expect(v).toBeCloseTo(ref(60, [0, 0], [0, 1], [0, 0]), 8);
  });
  it.each([[1, 1], [1, 3], [3, 1], [3, 5], [4, 7]])("gradient matches finite differences for B=%i, K=%i", (B, K) => {
    const f = (x: Tensor, w: Tensor, m: Tensor, s: Tensor) => mixtureNormalLogProb(x, w, m, s);
    expect(gradCheck(f, [{ shape: [B] }, { shape: [K] }, { shape: [K] }, { shape: [K] }])).toBeLessThan(1e-6);
    expect(gradCheck(f, [{ shape: [B, 1] }, { shape: [B, K] }, { shape: [B, K] }, { shape: [K] }])).toBeLessThan(1e-6);
  });
  it("rejects bad shapes by name", () => {
    expect(() => mixtureNormalLogProb(Tensor.zeros([2, 2]), Tensor.zeros([3]), Tensor.zeros([3]), Tensor.zeros([3]))).toThrow(/^x/);
    expect(() => mixtureNormalLogProb(Tensor.zeros([2]), Tensor.zeros([3]), Tensor.zeros([2]), Tensor.zeros([3]))).toThrow(/means/);
    expect(() => mixtureNormalLogProb(Tensor.zeros([2]), Tensor.zeros([3]), Tensor.zeros([3]), Tensor.zeros([4, 3]))).toThrow(ShapeError);
  });
});

describe("bernoulliLogProb / bernoulliEntropy", () => {
  it("matches x l - softplus(l) and the entropy closed form", () => {
    const x = [1, 0, 1, 0.3], l = [0.5, -2, 40, 0];
    const got = bernoulliLogProb(Tensor.from(x, [2, 2]), Tensor.from(l, [2, 2])).toArray();
    expect(got[0]).toBeCloseTo(0.5 - softplus(0.5) + -softplus(-2), 12);
    expect(got[1]).toBeCloseTo(40 - softplus(40) - softplus(0), 12);
    const h = bernoulliEntropy(Tensor.from(l), { elementwise: true }).toArray();
    l.forEach((li, i) => {
      const p = 1 / (1 + Math.exp(-li));
      const want = p > 1 - 1e-15 ? 0 : -(p * Math.log(p) + (1 - p) * Math.log(1 - p));
      expect(h[i]).toBeCloseTo(want, 10);
    });
  });
  it.each(CHECK_SHAPES)("gradients match finite differences for [%i, %i]", (r, c) => {
    expect(gradCheck((x, l) => bernoulliLogProb(x, l), [{ shape: [r, c] }, { shape: [r, c] }])).toBeLessThan(1e-6);
    expect(gradCheck((x, l) => bernoulliLogProb(x, l), [{ shape: [r, c], constant: true }, { shape: [c] }])).toBeLessThan(1e-6);
    expect(gradCheck((l) => bernoulliEntropy(l), [{ shape: [r, c] }])).toBeLessThan(1e-6);
  });
  it("rejects mismatched logits", () => {
    expect(() => bernoulliLogProb(Tensor.zeros([2, 3]), Tensor.zeros([2]))).toThrow(/logits/);
  });
});
