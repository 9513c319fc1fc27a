import { describe, it, expect } from "vitest";
import { Tensor, DomainError, add } from "../../src/index.js";
import { lgamma, digamma } from "../../src/low-level.js";
import { gradCheck, CHECK_SHAPES } from "../helpers/gradcheck.js";

// Reference values from mpmath 1.3 at 30 digits (loggamma, digamma), rounded to f64.
const XS = [1e-3, 0.1, 0.5, 0.9, 1.4616, 2.5, 3.7, 7.25, 12.5, 33.3, 150.0, 1e4];
const LGAMMA = [
  6.907178885383853, 2.252712651734206, 0.5723649429247001, 0.06637623973474295, -0.12148629003589732, 0.2846828704729192,
  1.428072326665388, 7.0521854507385395, 18.734347511936445, 82.60372358165495, 600.0094705553274, 82099.71749644238,
];
const DIGAMMA = [
  -1000.5755719318103, -10.423754940411076, -1.9635100260214235, -0.7549269499470513, -3.110625123034165e-5,
  0.7031566406452432, 1.1671535393615113, 1.910453526883736, 2.4851956512749123, 3.490467238520243, 5.007298257075679,
  9.210290371142849,
];
const positive = (v: number) => Math.abs(v) + 0.05;

describe("lgamma", () => {
  it("matches mpmath to 2e-15 relative (absolute near the zeros at 1 and 2)", () => {
    lgamma(Tensor.from(XS)).toArray().forEach((v, i) => {
      expect(Math.abs(v - LGAMMA[i])).toBeLessThan(2e-15 * Math.max(1, Math.abs(LGAMMA[i])));
    });
  });
  it("is log((n - 1)!) at integers and satisfies lgamma(x + 1) = lgamma(x) + log x", () => {
    const ns = Array.from({ length: 20 }, (_, i) => i + 1);
    let logFact = 0;
    lgamma(Tensor.from(ns)).toArray().forEach((v, i) => {
      expect(Math.abs(v - logFact)).toBeLessThan(1e-13 * Math.max(1, logFact));
      logFact += Math.log(ns[i]);
    });
    const x = [0.3, 1.7, 4.2, 9.9, 25.5];
    const a = lgamma(Tensor.from(x)).toArray();
    const b = lgamma(Tensor.from(x.map((v) => v + 1))).toArray();
    x.forEach((v, i) => expect(b[i] - a[i]).toBeCloseTo(Math.log(v), 13));
  });
  it.each(CHECK_SHAPES)("gradient (digamma) matches finite differences for [%i, %i]", (r, c) => {
    expect(gradCheck(lgamma, [{ shape: [r, c], transform: positive }])).toBeLessThan(1e-6);
  });
  it("rejects x <= 0 with a DomainError naming x", () => {
    expect(() => lgamma(Tensor.from([1, 0]))).toThrow(DomainError);
    expect(() => lgamma(Tensor.from([1, -2]))).toThrow(/x: expected values > 0, received -2 at index 1/);
  });
});

describe("digamma", () => {
  it("matches mpmath to 2e-15 relative (absolute near its root)", () => {
    digamma(Tensor.from(XS)).toArray().forEach((v, i) => {
      expect(Math.abs(v - DIGAMMA[i])).toBeLessThan(2e-15 * Math.max(1, Math.abs(DIGAMMA[i])));
    });
  });
  it("satisfies digamma(x + 1) = digamma(x) + 1/x", () => {
    const x = [0.02, 0.7, 3.3, 9.5, 10, 42];
    const a = digamma(Tensor.from(x)).toArray();
    const b = digamma(Tensor.from(x.map((v) => v + 1))).toArray();
    x.forEach((v, i) => expect(b[i] - a[i]).toBeCloseTo(1 / v, 11));
  });
  it.each(CHECK_SHAPES)("gradient (trigamma) matches finite differences for [%i, %i]", (r, c) => {
    expect(gradCheck(digamma, [{ shape: [r, c], transform: (v) => Math.abs(v) + 0.3 }])).toBeLessThan(1e-6);
  });
  it("backward accumulates (x used twice gives twice the gradient)", () => {
    expect(gradCheck((x) => add(digamma(x), lgamma(x)), [{ shape: [3, 5], transform: positive }])).toBeLessThan(1e-6);
  });
  it("rejects x <= 0 and NaN-free inputs only", () => {
    expect(() => digamma(Tensor.from([0]))).toThrow(/^x/);
  });
});
