import { runtime } from "../../src/core/runtime.js";

// Helpers of the raw-kernel tests: deterministic inputs and copies in and
// out of Wasm memory (persistent allocations of the default runtime).

/**
 * A stream of deterministic uniform(-1, 1) values from a small LCG (the
 * kernels, not the RNG, are under test); f32 streams are rounded to f32.
 */
export function lcg(seed: number): { f64(n: number): Float64Array; f32(n: number): Float32Array } {
  let s = seed >>> 0;
  const next = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s / 2 ** 32) * 2 - 1;
  };
  return {
    f64: (n) => Float64Array.from({ length: n }, next),
    f32: (n) => Float32Array.from({ length: n }, next),
  };
}

/** Copies f64 values into fresh memory; returns the pointer. */
export function putF64(values: ArrayLike<number>): number {
  const rt = runtime();
  const ptr = rt.alloc(Math.max(values.length, 1) * 8);
  rt.f64.set(values, ptr / 8);
  return ptr;
}

/** n f64 values at ptr (a copy). */
export const getF64 = (ptr: number, n: number): Float64Array => runtime().f64.slice(ptr / 8, ptr / 8 + n);

/** Largest |x[i] - y[i]|. */
export const maxDiff = (x: ArrayLike<number>, y: ArrayLike<number>): number =>
  Array.from(x).reduce((d, v, i) => Math.max(d, Math.abs(v - y[i])), 0);
