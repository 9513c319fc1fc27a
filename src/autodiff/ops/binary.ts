import { ShapeError, describeShape } from "../../core/errors.js";
import { Tensor } from "../../core/tensor.js";
import { gradOf, record } from "../tape.js";
import { operand, runtimeOf, type TensorOrNumber } from "./operand.js";

/** How an operand is read over the output viewed as [rows, cols]: element (r, j) at r * rowStride + j * colStep. */
interface Operand {
  rowStride: number;
  colStep: number;
}

/** The output shape and each operand's addressing for one broadcast pair. */
export interface BroadcastLayout {
  shape: readonly number[];
  rows: number;
  cols: number;
  a: Operand;
  b: Operand;
}

const FULL = (cols: number): Operand => ({ rowStride: cols, colStep: 1 });
const SCALAR: Operand = { rowStride: 0, colStep: 0 };
const ROW: Operand = { rowStride: 0, colStep: 1 };
const COLUMN: Operand = { rowStride: 1, colStep: 0 };

const sameShape = (s: readonly number[], t: readonly number[]) => s.length === t.length && s.every((d, i) => d === t[i]);

/** The small shape without leading 1s equals the trailing dims of the large one ([C] or [1, C] against [B, C]). */
function isTrailing(small: readonly number[], large: readonly number[]): boolean {
  let start = 0;
  while (start < small.length - 1 && small[start] === 1) start++;
  const core = small.slice(start);
  return core.length < large.length && sameShape(core, large.slice(large.length - core.length));
}

/** [B, 1, ..., 1] against [B, ...] with the same B. */
function isColumn(small: readonly number[], large: readonly number[]): boolean {
  return small.length >= 2 && small.length === large.length && small[0] === large[0] && small.slice(1).every((d) => d === 1);
}

/** Layout of the large operand against the small one, or null if they do not broadcast. */
function layoutFor(small: readonly number[], smallSize: number, large: readonly number[], largeSize: number) {
  if (smallSize === 1) return { rows: 1, cols: largeSize, small: SCALAR, large: FULL(largeSize) };
  if (isTrailing(small, large)) return { rows: largeSize / smallSize, cols: smallSize, small: ROW, large: FULL(smallSize) };
  if (isColumn(small, large)) return { rows: large[0], cols: largeSize / large[0], small: COLUMN, large: FULL(largeSize / large[0]) };
  return null;
}

/**
 * Broadcasting of a against b: equal shapes; either of size 1; the smaller
 * equal to the trailing dims of the larger; or [B, 1] against [B, C].
 * Throws ShapeError naming both shapes otherwise.
 */
export function broadcastLayout(a: Tensor, b: Tensor, op = "binary op"): BroadcastLayout {
  if (sameShape(a.shape, b.shape)) return { shape: a.shape, rows: 1, cols: a.size, a: FULL(a.size), b: FULL(a.size) };
  const bSmall = b.size < a.size || (b.size === a.size && b.rank <= a.rank);
  const [small, large] = bSmall ? [b, a] : [a, b];
  const l = layoutFor(small.shape, small.size, large.shape, large.size);
  if (!l) {
    throw new ShapeError(
      `${op}(a, b)`,
      "shapes that broadcast (equal, one of size 1, trailing dims of the other, or [B, 1] against [B, C])",
      `a ${describeShape(a.shape)} and b ${describeShape(b.shape)}`,
    );
  }
  return bSmall
    ? { shape: large.shape, rows: l.rows, cols: l.cols, a: l.large, b: l.small }
    : { shape: large.shape, rows: l.rows, cols: l.cols, a: l.small, b: l.large };
}

const OPS = { add: 0, sub: 1, mul: 2, div: 3 } as const;
const ARGUMENTS = {
  add: ["a of add(a, b)", "b of add(a, b)"],
  sub: ["a of sub(a, b)", "b of sub(a, b)"],
  mul: ["a of mul(a, b)", "b of mul(a, b)"],
  div: ["a of div(a, b)", "b of div(a, b)"],
} as const;

/**
 * out = a (op) b with broadcasting: one forward and one backward kernel call.
 * A number on either side is a [1] constant (no gradient flows to it).
 */
function binary(name: keyof typeof OPS, x: TensorOrNumber, y: TensorOrNumber): Tensor {
  const rt = runtimeOf(x, y);
  const a = operand(ARGUMENTS[name][0], x, rt);
  const b = operand(ARGUMENTS[name][1], y, rt);
  const L = broadcastLayout(a, b, name);
  const k = a.rt.k;
  const op = OPS[name];
  const out = Tensor.empty(L.shape, "arena", a.rt);
  const args = [a.ptr, L.a.rowStride, L.a.colStep, b.ptr, L.b.rowStride, L.b.colStep] as const;
  k.binaryForward(op, ...args, out.ptr, L.rows, L.cols);
  return record(out, [a, b], (g) => {
    const da = a.requiresGrad ? gradOf(a).ptr : 0;
    const db = b.requiresGrad ? gradOf(b).ptr : 0;
    k.binaryBackward(op, ...args, g.ptr, da, db, L.rows, L.cols);
  });
}

/** a + b (broadcasting; either may be a number); da = g, db = g, summed over broadcast axes. */
export function add(a: TensorOrNumber, b: TensorOrNumber): Tensor {
  return binary("add", a, b);
}

/** a - b (broadcasting; either may be a number); da = g, db = -g. */
export function sub(a: TensorOrNumber, b: TensorOrNumber): Tensor {
  return binary("sub", a, b);
}

/** a * b (broadcasting; either may be a number); da = g b, db = g a. */
export function mul(a: TensorOrNumber, b: TensorOrNumber): Tensor {
  return binary("mul", a, b);
}

/** a / b (broadcasting; either may be a number); da = g / b, db = -g a / b^2. */
export function div(a: TensorOrNumber, b: TensorOrNumber): Tensor {
  return binary("div", a, b);
}
