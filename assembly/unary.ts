// Elementwise unary ops: forward y = f(x) and backward dx += dy * f'(x),
// written with the output y where f' is cheaper from it. SIMD where the
// formula is plain arithmetic or has an f64x2 version in simdmath.ts (exp,
// tanh, sigmoid); scalar loops around Math.log / log1p.
import { at, softplusScalar } from "./scalar";
import { expV, sigmoidV, tanhV } from "./simdmath";

/** y = tanh(x) */
export function tanhForward(x: usize, y: usize, n: i32): void {
  let i = 0;
  for (; i + 2 <= n; i += 2) v128.store(at(y, i), tanhV(v128.load(at(x, i))));
  if (i < n) store<f64>(at(y, i), f64x2.extract_lane(tanhV(f64x2.splat(load<f64>(at(x, i)))), 0));
}

/** dx += dy * (1 - y^2) */
export function tanhBackward(y: usize, dy: usize, dx: usize, n: i32): void {
  let i = 0;
  const one = f64x2.splat(1.0);
  for (; i + 2 <= n; i += 2) {
    const yv = v128.load(at(y, i));
    const d = f64x2.mul(v128.load(at(dy, i)), f64x2.sub(one, f64x2.mul(yv, yv)));
    v128.store(at(dx, i), f64x2.add(v128.load(at(dx, i)), d));
  }
  for (; i < n; i++) {
    const yv = load<f64>(at(y, i));
    store<f64>(at(dx, i), load<f64>(at(dx, i)) + load<f64>(at(dy, i)) * (1.0 - yv * yv));
  }
}

/** y = a * x + b (neg, scale, shift) */
export function affineForward(x: usize, y: usize, n: i32, a: f64, b: f64): void {
  let i = 0;
  const av = f64x2.splat(a);
  const bv = f64x2.splat(b);
  for (; i + 2 <= n; i += 2) v128.store(at(y, i), f64x2.add(f64x2.mul(av, v128.load(at(x, i))), bv));
  for (; i < n; i++) store<f64>(at(y, i), a * load<f64>(at(x, i)) + b);
}

/** dx += a * dy (backward of affineForward, reshape and every identity-like op) */
export function axpy(dy: usize, dx: usize, n: i32, a: f64): void {
  let i = 0;
  const av = f64x2.splat(a);
  for (; i + 2 <= n; i += 2) {
    v128.store(at(dx, i), f64x2.add(v128.load(at(dx, i)), f64x2.mul(av, v128.load(at(dy, i)))));
  }
  for (; i < n; i++) store<f64>(at(dx, i), load<f64>(at(dx, i)) + a * load<f64>(at(dy, i)));
}

/** y = x^2 */
export function squareForward(x: usize, y: usize, n: i32): void {
  let i = 0;
  for (; i + 2 <= n; i += 2) {
    const v = v128.load(at(x, i));
    v128.store(at(y, i), f64x2.mul(v, v));
  }
  for (; i < n; i++) {
    const v = load<f64>(at(x, i));
    store<f64>(at(y, i), v * v);
  }
}

/** dx += 2 x dy */
export function squareBackward(x: usize, dy: usize, dx: usize, n: i32): void {
  let i = 0;
  const two = f64x2.splat(2.0);
  for (; i + 2 <= n; i += 2) {
    const d = f64x2.mul(two, f64x2.mul(v128.load(at(x, i)), v128.load(at(dy, i))));
    v128.store(at(dx, i), f64x2.add(v128.load(at(dx, i)), d));
  }
  for (; i < n; i++) store<f64>(at(dx, i), load<f64>(at(dx, i)) + 2.0 * load<f64>(at(x, i)) * load<f64>(at(dy, i)));
}

/** y = sqrt(x) */
export function sqrtForward(x: usize, y: usize, n: i32): void {
  let i = 0;
  for (; i + 2 <= n; i += 2) v128.store(at(y, i), f64x2.sqrt(v128.load(at(x, i))));
  for (; i < n; i++) store<f64>(at(y, i), Math.sqrt(load<f64>(at(x, i))));
}

/** dx += dy / (2 y) */
export function sqrtBackward(y: usize, dy: usize, dx: usize, n: i32): void {
  let i = 0;
  const half = f64x2.splat(0.5);
  for (; i + 2 <= n; i += 2) {
    const d = f64x2.div(f64x2.mul(half, v128.load(at(dy, i))), v128.load(at(y, i)));
    v128.store(at(dx, i), f64x2.add(v128.load(at(dx, i)), d));
  }
  for (; i < n; i++) store<f64>(at(dx, i), load<f64>(at(dx, i)) + (0.5 * load<f64>(at(dy, i))) / load<f64>(at(y, i)));
}

/** y = max(x, 0) + slope * min(x, 0) (relu for slope = 0) */
export function leakyReluForward(x: usize, y: usize, n: i32, slope: f64): void {
  let i = 0;
  const zero = f64x2.splat(0.0);
  const s = f64x2.splat(slope);
  for (; i + 2 <= n; i += 2) {
    const v = v128.load(at(x, i));
    v128.store(at(y, i), f64x2.add(f64x2.max(v, zero), f64x2.mul(s, f64x2.min(v, zero))));
  }
  for (; i < n; i++) {
    const v = load<f64>(at(x, i));
    store<f64>(at(y, i), v > 0 ? v : slope * v);
  }
}

/** dx += dy * (x > 0 ? 1 : slope) */
export function leakyReluBackward(x: usize, dy: usize, dx: usize, n: i32, slope: f64): void {
  let i = 0;
  const zero = f64x2.splat(0.0);
  const one = f64x2.splat(1.0);
  const s = f64x2.splat(slope);
  for (; i + 2 <= n; i += 2) {
    const d = f64x2.mul(v128.load(at(dy, i)), v128.bitselect(one, s, f64x2.gt(v128.load(at(x, i)), zero)));
    v128.store(at(dx, i), f64x2.add(v128.load(at(dx, i)), d));
  }
  for (; i < n; i++) {
    store<f64>(at(dx, i), load<f64>(at(dx, i)) + load<f64>(at(dy, i)) * (load<f64>(at(x, i)) > 0 ? 1.0 : slope));
  }
}

/** y = exp(x) */
export function expForward(x: usize, y: usize, n: i32): void {
  let i = 0;
  for (; i + 2 <= n; i += 2) v128.store(at(y, i), expV(v128.load(at(x, i))));
  if (i < n) store<f64>(at(y, i), f64x2.extract_lane(expV(f64x2.splat(load<f64>(at(x, i)))), 0));
}

/** dx += dy * y; also the backward of every f whose derivative is stored in y */
export function mulAccumulate(y: usize, dy: usize, dx: usize, n: i32): void {
  let i = 0;
  for (; i + 2 <= n; i += 2) {
    const d = f64x2.mul(v128.load(at(dy, i)), v128.load(at(y, i)));
    v128.store(at(dx, i), f64x2.add(v128.load(at(dx, i)), d));
  }
  for (; i < n; i++) store<f64>(at(dx, i), load<f64>(at(dx, i)) + load<f64>(at(dy, i)) * load<f64>(at(y, i)));
}

/** y = log(x) */
export function logForward(x: usize, y: usize, n: i32): void {
  for (let i = 0; i < n; i++) store<f64>(at(y, i), Math.log(load<f64>(at(x, i))));
}

/** dx += dy / x */
export function logBackward(x: usize, dy: usize, dx: usize, n: i32): void {
  let i = 0;
  for (; i + 2 <= n; i += 2) {
    const d = f64x2.div(v128.load(at(dy, i)), v128.load(at(x, i)));
    v128.store(at(dx, i), f64x2.add(v128.load(at(dx, i)), d));
  }
  for (; i < n; i++) store<f64>(at(dx, i), load<f64>(at(dx, i)) + load<f64>(at(dy, i)) / load<f64>(at(x, i)));
}

/** y = 1 / (1 + exp(-x)), stable for both signs */
export function sigmoidForward(x: usize, y: usize, n: i32): void {
  let i = 0;
  for (; i + 2 <= n; i += 2) v128.store(at(y, i), sigmoidV(v128.load(at(x, i))));
  if (i < n) store<f64>(at(y, i), f64x2.extract_lane(sigmoidV(f64x2.splat(load<f64>(at(x, i)))), 0));
}

/** dx += dy * y (1 - y) */
export function sigmoidBackward(y: usize, dy: usize, dx: usize, n: i32): void {
  let i = 0;
  const one = f64x2.splat(1.0);
  for (; i + 2 <= n; i += 2) {
    const yv = v128.load(at(y, i));
    const d = f64x2.mul(v128.load(at(dy, i)), f64x2.mul(yv, f64x2.sub(one, yv)));
    v128.store(at(dx, i), f64x2.add(v128.load(at(dx, i)), d));
  }
  for (; i < n; i++) {
    const yv = load<f64>(at(y, i));
    store<f64>(at(dx, i), load<f64>(at(dx, i)) + load<f64>(at(dy, i)) * yv * (1.0 - yv));
  }
}

/** y = log(1 + exp(x)) = max(x, 0) + log1p(exp(-|x|)) */
export function softplusForward(x: usize, y: usize, n: i32): void {
  for (let i = 0; i < n; i++) store<f64>(at(y, i), softplusScalar(load<f64>(at(x, i))));
}

/** dx += dy * sigmoid(x) */
export function softplusBackward(x: usize, dy: usize, dx: usize, n: i32): void {
  let i = 0;
  for (; i + 2 <= n; i += 2) {
    const d = f64x2.mul(v128.load(at(dy, i)), sigmoidV(v128.load(at(x, i))));
    v128.store(at(dx, i), f64x2.add(v128.load(at(dx, i)), d));
  }
  if (i < n) {
    const s = f64x2.extract_lane(sigmoidV(f64x2.splat(load<f64>(at(x, i)))), 0);
    store<f64>(at(dx, i), load<f64>(at(dx, i)) + load<f64>(at(dy, i)) * s);
  }
}

/** y = |x| */
export function absForward(x: usize, y: usize, n: i32): void {
  let i = 0;
  for (; i + 2 <= n; i += 2) v128.store(at(y, i), f64x2.abs(v128.load(at(x, i))));
  for (; i < n; i++) store<f64>(at(y, i), Math.abs(load<f64>(at(x, i))));
}

/** dx += dy * sign(x) (0 at x = 0) */
export function absBackward(x: usize, dy: usize, dx: usize, n: i32): void {
  for (let i = 0; i < n; i++) {
    const v = load<f64>(at(x, i));
    const s: f64 = v > 0 ? 1.0 : v < 0 ? -1.0 : 0.0;
    store<f64>(at(dx, i), load<f64>(at(dx, i)) + load<f64>(at(dy, i)) * s);
  }
}
