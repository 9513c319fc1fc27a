import { describe, it, expect } from "vitest";
import { Rng, Tensor, DomainError, valueAndGrad, sum } from "../../../../src/index.js";
import { Flat } from "../../../../src/experiments/avi/models/flat.js";

describe("Flat (improper flat prior)", () => {
  it("log p = 0 per row, with no gradient into the value", () => {
    const flat = new Flat({ at: 2 });
    const v = Tensor.from([1, -3, 7], [3, 1], "persistent");
    v.requiresGrad = true;
    expect(flat.logProb(v).toArray()).toEqual([0, 0, 0]);
    valueAndGrad(() => sum(flat.logProb(v)));
    expect(v.grad ? v.grad.toArray() : [0, 0, 0]).toEqual([0, 0, 0]);
    expect(flat.support.kind).toBe("real");
  });
  it("forward runs take the point `at` (an improper prior has no draws); without it sample is a typed error", () => {
    expect(new Flat({ at: 2.5 }).sample(new Rng(0), [1, 1]).toArray()).toEqual([2.5]);
    expect(() => new Flat().sample(new Rng(0), [1, 1])).toThrow(DomainError);
    expect(() => new Flat().sample(new Rng(0), [1, 1])).toThrow(/Flat\.sample/);
    expect(() => new Flat({ at: NaN })).toThrow(/at/);
  });
});
