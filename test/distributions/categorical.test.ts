import { describe, it, expect } from "vitest";
import { Tensor, Rng, Categorical, DomainError, ShapeError } from "../../src/index.js";
import { gradCheck } from "../helpers/gradcheck.js";

const softmax = (row: number[]) => {
  const m = Math.max(...row);
  const e = row.map((v) => Math.exp(v - m));
  const z = e.reduce((s, v) => s + v, 0);
  return e.map((v) => v / z);
};

describe("Categorical", () => {
  const row = [0.2, -1.3, 0.8, 0.1];
  it("probabilities of all categories sum to 1 and match softmax", () => {
    const d = new Categorical(row);
    const p = [0, 1, 2, 3].map((k) => Math.exp(d.logProb([k]).item()));
    expect(p.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 14);
    softmax(row).forEach((q, k) => expect(p[k]).toBeCloseTo(q, 14));
  });
  it("sample frequencies match the probabilities (chi-square, n = 1e5)", () => {
    const n = 100000;
    const d = new Categorical(row);
    const s = d.sample(new Rng(31), [n]);
    expect(s.shape).toEqual([n]);
    const counts = [0, 0, 0, 0];
    s.toArray().forEach((k) => counts[k]++);
    const p = softmax(row);
    const chi2 = counts.reduce((acc, c, k) => acc + (c - n * p[k]) ** 2 / (n * p[k]), 0);
    expect(chi2).toBeLessThan(3 + 5 * Math.sqrt(6));
  });
  it("logProb accepts a sampled Tensor and Int32Array indices alike", () => {
    const d = new Categorical([row, row.map((v) => -v)]);
    const s = d.sample(new Rng(2));
    expect(d.logProb(s).toArray()).toEqual(d.logProb(Int32Array.from(s.toArray())).toArray());
  });
  it("entropy matches -sum p log p; gradient through logProb and entropy", () => {
    const p = softmax(row);
    expect(new Categorical(row).entropy().item()).toBeCloseTo(-p.reduce((s, v) => s + v * Math.log(v), 0), 12);
    expect(gradCheck((l) => new Categorical(l).entropy(), [{ shape: [3, 4] }])).toBeLessThan(1e-6);
    expect(gradCheck((l) => new Categorical(l).logProb([0, 3, 1]), [{ shape: [3, 4] }])).toBeLessThan(1e-6);
  });
  it("rejects K = 0, non-integer values and 1-D tensor logits", () => {
    expect(() => new Categorical([])).toThrow(DomainError);
    expect(() => new Categorical([])).toThrow(/logits/);
    expect(() => new Categorical(row).logProb(Tensor.from([1.5]))).toThrow(/value/);
    expect(() => new Categorical(Tensor.zeros([4]))).toThrow(ShapeError);
  });
  it("sample(rng, shape): logits [1, K] asked for [B, 1] give B indices as [B, 1]; logProb keeps the value's shape", () => {
    const d = new Categorical(row);
    const s = d.sample(new Rng(7), [6, 1]);
    expect(s.shape).toEqual([6, 1]);
    expect(s.toArray()).toEqual(Array.from(d.sampleIndices(new Rng(7), 6)));
    const lp = d.logProb(s);
    expect(lp.shape).toEqual([6, 1]);
    const p = softmax(row);
    lp.toArray().forEach((v, i) => expect(v).toBeCloseTo(Math.log(p[s.toArray()[i]]), 12));
    expect(gradCheck((l) => new Categorical(l).logProb(Tensor.from([2, 0, 3, 3], [4, 1])), [{ shape: [1, 4] }])).toBeLessThan(1e-6);
  });
  it("per-row logits need one value per row (ShapeError naming shape / value)", () => {
    const d = new Categorical([row, row]);
    expect(d.sample(new Rng(1), [2, 1]).shape).toEqual([2, 1]);
    expect(() => d.sample(new Rng(1), [3, 1])).toThrow(/^shape/);
    expect(() => d.logProb(Tensor.from([0, 1, 2]))).toThrow(ShapeError);
    expect(() => d.logProb(Tensor.from([0, 4]))).toThrow(/value: expected integer category indices in \[0, 4\)/);
  });
});
