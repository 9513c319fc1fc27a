/** First byte after the module's static data: the JS allocator starts here. */
export function heapBase(): usize {
  return (__heap_base + 15) & ~15;
}

/** out[i] = value for i < n. */
export function fill(out: usize, n: i32, value: f64): void {
  const v = f64x2.splat(value);
  let i = 0;
  for (; i + 2 <= n; i += 2) v128.store(out + (<usize>i << 3), v);
  for (; i < n; i++) store<f64>(out + (<usize>i << 3), value);
}

/** dst[i] = src[i] for i < n (regions may overlap). */
export function copy(dst: usize, src: usize, n: i32): void {
  memory.copy(dst, src, <usize>n << 3);
}

/** Index of the first non-finite value in x[0..n), or -1. */
export function firstNonFinite(x: usize, n: i32): i32 {
  for (let i = 0; i < n; i++) {
    const v = load<f64>(x + (<usize>i << 3));
    if (!isFinite(v)) return i;
  }
  return -1;
}
