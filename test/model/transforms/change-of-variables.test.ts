// The density of x = f(u), u ~ N(0, I), by the change of variables
// p_X(x) = N(f^-1(x); 0, I) exp(-log |det J_f(f^-1(x))|), integrates to 1 over
// the codomain and has the mean E f(u) computed in u-space (quadrature both).
import { describe, expect, it } from "vitest";
import { Tensor } from "../../../src/core/tensor.js";
import {
  affineBijector, expBijector, intervalBijector, softplusBijector, stickBreakingBijector, type Bijector,
} from "../../../src/model/transforms/index.js";
import { grid, simpson } from "../../helpers/quadrature.js";

const LOG_2PI = Math.log(2 * Math.PI);

/** p_X at each row of x ([n, dx] rows given as a tensor); rows at the codomain's boundary count as 0. */
function pushedDensity(b: Bijector, rows: number[][], inside: (r: number[]) => boolean): number[] {
  const idx = rows.map((_, i) => i).filter((i) => inside(rows[i]));
  const u = b.inverse(Tensor.from(idx.map((i) => rows[i])));
  const ld = b.logAbsDetJacobian(u).toArray();
  const ur = u.toRows();
  const p = new Array(rows.length).fill(0);
  idx.forEach((i, n) => {
    const logN = ur[n].reduce((s, v) => s - 0.5 * v * v - 0.5 * LOG_2PI, 0);
    p[i] = Math.exp(logN - ld[n]);
  });
  return p;
}

/** E f(u)_0 for u ~ N(0, 1), by quadrature over u. */
function meanInU(b: Bijector): number {
  const us = grid(-12, 12, 4000);
  const x = b.forward(Tensor.from(us.map((v) => [v]))).toRows();
  return simpson(us.map((v, i) => (x[i][0] * Math.exp(-0.5 * v * v)) / Math.sqrt(2 * Math.PI)), -12, 12);
}

const ONE_D: { b: Bijector; a: number; c: number }[] = [
  { b: affineBijector(1.5, -0.7), a: -8, c: 11 },
  { b: expBijector, a: 0, c: 600 },
  { b: softplusBijector, a: 0, c: 14 },
  { b: intervalBijector(-2, 3), a: -2, c: 3 },
  { b: stickBreakingBijector, a: 0, c: 1 },
];

describe.each(ONE_D)("1-D change of variables through $b.name", ({ b, a, c }) => {
  it("the pushed-forward density integrates to 1 and has mean E f(u)", () => {
    const xs = grid(a, c, 400000);
    const rows = b.codomain.kind === "simplex" ? xs.map((v) => [v, 1 - v]) : xs.map((v) => [v]);
    const lo = b.codomain.kind === "real" ? -Infinity : a;
    const p = pushedDensity(b, rows, (r) => r[0] > lo && r[0] < (b.codomain.kind === "real" || b.codomain.kind === "positive" ? Infinity : c));
    expect(Math.abs(simpson(p, a, c) - 1)).toBeLessThan(1e-7);
    expect(simpson(p.map((v, i) => v * xs[i]), a, c)).toBeCloseTo(meanInU(b), 6);
  });
});

describe("2-D change of variables through stick-breaking (K = 3)", () => {
  it("the density on the triangle integrates to 1", () => {
    // x0 = s, x1 = (1 - s) t over the unit square; dx0 dx1 = (1 - s) ds dt
    const n = 400;
    const pts = grid(0, 1, n);
    const rows: number[][] = [];
    for (const s of pts) for (const t of pts) rows.push([s, (1 - s) * t, (1 - s) * (1 - t)]);
    const p = pushedDensity(stickBreakingBijector, rows, (r) => r.every((v) => v > 0));
    const inner = pts.map((s, i) => (1 - s) * simpson(p.slice(i * (n + 1), (i + 1) * (n + 1)), 0, 1));
    expect(Math.abs(simpson(inner, 0, 1) - 1)).toBeLessThan(1e-6);
  });
});
