// Data movement for shape ops: strided 2-D block copies (concat / slice),
// row repetition and per-row column picks, each with its accumulating
// backward. Index arrays are i32.
import { at } from "./scalar";

/** dst[r * dstStride + j] = src[r * srcStride + j] for r < rows, j < cols */
export function copyBlock(src: usize, srcStride: i32, dst: usize, dstStride: i32, rows: i32, cols: i32): void {
  for (let r = 0; r < rows; r++) memory.copy(at(dst, r * dstStride), at(src, r * srcStride), <usize>cols << 3);
}

/** dst[r * dstStride + j] += src[r * srcStride + j] for r < rows, j < cols */
export function addBlock(src: usize, srcStride: i32, dst: usize, dstStride: i32, rows: i32, cols: i32): void {
  for (let r = 0; r < rows; r++) {
    const ps = at(src, r * srcStride);
    const pd = at(dst, r * dstStride);
    let j = 0;
    for (; j + 2 <= cols; j += 2) v128.store(at(pd, j), f64x2.add(v128.load(at(pd, j)), v128.load(at(ps, j))));
    for (; j < cols; j++) store<f64>(at(pd, j), load<f64>(at(pd, j)) + load<f64>(at(ps, j)));
  }
}

/** out[r * k + i, :] = x[r, :] for i < k */
export function repeatRowsForward(x: usize, out: usize, rows: i32, cols: i32, k: i32): void {
  for (let r = 0; r < rows; r++) {
    for (let i = 0; i < k; i++) memory.copy(at(out, (r * k + i) * cols), at(x, r * cols), <usize>cols << 3);
  }
}

/** dx[r, :] += sum_i g[r * k + i, :] */
export function repeatRowsBackward(g: usize, dx: usize, rows: i32, cols: i32, k: i32): void {
  for (let r = 0; r < rows; r++) addBlock(at(g, r * k * cols), cols, at(dx, r * cols), 0, k, cols);
}

/** out[r] = x[r, idx[r]] */
export function pickColsForward(x: usize, idx: usize, out: usize, rows: i32, cols: i32): void {
  for (let r = 0; r < rows; r++) store<f64>(at(out, r), load<f64>(at(x, r * cols + load<i32>(idx + (<usize>r << 2)))));
}

/** dx[r, idx[r]] += g[r] */
export function pickColsBackward(g: usize, idx: usize, dx: usize, rows: i32, cols: i32): void {
  for (let r = 0; r < rows; r++) {
    const p = at(dx, r * cols + load<i32>(idx + (<usize>r << 2)));
    store<f64>(p, load<f64>(p) + load<f64>(at(g, r)));
  }
}

/** out[r, j] = j == idx[r] ? 1 : 0 */
export function oneHotForward(idx: usize, out: usize, rows: i32, cols: i32): void {
  memory.fill(out, 0, <usize>rows * <usize>cols << 3);
  for (let r = 0; r < rows; r++) store<f64>(at(out, r * cols + load<i32>(idx + (<usize>r << 2))), 1.0);
}
