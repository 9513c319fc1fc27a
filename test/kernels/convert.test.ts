import { describe, it, expect } from "vitest";
import { runtime } from "../../src/core/runtime.js";

// f64 <-> f32 conversion kernels against Math.fround / exact widening, on
// lengths that exercise the 4-wide body and every scalar tail.

const rt = runtime();
const LENGTHS = [0, 1, 2, 3, 4, 5, 7, 8, 9, 33];
const SPECIAL = [NaN, Infinity, -Infinity, -0, 0, 1e39, -1e39, 3.4028235677973366e38, 1e-46, 1.5e-45, 1 / 3, -2.5e-40, 16777217, 0.1];
const SENTINEL = 12345.5;

/** n values: the special ones first, then deterministic irrationals of varied magnitude. */
function values(n: number): Float64Array {
  const v = new Float64Array(n);
  for (let i = 0; i < n; i++) v[i] = i < SPECIAL.length ? SPECIAL[i] : Math.sin(i * 1.7) * 10 ** ((i % 9) - 4);
  return v;
}

/** Pointer to a block of n + 1 elements of `bytes` each (one sentinel after the end). */
const block = (n: number, bytes: number) => rt.alloc((n + 1) * bytes);
const f32 = () => new Float32Array(rt.f64.buffer);

describe("f64ToF32", () => {
  it.each(LENGTHS)("rounds like Math.fround and leaves the element after n alone (n = %i)", (n) => {
    const src = values(n);
    const ps = block(n, 8), pd = block(n, 4);
    rt.f64.set(src, ps / 8);
    f32()[pd / 4 + n] = SENTINEL;
    rt.k.f64ToF32(ps, pd, n);
    const out = f32().slice(pd / 4, pd / 4 + n + 1);
    for (let i = 0; i < n; i++) {
      if (!Object.is(out[i], Math.fround(src[i]))) expect.fail(`element ${i}: f32(${src[i]}) = ${out[i]}, expected ${Math.fround(src[i])}`);
    }
    expect(out[n]).toBe(SENTINEL);
  });
});

describe("f32ToF64", () => {
  it.each(LENGTHS)("widens exactly (n = %i)", (n) => {
    const src = new Float32Array(values(n));
    const ps = block(n, 4), pd = block(n, 8);
    f32().set(src, ps / 4);
    rt.f64[pd / 8 + n] = SENTINEL;
    rt.k.f32ToF64(ps, pd, n);
    const out = rt.f64.slice(pd / 8, pd / 8 + n + 1);
    for (let i = 0; i < n; i++) if (!Object.is(out[i], src[i])) expect.fail(`element ${i}: ${out[i]}, expected ${src[i]}`);
    expect(out[n]).toBe(SENTINEL);
  });
});

describe("addF32ToF64", () => {
  it.each(LENGTHS)("adds the widened values (n = %i)", (n) => {
    const src = new Float32Array(values(n));
    const dst = new Float64Array(n).map((_, i) => (i % 3) - 1.25 + i * 1e-9);
    const ps = block(n, 4), pd = block(n, 8);
    f32().set(src, ps / 4);
    rt.f64.set(dst, pd / 8);
    rt.f64[pd / 8 + n] = SENTINEL;
    rt.k.addF32ToF64(ps, pd, n);
    const out = rt.f64.slice(pd / 8, pd / 8 + n + 1);
    for (let i = 0; i < n; i++) if (!Object.is(out[i], dst[i] + src[i])) expect.fail(`element ${i}: ${out[i]}, expected ${dst[i] + src[i]}`);
    expect(out[n]).toBe(SENTINEL);
  });
});
