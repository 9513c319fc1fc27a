// Scans that validate values and parameters against a support at the
// distributions' boundary (one Wasm pass instead of a JS loop per element).
// Each returns the first offending flat index, or -1; NaN never passes.
import { at } from "./access";

/** First i with x[i] outside (low, high) (closed != 0: [low, high]) */
export function firstOutsideInterval(x: usize, n: i32, low: f64, high: f64, closed: i32): i32 {
  for (let i = 0; i < n; i++) {
    const v = at(x, i);
    const ok = closed ? v >= low && v <= high : v > low && v < high;
    if (!ok) return i;
  }
  return -1;
}

/** First i with x[i] not an integer in [low, high] (high may be +inf) */
export function firstNotInteger(x: usize, n: i32, low: f64, high: f64): i32 {
  for (let i = 0; i < n; i++) {
    const v = at(x, i);
    if (!(v >= low && v <= high && v < Infinity && Math.floor(v) == v)) return i;
  }
  return -1;
}

/** First flat index of a row of x [rows, K] with an entry outside (0, 1] or a sum off 1 by more than tol (the row's first index) */
export function firstOffSimplex(x: usize, rows: i32, K: i32, tol: f64): i32 {
  for (let r = 0; r < rows; r++) {
    let s = 0.0;
    for (let k = 0; k < K; k++) {
      const v = at(x, r * K + k);
      if (!(v > 0 && v <= 1)) return r * K + k;
      s += v;
    }
    if (!(Math.abs(s - 1.0) <= tol)) return r * K;
  }
  return -1;
}
