// Precision conversion between the f64 tensors and f32 scratch buffers used
// by the f32 compute paths (gemm32, dense32). Counts are element counts.
// Four elements per step (two f64x2 <-> one f32x4), scalar tails.

/** dst[i] = f32(src[i]) (round to nearest even), src f64, dst f32. */
export function f64ToF32(src: usize, dst: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const s = src + (<usize>i << 3);
    const lo = f32x4.demote_f64x2_zero(v128.load(s));
    const hi = f32x4.demote_f64x2_zero(v128.load(s, 16));
    v128.store(dst + (<usize>i << 2), i64x2.shuffle(lo, hi, 0, 2));
  }
  for (; i < n; i++) store<f32>(dst + (<usize>i << 2), <f32>load<f64>(src + (<usize>i << 3)));
}

/** dst[i] = f64(src[i]), src f32, dst f64. */
export function f32ToF64(src: usize, dst: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const v = v128.load(src + (<usize>i << 2));
    const d = dst + (<usize>i << 3);
    v128.store(d, f64x2.promote_low_f32x4(v));
    v128.store(d, f64x2.promote_low_f32x4(i64x2.shuffle(v, v, 1, 1)), 16);
  }
  for (; i < n; i++) store<f64>(dst + (<usize>i << 3), <f64>load<f32>(src + (<usize>i << 2)));
}

/** dst[i] += f64(src[i]), src f32, dst f64. */
export function addF32ToF64(src: usize, dst: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const v = v128.load(src + (<usize>i << 2));
    const d = dst + (<usize>i << 3);
    v128.store(d, f64x2.add(v128.load(d), f64x2.promote_low_f32x4(v)));
    v128.store(d, f64x2.add(v128.load(d, 16), f64x2.promote_low_f32x4(i64x2.shuffle(v, v, 1, 1))), 16);
  }
  for (; i < n; i++) {
    const p = dst + (<usize>i << 3);
    store<f64>(p, load<f64>(p) + <f64>load<f32>(src + (<usize>i << 2)));
  }
}
