import { describe, it, expect } from "vitest";
import { runtime } from "../../src/core/runtime.js";

// The f32x4 exp / tanh / sigmoid (assembly/simdmath32.ts) behind the f32
// activation kernels, against V8's f64 Math functions rounded to f32, in
// units in the last place of f32.

const rt = runtime();
type Kernel32 = "expF32" | "tanhF32" | "sigmoidF32";

function run(kernel: Kernel32, xs: number[]): number[] {
  const x = rt.alloc(xs.length * 4);
  const y = rt.alloc(xs.length * 4);
  new Float32Array(rt.f64.buffer, x, xs.length).set(xs);
  rt.k[kernel](x, y, xs.length);
  const out = Array.from(new Float32Array(rt.f64.buffer, y, xs.length));
  rt.release(x, xs.length * 4);
  rt.release(y, xs.length * 4);
  return out;
}

/** Distance in f32 ulps of `want` (rounded to f32), with subnormals counted at the smallest spacing. */
function ulps32(got: number, want: number): number {
  const w = Math.fround(want);
  if (got === w) return 0;
  const e = Math.max(Math.floor(Math.log2(Math.abs(w) || 2 ** -149)), -126);
  return Math.abs(got - w) / 2 ** (e - 23);
}

const grid = (lo: number, hi: number, n: number) => Array.from({ length: n }, (_, i) => Math.fround(lo + ((hi - lo) * i) / (n - 1)));
const sigmoid = (v: number) => (v >= 0 ? 1 / (1 + Math.exp(-v)) : Math.exp(v) / (1 + Math.exp(v)));

describe("f32x4 elementary functions", () => {
  const cases: [string, Kernel32, (v: number) => number, number[], number][] = [
    ["exp on [-103, 88.7]", "expF32", Math.exp, grid(-103, 88.7, 20001), 2],
    ["exp near 0", "expF32", Math.exp, grid(-1e-4, 1e-4, 2001), 2],
    ["tanh on [-10, 10] (worst at the +-7.905 clamp, 3e-7 absolute)", "tanhF32", Math.tanh, grid(-10, 10, 20001), 5],
    ["tanh near 0", "tanhF32", Math.tanh, grid(-1e-3, 1e-3, 2001), 4],
    ["sigmoid on [-100, 20]", "sigmoidF32", sigmoid, grid(-100, 20, 20001), 3],
  ];
  for (const [name, kernel, ref, xs, bound] of cases) {
    it(`${name}: within ${bound} ulp`, () => {
      const ys = run(kernel, xs);
      const worst = Math.max(...ys.map((y, i) => ulps32(y, ref(xs[i]))));
      expect(worst).toBeLessThanOrEqual(bound);
    });
  }

  it("odd lengths: the tail elements match the vector lanes", () => {
    const xs = [0.3, -1.7, 2.5, 0.01, -0.2, 7];
    const lanes = run("tanhF32", [...xs, 0, 0]).slice(0, 6);
    expect(run("tanhF32", xs)).toEqual(lanes);
  });

  it("special values: NaN, infinities, signed zero, overflow and underflow", () => {
    const xs = [NaN, Infinity, -Infinity, 0, -0, 1e30, -1e30, 89, -104];
    expect(run("expF32", xs)).toEqual([NaN, Infinity, 0, 1, 1, Infinity, 0, Infinity, 0]);
    expect(run("tanhF32", xs).map((v) => (Object.is(v, -0) ? "-0" : v))).toEqual([NaN, 1, -1, 0, "-0", 1, -1, 1, -1]);
    expect(run("sigmoidF32", xs)).toEqual([NaN, 1, 0, 0.5, 0.5, 1, 0, 1, 0]);
  });
});
