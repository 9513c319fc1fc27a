import { describe, it, expect } from "vitest";
import {
  Tensor, NonFiniteError, tanh, neg, exp, log, square, sqrt, sigmoid, softplus, relu, leakyRelu, scale, shift, detach, abs,
  add, mul, sum, backward,
} from "../../src/index.js";
import { startRecording, stopRecording, clearTape } from "../../src/low-level.js";
import { gradCheck, CHECK_SHAPES } from "../helpers/gradcheck.js";

const sigmoidRef = (v: number) => 1 / (1 + Math.exp(-v));
const softplusRef = (v: number) => (v > 30 ? v : Math.log1p(Math.exp(v)));

interface Case {
  name: string;
  f: (x: Tensor) => Tensor;
  ref: (v: number) => number;
  /** Keeps inputs in the domain and away from kinks for finite differences. */
  transform?: (v: number) => number;
}

const awayFromZero = (v: number) => v + (v >= 0 ? 0.1 : -0.1);
const positive = (v: number) => Math.abs(v) + 0.5;

const CASES: Case[] = [
  { name: "tanh", f: tanh, ref: Math.tanh },
  { name: "neg", f: neg, ref: (v) => -v },
  { name: "exp", f: exp, ref: Math.exp },
  { name: "log", f: log, ref: Math.log, transform: positive },
  { name: "square", f: square, ref: (v) => v * v },
  { name: "sqrt", f: sqrt, ref: Math.sqrt, transform: positive },
  { name: "sigmoid", f: sigmoid, ref: sigmoidRef },
  { name: "softplus", f: softplus, ref: softplusRef },
  { name: "relu", f: relu, ref: (v) => Math.max(v, 0), transform: awayFromZero },
  { name: "leakyRelu", f: (x) => leakyRelu(x), ref: (v) => (v > 0 ? v : 0.01 * v), transform: awayFromZero },
  { name: "leakyRelu(0.3)", f: (x) => leakyRelu(x, 0.3), ref: (v) => (v > 0 ? v : 0.3 * v), transform: awayFromZero },
  { name: "scale", f: (x) => scale(x, -2.5), ref: (v) => -2.5 * v },
  { name: "shift", f: (x) => shift(x, 1.75), ref: (v) => v + 1.75 },
  { name: "abs", f: abs, ref: Math.abs, transform: awayFromZero },
];

describe.each(CASES)("$name", ({ f, ref, transform }) => {
  it("matches the plain-TS reference (odd size: SIMD tail)", () => {
    const xs = [-3, -0.5, 0.2, 0.25, 2, 7, -11].map(transform ?? ((v) => v));
    const got = f(Tensor.from(xs)).toArray();
    got.forEach((g, i) => expect(g).toBeCloseTo(ref(xs[i]), 13));
  });
  it.each(CHECK_SHAPES)("gradient matches finite differences for shape [%i, %i]", (r, c) => {
    expect(gradCheck(f, [{ shape: [r, c], transform }])).toBeLessThan(1e-6);
  });
  it("backward accumulates (x used twice gives twice the gradient)", () => {
    expect(gradCheck((x) => add(f(x), f(x)), [{ shape: [3, 5], transform }])).toBeLessThan(1e-6);
  });
});

describe("stability", () => {
  it("sigmoid and softplus stay finite and exact for large |x|", () => {
    const xs = [-800, -40, 40, 800];
    const sg = sigmoid(Tensor.from(xs)).toArray();
    expect([sg[0], sg[2], sg[3]]).toEqual([0, 1, 1]);
    expect(Math.abs(sg[1] / Math.exp(-40) - 1)).toBeLessThan(1e-12);
    const sp = softplus(Tensor.from(xs)).toArray();
    expect(sp[0]).toBe(0);
    expect(sp[1]).toBeCloseTo(Math.exp(-40), 30);
    expect(sp[2]).toBe(40);
    expect(sp[3]).toBe(800);
  });
  it("sigmoid gradient at large |x| is finite", () => {
    expect(gradCheck(sigmoid, [{ shape: [4], values: [-30, -5, 5, 30] }])).toBeLessThan(1e-6);
    expect(gradCheck(softplus, [{ shape: [4], values: [-30, -5, 5, 30] }])).toBeLessThan(1e-6);
  });
});

describe("relu / leakyRelu", () => {
  it("relu gives zero gradient for x < 0 and one for x > 0", () => {
    const x = Tensor.from([-2, 3, -0.5, 4, 1], [5], "persistent");
    x.requiresGrad = true;
    startRecording();
    const y = sum(relu(x));
    stopRecording();
    backward(y);
    expect(x.grad!.toArray()).toEqual([0, 1, 0, 1, 1]);
    clearTape();
    x.dispose();
  });
});

describe("scale / shift validation", () => {
  it("rejects non-finite constants", () => {
    const x = Tensor.from([1, 2]);
    expect(() => scale(x, NaN)).toThrow(NonFiniteError);
    expect(() => shift(x, Infinity)).toThrow(/c: expected a finite number, received Infinity/);
    expect(() => leakyRelu(x, NaN)).toThrow(NonFiniteError);
  });
});

describe("detach", () => {
  it("has the same values and stops the gradient", () => {
    const x = Tensor.from([1, 2, 3], [3], "persistent");
    x.requiresGrad = true;
    startRecording();
    const d = detach(x);
    expect(d.requiresGrad).toBe(false);
    expect(d.toArray()).toEqual([1, 2, 3]);
    // d(x * detach(x))/dx = detach(x): the detached factor contributes nothing
    const y = sum(mul(x, d));
    stopRecording();
    backward(y);
    expect(x.grad!.toArray()).toEqual([1, 2, 3]);
    clearTape();
    x.dispose();
  });
});
