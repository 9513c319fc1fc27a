import { ShapeError, describeShape } from "../../core/errors.js";
import type { Runtime } from "../../core/runtime.js";
import type { Tensor } from "../../core/tensor.js";

/**
 * Broadcasting by flat index modulo size, as the Normal/Bernoulli kernels do
 * it: a parameter fits a target when its shape without leading 1s is a suffix
 * of the target's shape (a scalar [1], one row [D] or [1, D] against [B, D],
 * the same shape, or [B, D] against [S, B, D]). Throws ShapeError naming it.
 */
export function assertIndexBroadcast(argument: string, param: Tensor, target: Tensor, targetName: string): void {
  assertShapeBroadcast(argument, param.shape, target.shape, targetName);
}

/** assertIndexBroadcast on shapes: `param` without leading 1s is a suffix of `target`. */
export function assertShapeBroadcast(argument: string, param: readonly number[], target: readonly number[], targetName: string): void {
  if (!isIndexBroadcast(param, target)) {
    const t = target;
    throw new ShapeError(
      argument,
      `shape ${describeShape(t)}, a suffix of it such as ${describeShape(t.slice(1).length ? t.slice(1) : [1])}, or [1] (to broadcast against ${targetName})`,
      `shape ${describeShape(param)}`,
    );
  }
}

/** p without its leading 1s is a suffix of t (index loops, no copies: ops check this every step). */
function isIndexBroadcast(p: readonly number[], t: readonly number[]): boolean {
  let start = 0;
  while (start < p.length && p[start] === 1) start++;
  const n = p.length - start;
  if (n > t.length) return false;
  for (let i = 0; i < n; i++) if (p[start + i] !== t[t.length - n + i]) return false;
  return true;
}

/** The tensor with the most values (the broadcast target of a set of operands). */
export function largest(...ts: Tensor[]): Tensor {
  let best = ts[0];
  for (let i = 1; i < ts.length; i++) if (ts[i].size > best.size) best = ts[i];
  return best;
}

/** Copies an Int32Array into the arena; returns its byte offset. */
export function int32ToArena(rt: Runtime, values: Int32Array | readonly number[]): number {
  const ptr = rt.arena.alloc(Math.max(values.length, 1) * 4);
  new Int32Array(rt.u32.buffer, ptr, values.length).set(values);
  return ptr;
}

/** Reads n int32 values at ptr into a new Int32Array. */
export function int32FromMemory(rt: Runtime, ptr: number, n: number): Int32Array {
  return new Int32Array(rt.u32.buffer, ptr, n).slice();
}
