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

/**
 * Index of the first non-finite value in x[0..n), or -1. x * 0 is 0 for finite
 * x and NaN for NaN/Inf, so blocks of 64 are screened with SIMD and only a
 * block that contains a non-finite value is scanned element by element.
 */
export function firstNonFinite(x: usize, n: i32): i32 {
  const zero = f64x2.splat(0.0);
  let start = 0;
  for (; start + 64 <= n; start += 64) {
    let acc = zero;
    const base = x + (<usize>start << 3);
    for (let j = 0; j < 64; j += 2) acc = f64x2.add(acc, f64x2.mul(v128.load(base + (<usize>j << 3)), zero));
    if (f64x2.extract_lane(acc, 0) != 0.0 || f64x2.extract_lane(acc, 1) != 0.0) break;
  }
  for (let i = start; i < n; i++) {
    const v = load<f64>(x + (<usize>i << 3));
    if (!isFinite(v)) return i;
  }
  return -1;
}

/**
 * Index of the first value of x[0..n) that is NaN, +-Inf or beyond
 * [-bound, bound] (bound = Infinity: the first non-finite one), or -1: the
 * sanity check of parameters after an optimizer update. Blocks of 64 are
 * screened by a SIMD running max of |x| (max propagates NaN), and only a
 * failing block is scanned element by element.
 */
export function firstAbsAbove(x: usize, n: i32, bound: f64): i32 {
  let start = 0;
  for (; start + 64 <= n; start += 64) {
    let acc = f64x2.splat(0.0);
    const base = x + (<usize>start << 3);
    for (let j = 0; j < 64; j += 2) acc = f64x2.max(acc, f64x2.abs(v128.load(base + (<usize>j << 3))));
    const m = max(f64x2.extract_lane(acc, 0), f64x2.extract_lane(acc, 1));
    if (!(m <= bound) || m == Infinity) break;
  }
  for (let i = start; i < n; i++) {
    const v = load<f64>(x + (<usize>i << 3));
    if (!(Math.abs(v) <= bound) || !isFinite(v)) return i;
  }
  return -1;
}
