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

describe("philoxNormal (Box-Muller on f64x2 log and sincos)", () => {
  const key0 = 0x12345678, key1 = 0x9abcdef0;
  const unit = (hi: number, lo: number) => ((hi >>> 5) * 67108864 + (lo >>> 6)) / 2 ** 53;
  function reference(n: number, ctr: number): number[] {
    const words = rt.alloc(16);
    const out: number[] = [];
    for (let b = 0; out.length < n; b++) {
      rt.k.philoxRawBlock(words, key0, key1, ctr + b, 0, 0, 0);
      const w = rt.u32.slice(words / 4, words / 4 + 4);
      const r = Math.sqrt(-2 * Math.log(1 - unit(w[0], w[1])));
      const t = 2 * Math.PI * unit(w[2], w[3]);
      out.push(r * Math.cos(t), r * Math.sin(t));
    }
    return out.slice(0, n);
  }
  function normals(n: number, ctr: number): number[] {
    const p = rt.alloc(Math.max(n, 1) * 8);
    rt.k.philoxNormal(p, n, key0, key1, ctr);
    return Array.from(rt.f64.slice(p / 8, p / 8 + n));
  }

  it("matches Box-Muller with Math.log / cos / sin to 1e-14", () => {
    const got = normals(20001, 5);
    const want = reference(20001, 5);
    const worst = Math.max(...got.map((g, i) => Math.abs(g - want[i]) / Math.max(1, Math.abs(want[i]))));
    expect(worst).toBeLessThan(1e-14);
  });

  it("every length gives the same leading values (tails of 1, 2, 3 values)", () => {
    const all = normals(9, 3);
    for (let n = 1; n <= 9; n++) expect(normals(n, 3)).toEqual(all.slice(0, n));
  });
});

describe("sin / cos kernels (f64x2 with a three-piece pi/2 reduction up to |x| = 1e5)", () => {
  function run(kernel: "sinForward" | "cosForward", xs: number[]): number[] {
    const x = rt.alloc(xs.length * 8);
    const y = rt.alloc(xs.length * 8);
    rt.f64.set(xs, x / 8);
    rt.k[kernel](x, y, xs.length);
    return Array.from(rt.f64.slice(y / 8, y / 8 + xs.length));
  }
  for (const [lo, hi] of [[-10, 10], [-1e5, 1e5], [9e4, 2e5]]) {
    it(`within 2e-16 absolute of Math.sin / Math.cos on [${lo}, ${hi}]`, () => {
      const xs = grid(lo, hi, 20001);
      const sin = run("sinForward", xs);
      const cos = run("cosForward", xs);
      expect(Math.max(...sin.map((v, i) => Math.abs(v - Math.sin(xs[i]))))).toBeLessThan(2e-16);
      expect(Math.max(...cos.map((v, i) => Math.abs(v - Math.cos(xs[i]))))).toBeLessThan(2e-16);
    });
  }
  it("special values and a tiny argument keep their sign", () => {
    expect(run("sinForward", [NaN, Infinity, -0, 0, 1e-300, -1e-300])).toEqual([NaN, NaN, -0, 0, 1e-300, -1e-300]);
    expect(run("cosForward", [NaN, -Infinity, 0, 1e300])).toEqual([NaN, NaN, 1, Math.cos(1e300)]);
  });
});
