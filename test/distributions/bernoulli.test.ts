import { describe, it, expect } from "vitest";
import { Tensor, Rng, Bernoulli, DomainError, ShapeError } from "../../src/index.js";
import { gradCheck, CHECK_SHAPES } from "../helpers/gradcheck.js";

const sigmoid = (l: number) => 1 / (1 + Math.exp(-l));

describe("Bernoulli", () => {
  const logits = [-1.2, 0, 0.7, 3];
  it("P(0) + P(1) = 1 for each element, with P(1) = sigmoid(logit)", () => {
    const d = new Bernoulli(Tensor.from(logits, [4, 1]));
    const p1 = d.logProb(Tensor.full([4, 1], 1)).toArray().map(Math.exp);
    const p0 = d.logProb(Tensor.zeros([4, 1])).toArray().map(Math.exp);
    p1.forEach((v, i) => {
      expect(v + p0[i]).toBeCloseTo(1, 14);
      expect(v).toBeCloseTo(sigmoid(logits[i]), 14);
    });
  });
  it("logProb sums the event dims -> [B]", () => {
    const d = new Bernoulli(Tensor.from([logits]));
    const x = [1, 0, 0, 1];
    const want = x.reduce((s, xi, i) => s + Math.log(xi ? sigmoid(logits[i]) : 1 - sigmoid(logits[i])), 0);
    expect(d.logProb(Tensor.from([x])).item()).toBeCloseTo(want, 12);
  });
  it("sample frequencies match sigmoid(logits) (n = 1e5 per element, 4 standard errors)", () => {
    const n = 100000;
    const s = new Bernoulli(logits).sample(new Rng(41), [n, 4]).toArray();
    logits.forEach((l, j) => {
      const p = sigmoid(l);
      const freq = s.filter((_, i) => i % 4 === j).reduce((a, v) => a + v, 0) / n;
      expect(Math.abs(freq - p)).toBeLessThan(4 * Math.sqrt((p * (1 - p)) / n));
    });
  });
  it("entropy is -sum p log p over the event", () => {
    const want = logits.reduce((s, l) => {
      const p = sigmoid(l);
      return s - p * Math.log(p) - (1 - p) * Math.log(1 - p);
    }, 0);
    expect(new Bernoulli(Tensor.from([logits])).entropy().item()).toBeCloseTo(want, 12);
  });
  it.each(CHECK_SHAPES)("gradients of logProb and entropy match finite differences for [%i, %i]", (r, c) => {
    const x = Tensor.from(Array.from({ length: r * c }, (_, i) => i % 2), [r, c], "persistent");
    expect(gradCheck((l) => new Bernoulli(l).logProb(x), [{ shape: [r, c] }])).toBeLessThan(1e-6);
    expect(gradCheck((l) => new Bernoulli(l).entropy(), [{ shape: [r, c] }])).toBeLessThan(1e-6);
  });
  it("batch = the leading dim of logits, event = the rest; sample(rng, shape) broadcasts a row of logits", () => {
    const d = new Bernoulli(Tensor.from([[0, 1, 2], [3, 4, 5]]));
    expect(d.batchShape).toEqual([2]);
    expect(d.eventShape).toEqual([3]);
    const s = new Bernoulli(Tensor.from([[-50, 50, 0]])).sample(new Rng(3), [5, 3]).toRows();
    s.forEach((r) => expect([r[0], r[1]]).toEqual([0, 1]));
    expect(() => new Bernoulli([0, 1, 2]).sample(new Rng(3), [5, 2])).toThrow(ShapeError);
  });
  it("logProb accepts values in [0, 1] and rejects others with a DomainError naming value", () => {
    const d = new Bernoulli([[0.3, -0.2]]);
    expect(d.logProb(Tensor.from([[0.25, 1]])).shape).toEqual([1]);
    expect(() => d.logProb(Tensor.from([[2, 0]]))).toThrow(DomainError);
    expect(() => d.logProb(Tensor.from([[0, -1]]))).toThrow(/^value: expected values in \[0, 1\], received -1 at index 1/);
  });
});
