import { describe, expect, it } from "vitest";
import { DomainError, Rng, ShapeError, Tensor, UnknownNameError, noGrad } from "../../../src/index.js";
import { conv1d } from "../../../src/infer/families/summary-conv1d.js";
import { gradCheck } from "../../helpers/gradcheck.js";
import { paramGradCheck } from "../../helpers/param-gradcheck.js";
import { buildSummary } from "./summary-helpers.js";
import type { ParamStore } from "../../../src/nn/param-store.js";

/** Plain-JS convolution layer: v[t][o] = act(b[o] + sum_{j,c} W[j C + c][o] u[t s - p + j][c]), zeros outside [0, T). */
function convRef(u: number[][], W: number[], b: number[], K: number, s: number, p: number, act: (v: number) => number): number[][] {
  const T = u.length;
  const C = u[0].length;
  const L = Math.floor((T + 2 * p - K) / s) + 1;
  return Array.from({ length: L }, (_, t) =>
    b.map((bo, o) => {
      let acc = bo;
      for (let j = 0; j < K; j++) {
        const tt = t * s - p + j;
        if (tt >= 0 && tt < T) for (let c = 0; c < C; c++) acc += W[(j * C + c) * b.length + o] * u[tt][c];
      }
      return act(acc);
    }),
  );
}

/** The reference network over one time-major row: layers then mean over time. */
function conv1dRef(store: ParamStore, row: number[], C: number, layers: number, K: number, s: number, p: number): number[] {
  let u = Array.from({ length: row.length / C }, (_, t) => row.slice(t * C, (t + 1) * C));
  for (let l = 0; l < layers; l++) u = convRef(u, store.get(`${l}.weight`).toArray(), store.get(`${l}.bias`).toArray(), K, s, p, Math.tanh);
  return u[0].map((_, o) => u.reduce((acc, v) => acc + v[o], 0) / u.length);
}

const roll = (row: number[], by: number) => row.map((_, i) => row[(i - by + row.length) % row.length]);

describe("conv1d", () => {
  it("two layers, stride 2, padding 1, two input channels: matches a plain-JS convolution with mean pooling", () => {
    const T = 9;
    const C = 2;
    const net = conv1d({ channels: [4, 3], kernel: 3, stride: 2, padding: 1, inChannels: C, activation: "tanh" });
    const { s, store } = buildSummary(net, T * C, 3);
    expect(s.outputSize).toBe(3);
    expect(store.get("0.weight").shape).toEqual([3 * C, 4]);
    expect(store.get("1.weight").shape).toEqual([3 * 4, 3]);
    const x = new Rng(2).normal([3, T * C]);
    const y = noGrad(() => s.forward(x)).toRows();
    x.toRows().forEach((row, b) => conv1dRef(store, row, C, 2, 3, 2, 1).forEach((v, o) => expect(y[b][o]).toBeCloseTo(v, 12)));
  });

  it("shift equivariance: a circular shift of a sequence with zero margins shifts the flattened output and leaves the pooled one unchanged", () => {
    const T = 16;
    const K = 3;
    const M = 2 * (K - 1) + 1; // zero margins that two valid layers need
    const rows = new Rng(4).normal([4, T]).toRows().map((r) => r.map((v, t) => (t < M || t >= T - M ? 0 : v)));
    const shifted = rows.map((r) => roll(r, 1));
    for (const pool of ["flatten", "mean", "sum"] as const) {
      const { s } = buildSummary(conv1d({ channels: 3, layers: 2, kernel: K, pool }), T, 5);
      const a = noGrad(() => s.forward(Tensor.from(rows))).toRows();
      const b = noGrad(() => s.forward(Tensor.from(shifted))).toRows();
      // flatten: [L C_out] time-major, so one step is C_out = 3 values
      const expected = pool === "flatten" ? a.map((r) => roll(r, 3)) : a;
      b.forEach((r, i) => r.forEach((v, j) => expect(Math.abs(v - expected[i][j])).toBeLessThan(1e-12)));
      if (pool === "flatten") expect(Math.max(...b.flatMap((r, i) => r.map((v, j) => Math.abs(v - a[i][j]))))).toBeGreaterThan(1e-2);
    }
    const flat = buildSummary(conv1d({ channels: 3, layers: 2, kernel: K, pool: "flatten" }), T, 5).s;
    expect(flat.outputSize).toBe((T - 2 * (K - 1)) * 3);
  });

  it.each([
    [1, 0, "mean"],
    [2, 1, "sum"],
    [1, 2, "flatten"],
  ] as const)("stride %i, padding %i, pool %s: gradients w.r.t. the input and every parameter match finite differences", (stride, padding, pool) => {
    const T = 7;
    const C = 2;
    const { s, store } = buildSummary(conv1d({ channels: [3, 2], kernel: 3, stride, padding, inChannels: C, activation: "tanh", pool }), T * C, 7);
    expect(gradCheck((x) => s.forward(x), [{ shape: [3, T * C] }])).toBeLessThan(1e-6);
    const x = new Rng(9).normal([3, T * C], "persistent");
    expect(paramGradCheck(store, () => s.forward(x))).toBeLessThan(1e-6);
    x.dispose();
  });

  it("bad input: typed errors naming the argument", () => {
    expect(() => buildSummary(conv1d({ channels: 2, kernel: 3, inChannels: 2 }), 9)).toThrow(ShapeError);
    expect(() => buildSummary(conv1d({ channels: 2, kernel: 3, inChannels: 2 }), 9)).toThrow(/^conv1d inputSize: expected a multiple of inChannels = 2/);
    expect(() => buildSummary(conv1d({ channels: 2, layers: 3, kernel: 3 }), 6)).toThrow(/^kernel: .*layer 2's input \(T = 2/);
    expect(() => conv1d({ channels: [2, 3], layers: 3, kernel: 2 })).toThrow(/^layers: /);
    expect(() => conv1d({ channels: [], kernel: 2 })).toThrow(DomainError);
    expect(() => conv1d({ channels: [2, 0], kernel: 2 })).toThrow(/^channels\[1\]: /);
    expect(() => conv1d({ channels: 2, kernel: 0 })).toThrow(/^kernel: /);
    expect(() => conv1d({ channels: 2, kernel: 2, padding: 2 })).toThrow(/^padding: /);
    expect(() => conv1d({ channels: 2, kernel: 2, stride: 0 })).toThrow(/^stride: /);
    expect(() => conv1d({ channels: 2, kernel: 2, pool: "max" as never })).toThrow(UnknownNameError);
    expect(() => conv1d({ channels: 2, kernel: 2, kernal: 3 } as never)).toThrow(/options\.kernal/);
    const { s } = buildSummary(conv1d({ channels: 2, kernel: 2 }), 5);
    expect(() => s.forward(Tensor.zeros([2, 4]))).toThrow(/^x of conv1d: /);
  });
});
