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

/** Float32Array over all of the default runtime's memory (refetch after any allocation). */
const f32View = () => new Float32Array(runtime().f64.buffer);

/** Copies f32 values into fresh memory; returns the pointer. */
export function putF32(values: ArrayLike<number>): number {
  const ptr = runtime().alloc(Math.max(values.length, 1) * 4);
  f32View().set(values, ptr / 4);
  return ptr;
}

/** n f32 values at ptr (a copy). */
export const getF32 = (ptr: number, n: number): Float32Array => f32View().slice(ptr / 4, ptr / 4 + n);

/**
 * The first index where two f64 or two f32 arrays differ bit for bit (-0 vs 0
 * and NaN payloads count), 0 for different lengths, or -1 when identical.
 */
export function firstBitDifference(a: Float64Array | Float32Array, b: Float64Array | Float32Array): number {
  if (a.length !== b.length || a.BYTES_PER_ELEMENT !== b.BYTES_PER_ELEMENT) return 0;
  const words = (t: Float64Array | Float32Array) =>
    t instanceof Float64Array ? new BigUint64Array(t.buffer, t.byteOffset, t.length) : new Uint32Array(t.buffer, t.byteOffset, t.length);
  const x = words(a), y = words(b);
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return i;
  return -1;
}
