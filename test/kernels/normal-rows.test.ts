import { describe, expect, it } from "vitest";
import { normalLogProb, normalRsample } from "../../src/autodiff/ops/gaussian.js";
import { gradCheck } from "../helpers/gradcheck.js";

// The f64x2 row paths of the Normal kernels (assembly/normal-rows.ts): every
// combination of scalar / row / full mean and logStd, even and odd widths
// (the odd last column takes the scalar step), against finite differences.

const layouts = (r: number, c: number): [string, number[]][] => [
  ["scalar", [1]],
  ["row", [c]],
  ["full", [r, c]],
];

describe("Normal kernels: row-layout paths", () => {
  for (const [r, c] of [[3, 4], [4, 5], [5, 1], [1, 3]]) {
    for (const [mName, mShape] of layouts(r, c)) {
      for (const [sName, sShape] of layouts(r, c)) {
        it(`[${r}, ${c}] mean ${mName}, logStd ${sName}: normalLogProb and normalRsample gradients`, () => {
          expect(gradCheck((x, m, s) => normalLogProb(x, m, s), [{ shape: [r, c] }, { shape: mShape }, { shape: sShape }])).toBeLessThan(1e-6);
          expect(gradCheck((m, s, e) => normalRsample(m, s, e), [{ shape: mShape }, { shape: sShape }, { shape: [r, c] }])).toBeLessThan(1e-6);
        });
      }
    }
  }
});
