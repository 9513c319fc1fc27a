// Elementwise f32 array kernels over the f32x4 functions of simdmath32.ts
// (x, y: byte offsets of f32 arrays, n elements; y may alias x). A tail of
// fewer than four goes through a splatted vector, lane 0.
import { expV4, sigmoidV4, tanhV4 } from "./simdmath32";

// @ts-ignore: decorator
@inline
function apply4(v: v128, op: i32): v128 {
  return op == 0 ? expV4(v) : op == 1 ? tanhV4(v) : sigmoidV4(v);
}

/** One inlined body per constant op: 0 exp, 1 tanh, 2 sigmoid. */
// @ts-ignore: decorator
@inline
function map4(x: usize, y: usize, n: i32, op: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(y + (<usize>i << 2), apply4(v128.load(x + (<usize>i << 2)), op));
  for (; i < n; i++) store<f32>(y + (<usize>i << 2), f32x4.extract_lane(apply4(f32x4.splat(load<f32>(x + (<usize>i << 2))), op), 0));
}

/** y = e^x (f32). */
export function expF32(x: usize, y: usize, n: i32): void {
  map4(x, y, n, 0);
}

/** y = tanh(x) (f32). */
export function tanhF32(x: usize, y: usize, n: i32): void {
  map4(x, y, n, 1);
}

/** y = 1 / (1 + e^-x) (f32). */
export function sigmoidF32(x: usize, y: usize, n: i32): void {
  map4(x, y, n, 2);
}
