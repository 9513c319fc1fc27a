import { describe, expect, it } from "vitest";
import { DomainError, Rng, ShapeError, Tensor, UnknownNameError, noGrad } from "../../../src/index.js";
import { deepSets } from "../../../src/infer/families/summary-deep-sets.js";
import { gradCheck } from "../../helpers/gradcheck.js";
import { paramGradCheck } from "../../helpers/param-gradcheck.js";
import { ACT, buildSummary, mlpRef } from "./summary-helpers.js";

describe("deepSets", () => {
  it("rho(mean_s phi(x_s)) matches a plain-JS reference, row by row", () => {
    const S = 4;
    const e = 3;
    const { s, store } = buildSummary(deepSets({ elementSize: e, phi: [5, 6], rho: [4, 2], activation: "tanh" }), S * e, 2);
    expect(s.outputSize).toBe(2);
    const x = new Rng(5).normal([3, S * e]);
    const y = noGrad(() => s.forward(x)).toRows();
    x.toRows().forEach((row, b) => {
      const hs = Array.from({ length: S }, (_, k) => mlpRef(store, "phi", 2, row.slice(k * e, (k + 1) * e), Math.tanh, Math.tanh));
      const pooled = hs[0].map((_, j) => hs.reduce((acc, h) => acc + h[j], 0) / S);
      mlpRef(store, "rho", 2, pooled, Math.tanh, ACT.identity).forEach((v, j) => expect(y[b][j]).toBeCloseTo(v, 12));
    });
  });

  it("is invariant to permutations of the elements (to 1e-12), not to permutations inside an element", () => {
    const S = 7;
    const e = 2;
    const { s } = buildSummary(deepSets({ elementSize: e, phi: [8], rho: [8, 3] }), S * e, 1);
    const rows = new Rng(3).normal([5, S * e]).toRows();
    const perm = [3, 6, 0, 5, 1, 4, 2];
    const permuted = rows.map((r) => perm.flatMap((k) => r.slice(k * e, (k + 1) * e)));
    const a = noGrad(() => s.forward(Tensor.from(rows))).toArray();
    const b = noGrad(() => s.forward(Tensor.from(permuted))).toArray();
    b.forEach((v, i) => expect(Math.abs(v - a[i])).toBeLessThan(1e-12));
    const swappedInside = rows.map((r) => r.map((_, j) => r[j ^ 1]));
    const c = noGrad(() => s.forward(Tensor.from(swappedInside))).toArray();
    expect(Math.max(...c.map((v, i) => Math.abs(v - a[i])))).toBeGreaterThan(1e-3);
  });

  it("sum pooling is S times mean pooling (rho = []: the pooled phi)", () => {
    const S = 5;
    const mean = buildSummary(deepSets({ elementSize: 1, phi: [4], rho: [], pool: "mean" }), S, 4);
    const sum = buildSummary(deepSets({ elementSize: 1, phi: [4], rho: [], pool: "sum" }), S, 4);
    expect(mean.s.outputSize).toBe(4);
    const x = new Rng(1).normal([3, S]);
    const m = noGrad(() => mean.s.forward(x)).toArray();
    noGrad(() => sum.s.forward(x)).toArray().forEach((v, i) => expect(v).toBeCloseTo(S * m[i], 12));
  });

  it.each(["mean", "sum"] as const)("%s pooling: gradients w.r.t. the input and every parameter match finite differences", (pool) => {
    const S = 3;
    const e = 2;
    const { s, store } = buildSummary(deepSets({ elementSize: e, setSize: S, phi: [4, 3], rho: [3, 2], pool, activation: "tanh" }), S * e, 6);
    expect(gradCheck((x) => s.forward(x), [{ shape: [4, S * e] }])).toBeLessThan(1e-6);
    const x = new Rng(8).normal([4, S * e], "persistent");
    expect(paramGradCheck(store, () => s.forward(x))).toBeLessThan(1e-6);
    x.dispose();
  });

  it("bad input: typed errors naming the argument", () => {
    expect(() => buildSummary(deepSets({ elementSize: 3, phi: [4], rho: [] }), 10)).toThrow(ShapeError);
    expect(() => buildSummary(deepSets({ elementSize: 3, phi: [4], rho: [] }), 10)).toThrow(/^deepSets inputSize: expected a multiple of elementSize = 3, received 10/);
    expect(() => buildSummary(deepSets({ elementSize: 2, setSize: 4, phi: [4], rho: [] }), 10)).toThrow(/setSize \* elementSize = 8/);
    expect(() => deepSets({ elementSize: 0, phi: [4], rho: [] })).toThrow(/^elementSize: /);
    expect(() => deepSets({ elementSize: 1, phi: [], rho: [] })).toThrow(DomainError);
    expect(() => deepSets({ elementSize: 1, phi: [4, 0], rho: [] })).toThrow(/^phi\[1\]: /);
    expect(() => deepSets({ elementSize: 1, phi: [4], rho: [2.5] })).toThrow(/^rho\[0\]: /);
    expect(() => deepSets({ elementSize: 1, phi: [4], rho: [], pool: "max" as never })).toThrow(UnknownNameError);
    expect(() => deepSets({ elementSize: 1, phi: [4], rho: [], activation: "gelu" as never })).toThrow(/^activation: /);
    expect(() => deepSets({ elementSize: 1, phi: [4], rho: [], elementsize: 2 } as never)).toThrow(/options\.elementsize/);
    const { s } = buildSummary(deepSets({ elementSize: 2, phi: [4], rho: [] }), 6);
    expect(() => s.forward(Tensor.zeros([2, 4]))).toThrow(/^x of deepSets: expected a tensor \[B, 6\]/);
  });
});
