import { describe, it, expect } from "vitest";
import { runtime } from "../../src/core/runtime.js";

// The f64x2 exp / tanh / sigmoid (assembly/simdmath.ts) behind expForward,
// tanhForward, sigmoidForward and the dense tanh / sigmoid layers, against
// V8's scalar Math functions (fdlibm), in units in the last place.

const rt = runtime();

function run(kernel: "expForward" | "tanhForward" | "sigmoidForward", xs: number[]): number[] {
  const x = rt.alloc(xs.length * 8);
  const y = rt.alloc(xs.length * 8);
  rt.f64.set(xs, x / 8);
  rt.k[kernel](x, y, xs.length);
  return Array.from(rt.f64.slice(y / 8, y / 8 + xs.length));
}

function ulps(got: number, want: number): number {
  if (got === want) return 0;
  return Math.abs(got - want) / Math.max(Number.EPSILON * Math.abs(want), Number.MIN_VALUE);
}

const grid = (lo: number, hi: number, n: number) => Array.from({ length: n }, (_, i) => lo + ((hi - lo) * i) / (n - 1));
const sigmoid = (v: number) => (v >= 0 ? 1 / (1 + Math.exp(-v)) : Math.exp(v) / (1 + Math.exp(v)));

describe("SIMD elementary functions", () => {
  const cases: [string, "expForward" | "tanhForward" | "sigmoidForward", (v: number) => number, number[]][] = [
    ["exp on [-745, 709.7]", "expForward", Math.exp, grid(-745, 709.7, 20001)],
    ["exp near 0", "expForward", Math.exp, grid(-1e-6, 1e-6, 2001)],
    ["tanh on [-20, 20]", "tanhForward", Math.tanh, grid(-20, 20, 20001)],
    ["tanh near 0 (odd rational branch)", "tanhForward", Math.tanh, grid(-1e-5, 1e-5, 2001)],
    ["tanh around the 0.625 branch switch", "tanhForward", Math.tanh, grid(0.6, 0.65, 2001)],
    ["sigmoid on [-745, 40]", "sigmoidForward", sigmoid, grid(-745, 40, 20001)],
  ];
  for (const [name, kernel, ref, xs] of cases) {
    it(`${name}: within 3 ulp`, () => {
      const ys = run(kernel, xs);
      const worst = Math.max(...ys.map((y, i) => ulps(y, ref(xs[i]))));
      expect(worst).toBeLessThanOrEqual(3);
    });
  }

  it("odd lengths: the tail element matches the vector lanes", () => {
    const xs = [0.3, -1.7, 2.5];
    expect(run("tanhForward", xs)).toEqual(xs.map((v) => run("tanhForward", [v, v])[0]));
  });

  it("special values: NaN, infinities, signed zero, overflow and subnormal results", () => {
    const xs = [NaN, Infinity, -Infinity, 0, -0, 1e300, -1e300, 709.79, -744];
    expect(run("expForward", xs)).toEqual([NaN, Infinity, 0, 1, 1, Infinity, 0, Infinity, Math.exp(-744)]);
    expect(run("tanhForward", xs)).toEqual([NaN, 1, -1, 0, -0, 1, -1, 1, -1]);
    expect(run("sigmoidForward", xs)).toEqual([NaN, 1, 0, 0.5, 0.5, 1, 0, 1, Math.exp(-744)]);
  });
});
