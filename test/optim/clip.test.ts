import { describe, it, expect } from "vitest";
import { DomainError, clipGradNorm, gradNorm } from "../../src/index.js";
import { fakeGrad, makeStore } from "./fixtures.js";

const norm = (xs: number[]) => Math.sqrt(xs.reduce((s, x) => s + x * x, 0));

describe("clipGradNorm", () => {
  it("returns the joint pre-clip norm over several stores and scales to maxNorm", () => {
    const a = makeStore(7);
    const b = makeStore(12);
    const ga = fakeGrad(7, 1).map((x) => 3 * x);
    const gb = fakeGrad(12, 2).map((x) => 3 * x);
    a.grads.set(ga);
    b.grads.set(gb);
    const total = norm([...ga, ...gb]);
    expect(gradNorm([a, b])).toBeCloseTo(total, 12);
    const before = clipGradNorm([a, b], 1.5);
    expect(before).toBeCloseTo(total, 12);
    expect(gradNorm([a, b])).toBeCloseTo(1.5, 12);
    // direction unchanged
    const c = 1.5 / total;
    a.grads.toArray().forEach((g, i) => expect(g).toBeCloseTo(ga[i] * c, 14));
    b.grads.toArray().forEach((g, i) => expect(g).toBeCloseTo(gb[i] * c, 14));
  });
  it("leaves gradients below maxNorm unchanged", () => {
    const a = makeStore(9);
    const g = fakeGrad(9, 0);
    a.grads.set(g);
    expect(clipGradNorm(a, 100)).toBeCloseTo(norm(g), 12);
    expect(a.grads.toArray()).toEqual(g);
  });
  it("returns a non-finite norm without scaling", () => {
    const a = makeStore(7);
    const g = fakeGrad(7, 0);
    g[3] = NaN;
    a.grads.set(g);
    expect(clipGradNorm(a, 1)).toBeNaN();
    expect(a.grads.toArray()[0]).toBe(g[0]);
  });
  it("rejects maxNorm <= 0", () => {
    expect(() => clipGradNorm(makeStore(7), 0)).toThrow(DomainError);
    expect(() => clipGradNorm(makeStore(7), -1)).toThrow(/maxNorm/);
  });
});
