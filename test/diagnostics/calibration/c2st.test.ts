import { describe, expect, it } from "vitest";
import { DomainError, ShapeError, UnknownNameError } from "../../../src/core/errors.js";
import { Rng } from "../../../src/core/rng.js";
import { c2st } from "../../../src/diagnostics/calibration/c2st.js";

function gaussianRows(seed: number, n: number, d: number, shift = 0, scale = 1): number[][] {
  const rng = new Rng(seed);
  const mark = rng.rt.arena.mark();
  const z = rng.normal([n * d]).toFloat64Array();
  rng.rt.arena.restore(mark);
  return Array.from({ length: n }, (_, i) => Array.from({ length: d }, (_, k) => scale * z[i * d + k] + (k === 0 ? shift : 0)));
}

/** Bayes accuracy of N(0, I) against N(delta e_1, I) with equal priors: Phi(delta / 2). */
const bayesAccuracy = (delta: number) => 0.5 * (1 + erf(delta / 2 / Math.SQRT2));
function erf(x: number): number {
  // Maclaurin series (|x| <= 2 here): erf x = 2 / sqrt(pi) sum (-1)^n x^(2n+1) / (n! (2n+1))
  let term = x;
  let s = x;
  for (let n = 1; n < 60; n++) {
    term *= (-x * x) / n;
    s += term / (2 * n + 1);
  }
  return (2 / Math.sqrt(Math.PI)) * s;
}

describe("c2st (sbibm's classifier two-sample test)", () => {
  it("two samples of one distribution: accuracy within 0.05 (3 null standard errors) of 0.5", () => {
    const r = c2st(gaussianRows(10, 500, 2), gaussianRows(20, 500, 2));
    expect(r.nullStandardError).toBeCloseTo(Math.sqrt(0.25 / 1000), 12);
    expect(Math.abs(r.accuracy - 0.5)).toBeLessThan(0.05);
    expect(r.foldAccuracies.length).toBe(5);
    for (const e of r.epochs) expect(e).toBeGreaterThan(10); // sklearn's stop rule: > 10 epochs without a 1e-4 gain
  });

  it("shifted samples: accuracy at the Bayes accuracy Phi(delta / 2) (0.69 at delta 1, 0.98 at delta 4)", () => {
    for (const delta of [1, 4]) {
      const r = c2st(gaussianRows(10, 500, 2), gaussianRows(20, 500, 2, delta));
      expect(Math.abs(r.accuracy - bayesAccuracy(delta))).toBeLessThan(0.04);
    }
  });

  it("a wrong scale (sd x 0.5, same mean) is detected in 3-D; same seed, same number", () => {
    const a = c2st(gaussianRows(1, 400, 3), gaussianRows(2, 400, 3, 0, 0.5));
    expect(a.accuracy).toBeGreaterThan(0.7);
    const b = c2st(gaussianRows(1, 400, 3), gaussianRows(2, 400, 3, 0, 0.5));
    expect(b.accuracy).toBe(a.accuracy);
    expect(c2st(gaussianRows(1, 400, 3), gaussianRows(2, 400, 3, 0, 0.5), { seed: 7 }).accuracy).not.toBe(a.accuracy);
  });

  it("z-scoring by the reference: an affine change of units leaves the accuracy unchanged", () => {
    const x = gaussianRows(3, 300, 2);
    const y = gaussianRows(4, 300, 2, 1.5);
    const units = (rows: number[][]) => rows.map(([u, v]) => [1000 * u + 5, 0.001 * v - 2]);
    expect(Math.abs(c2st(units(x), units(y)).accuracy - c2st(x, y).accuracy)).toBeLessThan(1e-9 + 0.02);
  });

  it("bad input: typed errors naming the argument", () => {
    const x = gaussianRows(1, 20, 2);
    expect(() => c2st(x, gaussianRows(2, 20, 3))).toThrow(ShapeError);
    expect(() => c2st(x.map(([u]) => [u, 1]), x)).toThrow(/reference: expected a spread in every coordinate/);
    expect(() => c2st(x, x, { folds: 1 })).toThrow(/folds/);
    expect(() => c2st(x, x, { epochs: 5 } as never)).toThrow(UnknownNameError);
    expect(() => c2st(x, x, { classifier: { learningRate: 1 } as never })).toThrow(/options.classifier.learningRate/);
    expect(() => c2st(x, x, { classifier: { maxEpochs: 0 } })).toThrow(DomainError);
  });
});
