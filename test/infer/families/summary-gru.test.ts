import { describe, expect, it } from "vitest";
import { Rng, ShapeError, Tensor, UnknownNameError, noGrad } from "../../../src/index.js";
import { gru } from "../../../src/infer/families/summary-gru.js";
import { gradCheck } from "../../helpers/gradcheck.js";
import { paramGradCheck } from "../../helpers/param-gradcheck.js";
import { ACT, buildSummary, denseRef } from "./summary-helpers.js";
import type { ParamStore } from "../../../src/nn/param-store.js";

/** Plain-JS GRU over one time-major row (the cuDNN form), returning every h_t. */
function gruRef(store: ParamStore, row: number[], C: number, H: number): number[][] {
  const [Wx, bx, Wh, bh] = ["input.weight", "input.bias", "recurrent.weight", "recurrent.bias"].map((n) => store.get(n).toArray());
  let h = new Array(H).fill(0);
  const hs: number[][] = [];
  for (let t = 0; t < row.length / C; t++) {
    const gx = denseRef(row.slice(t * C, (t + 1) * C), Wx, bx, ACT.identity);
    const gh = denseRef(h, Wh, bh, ACT.identity);
    h = h.map((hPrev, i) => {
      const r = ACT.sigmoid(gx[i] + gh[i]);
      const z = ACT.sigmoid(gx[H + i] + gh[H + i]);
      const n = Math.tanh(gx[2 * H + i] + r * gh[2 * H + i]);
      return (1 - z) * n + z * hPrev;
    });
    hs.push(h);
  }
  return hs;
}

describe("gru", () => {
  it.each(["last", "mean"] as const)("output %s matches a plain-JS GRU (two input channels)", (output) => {
    const T = 6;
    const C = 2;
    const H = 4;
    const { s, store } = buildSummary(gru({ hidden: H, inChannels: C, output }), T * C, 3);
    expect(s.outputSize).toBe(H);
    expect(store.get("recurrent.weight").shape).toEqual([H, 3 * H]);
    const x = new Rng(2).normal([3, T * C]);
    const y = noGrad(() => s.forward(x)).toRows();
    x.toRows().forEach((row, b) => {
      const hs = gruRef(store, row, C, H);
      const expected = output === "last" ? hs[T - 1] : hs[0].map((_, i) => hs.reduce((acc, h) => acc + h[i], 0) / T);
      expected.forEach((v, i) => expect(y[b][i]).toBeCloseTo(v, 12));
    });
  });

  it("depends on the order of the steps (a sequence summary, not a set summary)", () => {
    const { s } = buildSummary(gru({ hidden: 3 }), 5, 1);
    const row = [0.5, -1, 2, 0.1, -0.7];
    const a = noGrad(() => s.forward(Tensor.from([row]))).toArray();
    const b = noGrad(() => s.forward(Tensor.from([row.slice().reverse()]))).toArray();
    expect(Math.max(...a.map((v, i) => Math.abs(v - b[i])))).toBeGreaterThan(1e-3);
  });

  it.each(["last", "mean"] as const)("output %s: gradients w.r.t. the input and every parameter match finite differences", (output) => {
    const T = 4;
    const C = 2;
    const { s, store } = buildSummary(gru({ hidden: 3, inChannels: C, output }), T * C, 4);
    expect(gradCheck((x) => s.forward(x), [{ shape: [3, T * C] }])).toBeLessThan(1e-6);
    const x = new Rng(6).normal([3, T * C], "persistent");
    expect(paramGradCheck(store, () => s.forward(x))).toBeLessThan(1e-6);
    x.dispose();
  });

  it("bad input: typed errors naming the argument", () => {
    expect(() => buildSummary(gru({ hidden: 2, inChannels: 3 }), 8)).toThrow(ShapeError);
    expect(() => buildSummary(gru({ hidden: 2, inChannels: 3 }), 8)).toThrow(/^gru inputSize: expected a multiple of inChannels = 3, received 8/);
    expect(() => gru({ hidden: 0 })).toThrow(/^hidden: /);
    expect(() => gru({ hidden: 2, inChannels: 0 })).toThrow(/^inChannels: /);
    expect(() => gru({ hidden: 2, output: "first" as never })).toThrow(UnknownNameError);
    expect(() => gru({ hidden: 2, hiden: 3 } as never)).toThrow(/options\.hiden/);
    const { s } = buildSummary(gru({ hidden: 2 }), 5);
    expect(() => s.forward(Tensor.zeros([2, 4]))).toThrow(/^x of gru: /);
  });
});
