// Reductions over a [rows, cols] view: sums along either axis, row-wise
// log-sum-exp (stable: the row maximum is subtracted before exp) and
// (log-)softmax, each with its accumulating backward.
import { at, hsum } from "./scalar";

/** out[r] = scale * sum_j x[r, j] (sum / mean of everything with rows = 1) */
export function sumColsForward(x: usize, out: usize, rows: i32, cols: i32, scale: f64): void {
  for (let r = 0; r < rows; r++) {
    const p = at(x, r * cols);
    let acc = f64x2.splat(0.0);
    let j = 0;
    for (; j + 2 <= cols; j += 2) acc = f64x2.add(acc, v128.load(at(p, j)));
    let s = hsum(acc);
    for (; j < cols; j++) s += load<f64>(at(p, j));
    store<f64>(at(out, r), scale * s);
  }
}

/** dx[r, j] += scale * g[r] */
export function sumColsBackward(g: usize, dx: usize, rows: i32, cols: i32, scale: f64): void {
  for (let r = 0; r < rows; r++) {
    const p = at(dx, r * cols);
    const s = scale * load<f64>(at(g, r));
    const v = f64x2.splat(s);
    let j = 0;
    for (; j + 2 <= cols; j += 2) v128.store(at(p, j), f64x2.add(v128.load(at(p, j)), v));
    for (; j < cols; j++) store<f64>(at(p, j), load<f64>(at(p, j)) + s);
  }
}

/** out[j] = scale * sum_r x[r, j] */
export function sumRowsForward(x: usize, out: usize, rows: i32, cols: i32, scale: f64): void {
  memory.fill(out, 0, <usize>cols << 3);
  for (let r = 0; r < rows; r++) {
    const p = at(x, r * cols);
    let j = 0;
    for (; j + 2 <= cols; j += 2) v128.store(at(out, j), f64x2.add(v128.load(at(out, j)), v128.load(at(p, j))));
    for (; j < cols; j++) store<f64>(at(out, j), load<f64>(at(out, j)) + load<f64>(at(p, j)));
  }
  if (scale != 1.0) {
    for (let j = 0; j < cols; j++) store<f64>(at(out, j), scale * load<f64>(at(out, j)));
  }
}

/** dx[r, j] += scale * g[j] */
export function sumRowsBackward(g: usize, dx: usize, rows: i32, cols: i32, scale: f64): void {
  const s = f64x2.splat(scale);
  for (let r = 0; r < rows; r++) {
    const p = at(dx, r * cols);
    let j = 0;
    for (; j + 2 <= cols; j += 2) {
      v128.store(at(p, j), f64x2.add(v128.load(at(p, j)), f64x2.mul(s, v128.load(at(g, j)))));
    }
    for (; j < cols; j++) store<f64>(at(p, j), load<f64>(at(p, j)) + scale * load<f64>(at(g, j)));
  }
}

// Row maximum and sum_j exp(p[j] - max) of the last rowMaxAndSum call. Results
// are formed as (x - max) - log(sum), never as x - lse: with |x| ~ 1e300,
// lse = max + log(sum) rounds to max and x - lse would lose log(sum) entirely.
let rowMax: f64 = 0;
let rowSum: f64 = 0;

@inline
function rowMaxAndSum(p: usize, cols: i32): void {
  let m = -Infinity;
  for (let j = 0; j < cols; j++) m = Math.max(m, load<f64>(at(p, j)));
  rowMax = m;
  rowSum = 1.0;
  // all -Inf (empty support) or some +Inf: the answer is m, and x - m would be NaN
  if (!isFinite(m)) return;
  let s = 0.0;
  for (let j = 0; j < cols; j++) s += Math.exp(load<f64>(at(p, j)) - m);
  rowSum = s;
}

/** log sum_j exp(p[j]) for one row, with the maximum subtracted first. */
@inline
function rowLogSumExp(p: usize, cols: i32): f64 {
  rowMaxAndSum(p, cols);
  return isFinite(rowMax) ? rowMax + Math.log(rowSum) : rowMax;
}

/** y[r] = log sum_j exp(x[r, j]) + offset (offset = -log K gives log-mean-exp) */
export function logSumExpForward(x: usize, y: usize, rows: i32, cols: i32, offset: f64): void {
  for (let r = 0; r < rows; r++) store<f64>(at(y, r), rowLogSumExp(at(x, r * cols), cols) + offset);
}

/** dx[r, j] += g[r] * softmax(x[r])_j = g[r] * exp(x[r, j] - max) / sum_k exp(x[r, k] - max) */
export function logSumExpBackward(x: usize, y: usize, g: usize, dx: usize, rows: i32, cols: i32, offset: f64): void {
  for (let r = 0; r < rows; r++) {
    const px = at(x, r * cols);
    const pd = at(dx, r * cols);
    rowMaxAndSum(px, cols);
    if (!isFinite(rowMax)) continue;
    const m = rowMax;
    const w = load<f64>(at(g, r)) / rowSum;
    for (let j = 0; j < cols; j++) {
      store<f64>(at(pd, j), load<f64>(at(pd, j)) + w * Math.exp(load<f64>(at(px, j)) - m));
    }
  }
}

/** y[r, j] = x[r, j] - lse(x[r]) when logSpace, else exp of that (softmax) */
export function softmaxForward(x: usize, y: usize, rows: i32, cols: i32, logSpace: bool): void {
  for (let r = 0; r < rows; r++) {
    const px = at(x, r * cols);
    const py = at(y, r * cols);
    rowMaxAndSum(px, cols);
    const m = rowMax;
    const logSum = Math.log(rowSum);
    for (let j = 0; j < cols; j++) {
      const v = isFinite(m) ? load<f64>(at(px, j)) - m - logSum : load<f64>(at(px, j)) - m;
      store<f64>(at(py, j), logSpace ? v : Math.exp(v));
    }
  }
}

/**
 * softmax: dx += y * (g - sum_j g_j y_j); logSoftmax: dx += g - exp(y) * sum_j g_j.
 */
export function softmaxBackward(y: usize, g: usize, dx: usize, rows: i32, cols: i32, logSpace: bool): void {
  for (let r = 0; r < rows; r++) {
    const py = at(y, r * cols);
    const pg = at(g, r * cols);
    const pd = at(dx, r * cols);
    let s = 0.0;
    for (let j = 0; j < cols; j++) {
      const gj = load<f64>(at(pg, j));
      s += logSpace ? gj : gj * load<f64>(at(py, j));
    }
    for (let j = 0; j < cols; j++) {
      const yj = load<f64>(at(py, j));
      const gj = load<f64>(at(pg, j));
      const d = logSpace ? gj - Math.exp(yj) * s : yj * (gj - s);
      store<f64>(at(pd, j), load<f64>(at(pd, j)) + d);
    }
  }
}
