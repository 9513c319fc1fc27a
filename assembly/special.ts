// Elementwise special functions over x > 0 with accumulating backward:
// lgamma (d/dx = digamma) and digamma (d/dx = trigamma). The forward
// returns the first index with x <= 0 or NaN (the op turns it into a
// DomainError), else -1. Scalar loops: the series of special-math.ts.
import { at, put, addAt } from "./access";
import { digammaScalar, lgammaScalar, trigammaScalar } from "./special-math";

/** y = log Gamma(x); returns the first i with !(x[i] > 0), else -1 */
export function lgammaForward(x: usize, y: usize, n: i32): i32 {
  for (let i = 0; i < n; i++) {
    const v = at(x, i);
    if (!(v > 0)) return i;
    put(y, i, lgammaScalar(v));
  }
  return -1;
}

/** dx += dy * digamma(x) */
export function lgammaBackward(x: usize, dy: usize, dx: usize, n: i32): void {
  for (let i = 0; i < n; i++) addAt(dx, i, at(dy, i) * digammaScalar(at(x, i)));
}

/** y = digamma(x); returns the first i with !(x[i] > 0), else -1 */
export function digammaForward(x: usize, y: usize, n: i32): i32 {
  for (let i = 0; i < n; i++) {
    const v = at(x, i);
    if (!(v > 0)) return i;
    put(y, i, digammaScalar(v));
  }
  return -1;
}

/** dx += dy * trigamma(x) */
export function digammaBackward(x: usize, dy: usize, dx: usize, n: i32): void {
  for (let i = 0; i < n; i++) addAt(dx, i, at(dy, i) * trigammaScalar(at(x, i)));
}
