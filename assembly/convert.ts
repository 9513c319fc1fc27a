// Precision conversion between the f64 tensors and f32 scratch buffers used
// by the f32 compute paths (gemm32, dense32). Counts are element counts.

/** dst[i] = f32(src[i]), src f64, dst f32. */
export function f64ToF32(src: usize, dst: usize, n: i32): void {
  for (let i = 0; i < n; i++) store<f32>(dst + (<usize>i << 2), <f32>load<f64>(src + (<usize>i << 3)));
}

/** dst[i] = f64(src[i]), src f32, dst f64. */
export function f32ToF64(src: usize, dst: usize, n: i32): void {
  for (let i = 0; i < n; i++) store<f64>(dst + (<usize>i << 3), <f64>load<f32>(src + (<usize>i << 2)));
}

/** dst[i] += f64(src[i]), src f32, dst f64. */
export function addF32ToF64(src: usize, dst: usize, n: i32): void {
  for (let i = 0; i < n; i++) {
    const p = dst + (<usize>i << 3);
    store<f64>(p, load<f64>(p) + <f64>load<f32>(src + (<usize>i << 2)));
  }
}
