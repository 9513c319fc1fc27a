import { describe, expect, it } from "vitest";
import { DomainError, NonFiniteError, ShapeError } from "../../../src/core/errors.js";
import { Rng } from "../../../src/core/rng.js";
import { mmdTest } from "../../../src/diagnostics/calibration/mmd.js";

function gaussianRows(seed: number, n: number, d: number, shift = 0): number[][] {
  const rng = new Rng(seed);
  const mark = rng.rt.arena.mark();
  const z = rng.normal([n * d]).toFloat64Array();
  rng.rt.arena.restore(mark);
  return Array.from({ length: n }, (_, i) => Array.from({ length: d }, (_, k) => z[i * d + k] + (k === 0 ? shift : 0)));
}

/** Plain-JS reference: unbiased MMD^2 with a Gaussian kernel of bandwidth h. */
function mmd2Reference(x: number[][], y: number[][], h: number): number {
  const k = (a: number[], b: number[]) => Math.exp(-a.reduce((s, v, i) => s + (v - b[i]) ** 2, 0) / (2 * h * h));
  let xx = 0;
  let yy = 0;
  let xy = 0;
  for (let i = 0; i < x.length; i++) for (let j = 0; j < x.length; j++) if (i !== j) xx += k(x[i], x[j]);
  for (let i = 0; i < y.length; i++) for (let j = 0; j < y.length; j++) if (i !== j) yy += k(y[i], y[j]);
  for (const a of x) for (const b of y) xy += k(a, b);
  const n = x.length;
  const m = y.length;
  return xx / (n * (n - 1)) + yy / (m * (m - 1)) - (2 * xy) / (n * m);
}

describe("mmdTest (Gretton et al. 2012)", () => {
  it("MMD_u^2 equals the plain-JS double sum; the bandwidth is the median pairwise distance", () => {
    const x = gaussianRows(1, 30, 3);
    const y = gaussianRows(2, 20, 3, 0.5);
    const r = mmdTest(x, y, { permutations: 20 });
    expect(r.mmd2).toBeCloseTo(mmd2Reference(x, y, r.bandwidth), 12);
    const pooled = [...x, ...y];
    const d: number[] = [];
    for (let i = 0; i < pooled.length; i++) for (let j = i + 1; j < pooled.length; j++) d.push(Math.hypot(...pooled[i].map((v, k) => v - pooled[j][k])));
    d.sort((a, b) => a - b);
    expect(d.length % 2).toBe(1); // 1225 pairs: the median is one distance
    expect(r.bandwidth).toBeCloseTo(d[(d.length - 1) / 2], 10);
    const fixed = mmdTest(x, y, { bandwidth: 2, permutations: 5 });
    expect(fixed.mmd2).toBeCloseTo(mmd2Reference(x, y, 2), 12);
  });

  it("under H0 (same distribution) p-values are spread over (0, 1); under a shift they are tiny", () => {
    const p: number[] = [];
    for (let rep = 0; rep < 20; rep++) p.push(mmdTest(gaussianRows(100 + rep, 60, 2), gaussianRows(200 + rep, 60, 2), { permutations: 200, rng: rep }).pValue);
    const meanP = p.reduce((s, v) => s + v, 0) / p.length;
    expect(meanP).toBeGreaterThan(0.3);
    expect(meanP).toBeLessThan(0.7);
    expect(p.filter((v) => v < 0.05).length).toBeLessThanOrEqual(3); // 1 expected of 20
    expect(Math.min(...p)).toBeGreaterThan(1 / 201); // never the smallest possible value
    const shifted = mmdTest(gaussianRows(1, 200, 2), gaussianRows(2, 200, 2, 1), { permutations: 500 });
    expect(shifted.pValue).toBe(1 / 501);
    expect(shifted.different).toBe(true);
    expect(shifted.mmd2).toBeGreaterThan(0.05);
  });

  it("bad input: typed errors", () => {
    expect(() => mmdTest([[0]], [[1], [2]])).toThrow(/x: expected at least 2 rows/);
    expect(() => mmdTest([[0], [1]], [[1, 2], [2, 3]])).toThrow(ShapeError);
    expect(() => mmdTest([[0], [Infinity]], [[1], [2]])).toThrow(NonFiniteError);
    expect(() => mmdTest([[0], [1]], [[1], [2]], { bandwidth: -1 })).toThrow(/bandwidth/);
    expect(() => mmdTest([[1], [1]], [[1], [1]])).toThrow(DomainError);
    expect(() => mmdTest([[0], [1]], [[1], [2]], { permutations: 0 })).toThrow(/permutations/);
  });
});
