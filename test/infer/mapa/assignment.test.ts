import { describe, expect, it } from "vitest";
import { DomainError, NonFiniteError, Rng, ShapeError } from "../../../src/index.js";
import { assignmentCost, hungarian, sinkhornAssignment } from "../../../src/low-level.js";

function permutations(n: number): number[][] {
  if (n === 1) return [[0]];
  return permutations(n - 1).flatMap((p) => Array.from({ length: n }, (_, i) => [...p.slice(0, i), n - 1, ...p.slice(i)]));
}

function bruteForce(cost: Float64Array, n: number): number {
  return Math.min(...permutations(n).map((p) => assignmentCost(cost, Int32Array.from(p))));
}

describe("hungarian", () => {
  it("finds the optimal cost of random 1..7 x 7 problems (vs brute force)", () => {
    const rng = new Rng(5);
    for (let n = 1; n <= 7; n++) {
      for (let rep = 0; rep < 4; rep++) {
        const cost = rng.uniform([n * n]).toFloat64Array().map((v) => Math.round(v * 20) / 4);
        const perm = hungarian(cost, n);
        expect([...perm].sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => i));
        expect(assignmentCost(cost, perm)).toBeCloseTo(bruteForce(cost, n), 10);
      }
    }
  });
  it("rejects a cost matrix of the wrong size or with NaN", () => {
    expect(() => hungarian(new Float64Array(5), 2)).toThrow(ShapeError);
    expect(() => hungarian(Float64Array.from([0, 1, NaN, 2]), 2)).toThrow(NonFiniteError);
  });
});

describe("sinkhornAssignment", () => {
  it("returns a permutation within 10% of the optimal cost on squared-distance problems (n = 60, default settings)", () => {
    const rng = new Rng(6);
    const n = 60;
    const a = rng.normal([n * 2]).toFloat64Array();
    const b = rng.normal([n * 2]).toFloat64Array();
    const cost = Float64Array.from({ length: n * n }, (_, k) => {
      const i = Math.floor(k / n), j = k % n;
      return (a[2 * i] - b[2 * j]) ** 2 + (a[2 * i + 1] - b[2 * j + 1]) ** 2;
    });
    const perm = sinkhornAssignment(cost, n);
    expect(new Set(perm).size).toBe(n);
    expect(assignmentCost(cost, perm)).toBeLessThan(1.1 * assignmentCost(cost, hungarian(cost, n)));
  });
  it("rejects epsilon <= 0", () => {
    expect(() => sinkhornAssignment(new Float64Array(4), 2, { epsilon: 0 })).toThrow(DomainError);
  });
});
