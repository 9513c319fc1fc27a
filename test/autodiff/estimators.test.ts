import { describe, it, expect } from "vitest";
import { Tensor, Rng, ShapeError, DomainError, backward, normalLogProb } from "../../src/index.js";
import { scoreFunctionSurrogate, RunningAverageBaseline, enumerateDiscrete } from "../../src/low-level.js";
import { sampleCategorical, noGrad, log } from "../../src/index.js";
import { categoricalLogProb } from "../../src/index.js";
import { clearTape, startRecording, stopRecording } from "../../src/low-level.js";
import { gradCheck, CHECK_SHAPES } from "../helpers/gradcheck.js";
import { meanAndStdErr } from "../helpers/quadrature.js";

const softmax = (row: number[]) => {
  const m = Math.max(...row);
  const e = row.map((v) => Math.exp(v - m));
  const z = e.reduce((s, v) => s + v, 0);
  return e.map((v) => v / z);
};

/** Runs f on leaves that require grad, backprops `seed` (default ones) and returns [output, grads]. */
function withGrads(leaves: Tensor[], f: () => Tensor, seed?: Tensor): [number[], number[][]] {
  leaves.forEach((t) => (t.requiresGrad = true));
  startRecording();
  const out = f();
  stopRecording();
  backward(out, seed ?? Tensor.full(out.shape, 1));
  const grads = leaves.map((t) => t.grad!.toArray());
  clearTape();
  return [out.toArray(), grads];
}

describe("scoreFunctionSurrogate", () => {
  it("returns cost and backprops (cost - b) to logProb and 1 to cost", () => {
    const logProb = Tensor.from([-1, -2, -0.5]);
    const cost = Tensor.from([3, 1, -2]);
    const g = Tensor.from([1, 2, -1]);
    const [out, [dlp, dc]] = withGrads([logProb, cost], () => scoreFunctionSurrogate(logProb, cost, 0.5), g);
    expect(out).toEqual([3, 1, -2]);
    expect(dlp).toEqual([1 * 2.5, 2 * 0.5, -1 * -2.5]);
    expect(dc).toEqual([1, 2, -1]);
    const perRow = Tensor.from([1, 2, 3]);
    const [, [dlp2]] = withGrads([logProb, cost], () => scoreFunctionSurrogate(logProb, cost, perRow), g);
    expect(dlp2).toEqual([2, -2, 5]);
  });
  it("rejects mismatched shapes by name", () => {
    expect(() => scoreFunctionSurrogate(Tensor.zeros([3]), Tensor.zeros([2]))).toThrow(/cost/);
    expect(() => scoreFunctionSurrogate(Tensor.zeros([3]), Tensor.zeros([3]), Tensor.zeros([2]))).toThrow(ShapeError);
  });

  // grad_l E_q[f] for q = softmax(l): q_k (f_k - E_q f); each of N rows gives one
  // independent single-sample estimate (f(k) - b) grad log q(k).
  const logits = [0.4, -0.3, 1.0, 0.0];
  const f = [1, -2, 3, 0.5];
  const q = softmax(logits);
  const expected = q.reduce((s, qk, k) => s + qk * f[k], 0);
  const exact = q.map((qk, k) => qk * (f[k] - expected));
  const estimate = (baseline: number | undefined, seed: number, offset = 0) => {
    const N = 20000;
    const l = Tensor.from(new Array(N).fill(logits).flat(), [N, 4]);
    const idx = sampleCategorical(l, new Rng(seed));
    const cost = Tensor.from(Array.from(idx, (k) => f[k] + offset));
    const [, [g]] = withGrads([l], () => scoreFunctionSurrogate(categoricalLogProb(l, idx), cost, baseline));
    return [0, 1, 2, 3].map((k) => meanAndStdErr(Array.from({ length: N }, (_, b) => g[b * 4 + k])));
  };
  it("averaged over many samples matches the exact gradient of E_q[f] (within 4 standard errors)", () => {
    for (const baseline of [undefined, expected]) {
      estimate(baseline, 21).forEach(({ mean, se }, k) => {
        expect(Math.abs(mean - exact[k])).toBeLessThan(4 * se);
        expect(se).toBeLessThan(0.05);
      });
    }
  });
  it("with costs offset by 10, a baseline at E_q[f] keeps it unbiased and cuts the total variance", () => {
    const without = estimate(undefined, 22, 10);
    const withB = estimate(expected + 10, 22, 10);
    withB.forEach(({ mean, se }, k) => expect(Math.abs(mean - exact[k])).toBeLessThan(4 * se));
    const total = (e: { variance: number }[]) => e.reduce((s, v) => s + v.variance, 0);
    expect(total(withB)).toBeLessThan(total(without) / 10);
  });
});

describe("RunningAverageBaseline", () => {
  it("starts at the first cost and then follows b <- d b + (1 - d) c", () => {
    const b = new RunningAverageBaseline(0.8);
    expect(b.value).toBe(0);
    expect(b.update(10)).toBe(10);
    expect(b.update(0)).toBeCloseTo(8, 12);
    expect(b.update(Tensor.from([4, 6]))).toBeCloseTo(0.8 * 8 + 0.2 * 5, 12);
  });
  it("rejects a decay outside [0, 1) and non-finite costs", () => {
    expect(() => new RunningAverageBaseline(1)).toThrow(DomainError);
    expect(() => new RunningAverageBaseline(0.5).update(NaN)).toThrow(/costMean/);
  });
  it("updateIfFinite leaves a non-finite pass out (the loop reports the divergence); state round-trips", () => {
    const b = new RunningAverageBaseline(0.8);
    const withInf = noGrad(() => log(Tensor.from([1, 0]))); // [0, -Infinity]
    expect(b.updateIfFinite(withInf)).toBe(0);
    expect(b.getState()).toEqual({ current: 0, seen: false });
    expect(b.updateIfFinite(Tensor.from([4, 6]))).toBe(5);
    const c = new RunningAverageBaseline(0.8);
    c.setState(b.getState());
    expect(c.update(0)).toBe(b.update(0));
    expect(() => c.setState({ current: NaN, seen: true })).toThrow(DomainError);
  });
});

describe("enumerateDiscrete", () => {
  it("is sum_k softmax(logits)_k f(k)", () => {
    const rows = [[0.2, -1, 0.5], [2, 0, 1]];
    const fv = [[1, 4], [-2, 0.5], [3, 3]];
    const out = enumerateDiscrete(Tensor.from(rows), (k) => Tensor.from(fv[k])).toArray();
    rows.forEach((r, b) => {
      const q = softmax(r);
      expect(out[b]).toBeCloseTo(q.reduce((s, qk, k) => s + qk * fv[k][b], 0), 12);
    });
  });
  it.each(CHECK_SHAPES)("gradient (logits and inputs of f) matches finite differences for [%i, %i]", (B, K) => {
    const f = (l: Tensor, x: Tensor) =>
      enumerateDiscrete(l, (k) => normalLogProb(x, Tensor.scalar(0.5 * k), Tensor.scalar(0.1 * k - 0.2)));
    expect(gradCheck(f, [{ shape: [B, K] }, { shape: [B] }])).toBeLessThan(1e-6);
  });
  it("rejects f(k) of the wrong size and non-[B, K] logits", () => {
    expect(() => enumerateDiscrete(Tensor.zeros([2, 3]), () => Tensor.zeros([3]))).toThrow(/f\(0\)/);
    expect(() => enumerateDiscrete(Tensor.zeros([3]), () => Tensor.zeros([3]))).toThrow(ShapeError);
  });
});
