// Plain numbers where a scalar is meant (src/autodiff/ops/operand.ts): binary ops
// and the Normal / Bernoulli ops' parameters; value vs plain JS, gradient vs
// central finite differences for the tensor argument.
import { describe, expect, it } from "vitest";
import { DomainError, NonFiniteError, Tensor, add, div, mul, normalLogProb, normalRsample, runtime, sub, tidy } from "../../src/index.js";
import { bernoulliKL } from "../../src/low-level.js";
import { normalKL } from "../../src/index.js";
import { bernoulliLogProb } from "../../src/low-level.js";
import { normalEntropy } from "../../src/index.js";
import { gradCheck } from "../helpers/gradcheck.js";

const OPS = [
  { name: "add", f: add, ref: (x: number, y: number) => x + y },
  { name: "sub", f: sub, ref: (x: number, y: number) => x - y },
  { name: "mul", f: mul, ref: (x: number, y: number) => x * y },
  { name: "div", f: div, ref: (x: number, y: number) => x / y },
];
const values = [0.7, -1.3, 2.2, 0.9, -0.6, 1.8];
const c = -1.7;
const awayFromZero = (v: number) => Math.abs(v) + 0.5;

describe.each(OPS)("$name with a number", ({ name, f, ref }) => {
  it("tensor (op) number and number (op) tensor match plain JS", () => {
    const x = Tensor.from(values, [2, 3]);
    const right = f(x, c);
    const left = f(c, x);
    expect(right.shape).toEqual([2, 3]);
    expect(right.toArray()).toEqual(values.map((v) => ref(v, c)));
    expect(left.toArray()).toEqual(values.map((v) => ref(c, v)));
    expect(f(2.5, 4).toArray()).toEqual([ref(2.5, 4)]);
    expect(f(x, c).toArray()).toEqual(f(x, Tensor.scalar(c)).toArray());
  });

  it("gradient w.r.t. the tensor argument matches finite differences (both sides)", () => {
    const transform = name === "div" ? awayFromZero : undefined;
    expect(gradCheck((x) => f(x, c), [{ shape: [3, 4] }])).toBeLessThan(1e-6);
    expect(gradCheck((x) => f(c, x), [{ shape: [3, 4], transform }])).toBeLessThan(1e-6);
  });

  it("rejects NaN, Inf and non-numbers with a typed error naming the argument", () => {
    const x = Tensor.from(values);
    expect(() => f(x, NaN)).toThrow(NonFiniteError);
    expect(() => f(Infinity, x)).toThrow(/a of/);
    expect(() => f(x, "2" as unknown as number)).toThrow(DomainError);
    expect(() => f(x, null as unknown as number)).toThrow(/b of .*received null/);
  });
});

describe("number constants do not leak", () => {
  it("inside tidy only the result stays in the arena", () => {
    const rt = runtime();
    const x = Tensor.from(values, [6], "persistent");
    const before = rt.arena.used;
    const y = tidy(() => mul(add(x, 1), 2));
    expect(y.toArray()).toEqual(values.map((v) => (v + 1) * 2));
    expect(rt.arena.used).toBe(before + 48);
    x.dispose();
  });
});

describe("Normal / Bernoulli ops take numbers for scalar parameters", () => {
  const logN = (x: number, m: number, ls: number) => -0.5 * Math.log(2 * Math.PI) - ls - 0.5 * ((x - m) / Math.exp(ls)) ** 2;

  it("values equal the closed forms and the [1]-tensor versions", () => {
    const x = Tensor.from(values, [2, 3]);
    const lp = normalLogProb(x, 0.5, -0.3).toArray();
    [0, 1].forEach((r) => expect(lp[r]).toBeCloseTo(values.slice(3 * r, 3 * r + 3).reduce((s, v) => s + logN(v, 0.5, -0.3), 0), 12));
    const mu = Tensor.from(values, [2, 3]);
    const ls = Tensor.full([2, 3], 0.2);
    expect(normalKL(mu, ls, 0, 0).toArray()).toEqual(normalKL(mu, ls, Tensor.scalar(0), Tensor.scalar(0)).toArray());
    expect(normalKL(0.3, 0.2, 0, 0).toArray()[0]).toBeCloseTo(-0.2 + (Math.exp(0.4) + 0.09) / 2 - 0.5, 12);
    expect(normalEntropy(0, 0.4).toArray()[0]).toBeCloseTo(0.5 * Math.log(2 * Math.PI * Math.E) + 0.4, 12);
    const eps = Tensor.from(values, [2, 3]);
    expect(normalRsample(1, 0.1, eps).toArray()).toEqual(values.map((e) => 1 + Math.exp(0.1) * e));
    const bits = Tensor.from([1, 0, 1], [1, 3]);
    const sp = (l: number) => Math.log1p(Math.exp(l));
    expect(bernoulliLogProb(bits, 0.3).toArray()[0]).toBeCloseTo(2 * 0.3 - 3 * sp(0.3), 12);
    expect(bernoulliKL(0.3, Tensor.scalar(0.3)).toArray()[0]).toBeCloseTo(0, 14);
  });

  it("gradients w.r.t. the tensor arguments match finite differences", () => {
    expect(gradCheck((x) => normalLogProb(x, 0.5, -0.3), [{ shape: [3, 2] }])).toBeLessThan(1e-6);
    expect(gradCheck((m, l) => normalKL(m, l, 0.2, 0.1), [{ shape: [3, 2] }, { shape: [3, 2] }])).toBeLessThan(1e-6);
    expect(gradCheck((e) => normalRsample(0.4, -0.2, e), [{ shape: [2, 3] }])).toBeLessThan(1e-6);
    expect(gradCheck((l) => bernoulliKL(l, -0.4), [{ shape: [2, 3] }])).toBeLessThan(1e-6);
  });
});
