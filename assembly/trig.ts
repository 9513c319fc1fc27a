// Elementwise sine and cosine with accumulating backward (the avi-nonlinear
// model's z sin z and exp(cos z) noise scale). Pairs with |x| <= 1e5 go
// through sinCosV (f64x2, simdmath.ts); larger, infinite or NaN inputs and
// an odd last element use Math.sin / Math.cos.
import { at } from "./scalar";
import { SINCOS_MAX, sinCosV } from "./simdmath";

/** cos lanes of sinCosV. */
const COS_PAIR: usize = memory.data(16, 16);

/** True when both lanes can take sinCosV (|x| <= SINCOS_MAX; false for NaN / inf). */
@inline
function inRange(v: v128): bool {
  return i64x2.all_true(f64x2.le(f64x2.abs(v), f64x2.splat(SINCOS_MAX)));
}

/** sin and cos of the pair at p: sin returned, cos at COS_PAIR. */
@inline
function pairSinCos(p: usize): v128 {
  const v = v128.load(p);
  if (inRange(v)) return sinCosV(v, COS_PAIR);
  const a = load<f64>(p), b = load<f64>(p, 8);
  store<f64>(COS_PAIR, Math.cos(a));
  store<f64>(COS_PAIR, Math.cos(b), 8);
  return f64x2.replace_lane(f64x2.splat(Math.sin(a)), 1, Math.sin(b));
}

/** y = sin(x) */
export function sinForward(x: usize, y: usize, n: i32): void {
  let i = 0;
  for (; i + 2 <= n; i += 2) v128.store(at(y, i), pairSinCos(at(x, i)));
  if (i < n) store<f64>(at(y, i), Math.sin(load<f64>(at(x, i))));
}

/** dx += dy * cos(x) */
export function sinBackward(x: usize, dy: usize, dx: usize, n: i32): void {
  let i = 0;
  for (; i + 2 <= n; i += 2) {
    pairSinCos(at(x, i));
    v128.store(at(dx, i), f64x2.add(v128.load(at(dx, i)), f64x2.mul(v128.load(at(dy, i)), v128.load(COS_PAIR))));
  }
  if (i < n) store<f64>(at(dx, i), load<f64>(at(dx, i)) + load<f64>(at(dy, i)) * Math.cos(load<f64>(at(x, i))));
}

/** y = cos(x) */
export function cosForward(x: usize, y: usize, n: i32): void {
  let i = 0;
  for (; i + 2 <= n; i += 2) {
    pairSinCos(at(x, i));
    v128.store(at(y, i), v128.load(COS_PAIR));
  }
  if (i < n) store<f64>(at(y, i), Math.cos(load<f64>(at(x, i))));
}

/** dx -= dy * sin(x) */
export function cosBackward(x: usize, dy: usize, dx: usize, n: i32): void {
  let i = 0;
  for (; i + 2 <= n; i += 2) {
    const s = pairSinCos(at(x, i));
    v128.store(at(dx, i), f64x2.sub(v128.load(at(dx, i)), f64x2.mul(v128.load(at(dy, i)), s)));
  }
  if (i < n) store<f64>(at(dx, i), load<f64>(at(dx, i)) - load<f64>(at(dy, i)) * Math.sin(load<f64>(at(x, i))));
}
