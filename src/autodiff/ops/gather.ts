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
