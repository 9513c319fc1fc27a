// Row gather for per-datapoint parameter tables (F-VI) and minibatches:
// out[r, :] = x[idx[r], :]; column gather for a coupling flow's conditioner
// input: out[r, i] = x[r, idx[i]]; each with its accumulating scatter-add backward.
// Index arrays are i32, validated by the caller.
import { at } from "./scalar";

/** out[r, j] = x[idx[r], j] for r < rows, j < cols */
export function gatherRowsForward(x: usize, idx: usize, out: usize, rows: i32, cols: i32): void {
  const bytes = <usize>cols << 3;
  for (let r = 0; r < rows; r++) {
    memory.copy(at(out, r * cols), at(x, load<i32>(idx + (<usize>r << 2)) * cols), bytes);
  }
}

/** dx[idx[r], j] += g[r, j] (repeated indices accumulate) */
export function gatherRowsBackward(g: usize, idx: usize, dx: usize, rows: i32, cols: i32): void {
  for (let r = 0; r < rows; r++) {
    const pd = at(dx, load<i32>(idx + (<usize>r << 2)) * cols);
    const ps = at(g, r * cols);
    let j = 0;
    for (; j + 2 <= cols; j += 2) v128.store(at(pd, j), f64x2.add(v128.load(at(pd, j)), v128.load(at(ps, j))));
    for (; j < cols; j++) store<f64>(at(pd, j), load<f64>(at(pd, j)) + load<f64>(at(ps, j)));
  }
}

/** out[r, i] = x[r, idx[i]] for r < rows, i < n (a fixed column selection of x [rows, cols]) */
export function gatherColsForward(x: usize, idx: usize, out: usize, rows: i32, cols: i32, n: i32): void {
  for (let r = 0; r < rows; r++) {
    const xr = at(x, r * cols);
    const orow = at(out, r * n);
    for (let i = 0; i < n; i++) store<f64>(at(orow, i), load<f64>(at(xr, load<i32>(idx + (<usize>i << 2)))));
  }
}

/** dx[r, idx[i]] += g[r, i] (repeated indices accumulate) */
export function gatherColsBackward(g: usize, idx: usize, dx: usize, rows: i32, cols: i32, n: i32): void {
  for (let r = 0; r < rows; r++) {
    const dr = at(dx, r * cols);
    const gr = at(g, r * n);
    for (let i = 0; i < n; i++) {
      const p = at(dr, load<i32>(idx + (<usize>i << 2)));
      store<f64>(p, load<f64>(p) + load<f64>(at(gr, i)));
    }
  }
}
