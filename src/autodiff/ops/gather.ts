import { DomainError, ShapeError, describeShape } from "../../core/errors.js";
import { Tensor } from "../../core/tensor.js";
import { gradOf, record } from "../tape.js";

/**
 * out[b, :] = x[idx[b], :]: [N, ...] -> [B, ...] (a minibatch of rows, e.g. the
 * F-VI parameters of the batch's datapoints); backward scatter-adds
 * dx[idx[b]] += g[b], so repeated indices accumulate.
 */
export function gatherRows(x: Tensor, idx: Int32Array): Tensor {
  if (x.rank < 1) throw new ShapeError("x", "a tensor with a leading row axis", `shape ${describeShape(x.shape)}`);
  if (!(idx instanceof Int32Array)) throw new DomainError("idx", "an Int32Array of row indices", String(idx));
  if (idx.length === 0) throw new ShapeError("idx", "at least one row index", "0 indices");
  const N = x.rows;
  for (let i = 0; i < idx.length; i++) {
    if (!(idx[i] >= 0 && idx[i] < N)) throw new DomainError("idx", `row indices in [0, ${N})`, `${idx[i]} at position ${i}`);
  }
  const rt = x.rt;
  const cols = x.cols;
  const ip = rt.arena.alloc(idx.length * 4);
  rt.u32.set(idx, ip / 4);
  const shape = x.rank === 1 ? [idx.length] : [idx.length, ...x.shape.slice(1)];
  const out = Tensor.empty(shape, "arena", rt);
  rt.k.gatherRowsForward(x.ptr, ip, out.ptr, idx.length, cols);
  return record(out, [x], (g) => rt.k.gatherRowsBackward(g.ptr, ip, gradOf(x).ptr, idx.length, cols));
}

/**
 * out[b, i] = x[b, idx[i]]: [B, C] -> [B, n] (a fixed selection of columns,
 * e.g. the untouched half that conditions a coupling layer); backward
 * scatter-adds dx[b, idx[i]] += g[b, i].
 */
export function gatherCols(x: Tensor, idx: Int32Array): Tensor {
  if (x.rank !== 2) throw new ShapeError("x", "a 2-D tensor [B, C]", `shape ${describeShape(x.shape)}`);
  if (!(idx instanceof Int32Array)) throw new DomainError("idx", "an Int32Array of column indices", String(idx));
  if (idx.length === 0) throw new ShapeError("idx", "at least one column index", "0 indices");
  const [rows, cols] = x.shape;
  for (let i = 0; i < idx.length; i++) {
    if (!(idx[i] >= 0 && idx[i] < cols)) throw new DomainError("idx", `column indices in [0, ${cols})`, `${idx[i]} at position ${i}`);
  }
  const rt = x.rt;
  const n = idx.length;
  const ip = rt.arena.alloc(n * 4);
  rt.u32.set(idx, ip / 4);
  const out = Tensor.empty([rows, n], "arena", rt);
  rt.k.gatherColsForward(x.ptr, ip, out.ptr, rows, cols, n);
  return record(out, [x], (g) => rt.k.gatherColsBackward(g.ptr, ip, gradOf(x).ptr, rows, cols, n));
}
