import { ShapeError, describeShape } from "../../core/errors.js";
import { Tensor } from "../../core/tensor.js";
import { gradOf, record } from "../tape.js";
import { portableLog } from "../../core/portable-math.js";

/** Throws ShapeError unless x is [B, K] (rank 2). */
function assertMatrix(argument: string, x: Tensor): void {
  if (x.rank !== 2) throw new ShapeError(argument, "a 2-D tensor [B, K]", `shape ${describeShape(x.shape)}`);
}

/** out[r] = scale * sum_j x[r, j] over x viewed as [rows, cols]. */
function sumOverCols(x: Tensor, rows: number, cols: number, scale: number, shape: number[]): Tensor {
  const k = x.rt.k;
  const out = Tensor.empty(shape, "arena", x.rt);
  k.sumColsForward(x.ptr, out.ptr, rows, cols, scale);
  return record(out, [x], (g) => k.sumColsBackward(g.ptr, gradOf(x).ptr, rows, cols, scale));
}

/** out[j] = scale * sum_r x[r, j]. */
function sumOverRows(x: Tensor, scale: number): Tensor {
  const k = x.rt.k;
  const out = Tensor.empty(x.rank >= 2 ? x.shape.slice(1) : [1], "arena", x.rt);
  k.sumRowsForward(x.ptr, out.ptr, x.rows, x.cols, scale);
  return record(out, [x], (g) => k.sumRowsBackward(g.ptr, gradOf(x).ptr, x.rows, x.cols, scale));
}

/** sum_i x_i -> [1]. */
export function sum(x: Tensor): Tensor {
  return sumOverCols(x, 1, x.size, 1, [1]);
}

/** (1/n) sum_i x_i -> [1]. */
export function mean(x: Tensor): Tensor {
  return sumOverCols(x, 1, x.size, 1 / x.size, [1]);
}

/** out[j] = sum_b x[b, j]: [B, C...] -> [C...] (sum over the batch). */
export function sumRows(x: Tensor): Tensor {
  return sumOverRows(x, 1);
}

/** out[j] = (1/B) sum_b x[b, j]: [B, C] -> [C]. */
export function meanRows(x: Tensor): Tensor {
  return sumOverRows(x, 1 / x.rows);
}

/** out[b] = sum_j x[b, j]: [B, ...] -> [B] (each row's sum). */
export function sumCols(x: Tensor): Tensor {
  return sumOverCols(x, x.rows, x.cols, 1, [x.rows]);
}

/** out[b] = log sum_k exp(x[b, k]) + offset, stable (row max subtracted). */
function logSumExpOffset(x: Tensor, offset: number, argument: string): Tensor {
  assertMatrix(argument, x);
  const k = x.rt.k;
  const [rows, cols] = x.shape;
  const y = Tensor.empty([rows], "arena", x.rt);
  k.logSumExpForward(x.ptr, y.ptr, rows, cols, offset);
  return record(y, [x], (g) => k.logSumExpBackward(x.ptr, y.ptr, g.ptr, gradOf(x).ptr, rows, cols, offset));
}

/** out[b] = log sum_k exp(x[b, k]): [B, K] -> [B]; gradient softmax(x[b]). */
export function logSumExp(x: Tensor): Tensor {
  return logSumExpOffset(x, 0, "x");
}

/** out[b] = log (1/K) sum_k exp(x[b, k]) = logSumExp - log K: [B, K] -> [B]. */
export function logMeanExp(x: Tensor): Tensor {
  return logSumExpOffset(x, -portableLog(x.cols), "x");
}

/** y[b, k] = x[b, k] - logSumExp(x[b]) when logSpace, else exp of that. */
function softmaxIn(x: Tensor, logSpace: boolean): Tensor {
  assertMatrix("x", x);
  const k = x.rt.k;
  const [rows, cols] = x.shape;
  const y = Tensor.empty(x.shape, "arena", x.rt);
  k.softmaxForward(x.ptr, y.ptr, rows, cols, logSpace);
  return record(y, [x], (g) => k.softmaxBackward(y.ptr, g.ptr, gradOf(x).ptr, rows, cols, logSpace));
}

/** y[b, k] = exp(x[b, k]) / sum_j exp(x[b, j]), row-wise: [B, K] -> [B, K]. */
export function softmax(x: Tensor): Tensor {
  return softmaxIn(x, false);
}

/** y[b, k] = x[b, k] - logSumExp(x[b]), row-wise: [B, K] -> [B, K]. */
export function logSoftmax(x: Tensor): Tensor {
  return softmaxIn(x, true);
}
