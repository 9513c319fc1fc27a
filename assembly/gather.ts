// Row gather for per-datapoint parameter tables (F-VI) and minibatches:
// out[r, :] = x[idx[r], :], and its accumulating scatter-add backward.
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
