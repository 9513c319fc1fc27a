import { DomainError, ShapeError, assertInteger, describeShape } from "../../core/errors.js";
import { Tensor } from "../../core/tensor.js";
import { runtime, type Runtime } from "../../core/runtime.js";
import { gradOf, record } from "../tape.js";

/** Same values in another shape of equal size (a view); the gradient is reshaped back. */
export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  const y = x.reshape(shape);
  return record(y, [x], (g) => x.rt.k.axpy(g.ptr, gradOf(x).ptr, x.size, 1));
}

/** x^T: [R, C] -> [C, R]; the gradient is transposed back. */
export function transpose(x: Tensor): Tensor {
  if (x.rank !== 2) throw new ShapeError("x", "a 2-D tensor [R, C]", `shape ${describeShape(x.shape)}`);
  const [r, c] = x.shape;
  const out = Tensor.empty([c, r], "arena", x.rt);
  x.rt.k.transposeAdd(x.ptr, out.ptr, r, c, 0);
  return record(out, [x], (g) => x.rt.k.transposeAdd(g.ptr, gradOf(x).ptr, c, r, 1));
}

/** [B, C_1], ..., [B, C_n] -> [B, C_1 + ... + C_n] (columns side by side; each part viewed as [B, cols]). */
export function concatCols(parts: readonly Tensor[]): Tensor {
  if (parts.length === 0) throw new ShapeError("parts", "at least one tensor", "an empty list");
  const rows = parts[0].rows;
  parts.forEach((p, i) => {
    if (p.rows !== rows) throw new ShapeError(`parts[${i}]`, `${rows} rows like parts[0]`, `shape ${describeShape(p.shape)}`);
  });
  const rt = parts[0].rt;
  const total = parts.reduce((s, p) => s + p.cols, 0);
  const out = Tensor.empty([rows, total], "arena", rt);
  let offset = 0;
  const offsets = parts.map((p) => {
    rt.k.copyBlock(p.ptr, p.cols, out.ptr + offset * 8, total, rows, p.cols);
    offset += p.cols;
    return offset - p.cols;
  });
  return record(out, parts, (g) =>
    parts.forEach((p, i) => {
      if (p.requiresGrad) rt.k.addBlock(g.ptr + offsets[i] * 8, total, gradOf(p).ptr, p.cols, rows, p.cols);
    }),
  );
}

/** x[:, start:end]: [B, C] -> [B, end - start]. */
export function sliceCols(x: Tensor, start: number, end: number): Tensor {
  assertInteger("start", start, 0);
  assertInteger("end", end, start + 1);
  if (end > x.cols) throw new DomainError("end", `an integer <= ${x.cols} (columns of x)`, String(end));
  const rows = x.rows;
  const C = x.cols;
  const w = end - start;
  const out = Tensor.empty([rows, w], "arena", x.rt);
  x.rt.k.copyBlock(x.ptr + start * 8, C, out.ptr, w, rows, w);
  return record(out, [x], (g) => x.rt.k.addBlock(g.ptr, w, gradOf(x).ptr + start * 8, C, rows, w));
}

/** Copies validated indices (one per row, each in [0, K)) into the arena as i32; returns the pointer. */
function indicesToWasm(rt: Runtime, idx: Int32Array, rows: number, K: number): number {
  if (idx.length !== rows) throw new ShapeError("idx", `${rows} indices (one per row)`, `${idx.length} indices`);
  for (let i = 0; i < rows; i++) {
    if (!(idx[i] >= 0 && idx[i] < K)) throw new DomainError("idx", `indices in [0, ${K})`, `${idx[i]} at position ${i}`);
  }
  const ptr = rt.arena.alloc(rows * 4);
  rt.u32.set(idx, ptr / 4); // validated non-negative, so u32 holds the same i32 bits
  return ptr;
}

/** out[b] = x[b, idx[b]]: [B, K] -> [B]. */
export function pickCols(x: Tensor, idx: Int32Array): Tensor {
  const rows = x.rows;
  const K = x.cols;
  const ip = indicesToWasm(x.rt, idx, rows, K);
  const out = Tensor.empty([rows], "arena", x.rt);
  x.rt.k.pickColsForward(x.ptr, ip, out.ptr, rows, K);
  return record(out, [x], (g) => x.rt.k.pickColsBackward(g.ptr, ip, gradOf(x).ptr, rows, K));
}

/** out[b, k] = [k == idx[b]]: B indices -> [B, K] (a constant). */
export function oneHot(idx: Int32Array, K: number, rt: Runtime = runtime()): Tensor {
  assertInteger("K", K, 1);
  if (idx.length === 0) throw new ShapeError("idx", "at least one index", "0 indices");
  const ip = indicesToWasm(rt, idx, idx.length, K);
  const out = Tensor.empty([idx.length, K], "arena", rt);
  rt.k.oneHotForward(ip, out.ptr, idx.length, K);
  return out;
}

/** Row b * k + j of the result is x[b] for j < k: [B, ...] -> [B * k, ...]. */
export function repeatRows(x: Tensor, k: number): Tensor {
  assertInteger("k", k, 1);
  const rows = x.rows;
  const cols = x.cols;
  const shape = x.rank === 0 ? [k] : [rows * k, ...x.shape.slice(1)];
  const out = Tensor.empty(shape, "arena", x.rt);
  x.rt.k.repeatRowsForward(x.ptr, out.ptr, rows, cols, k);
  return record(out, [x], (g) => x.rt.k.repeatRowsBackward(g.ptr, gradOf(x).ptr, rows, cols, k));
}
