import { DomainError, NonFiniteError } from "../../core/errors.js";
import { runtime, type Runtime } from "../../core/runtime.js";
import { Tensor } from "../../core/tensor.js";

/** An op argument where a scalar may be meant: a Tensor, or a plain number (a constant). */
export type TensorOrNumber = Tensor | number;

/** The runtime of the first tensor among the arguments (the default runtime if all are numbers); no rest array: ops call it per step. */
export function runtimeOf(a: TensorOrNumber, b: TensorOrNumber, c: TensorOrNumber = 0, d: TensorOrNumber = 0): Runtime {
  if (a instanceof Tensor) return a.rt;
  if (b instanceof Tensor) return b.rt;
  if (c instanceof Tensor) return c.rt;
  if (d instanceof Tensor) return d.rt;
  return runtime();
}

/**
 * `x` itself, or a finite number as a [1] constant without gradient. The
 * constant lives in the arena's current scope (freed with the op's output
 * at the end of the step or tidy scope), so passing numbers does not leak.
 * Throws DomainError for anything else, NonFiniteError for NaN / +-Inf.
 * `argument` should be a constant string (it is built on every call).
 */
export function operand(argument: string, x: TensorOrNumber, rt: Runtime): Tensor {
  if (x instanceof Tensor) return x;
  if (typeof x !== "number") {
    throw new DomainError(argument, "a Tensor or a number", x === null ? "null" : typeof x === "object" ? "an object" : typeof x);
  }
  if (!Number.isFinite(x)) throw new NonFiniteError(argument, "a finite number", String(x));
  return Tensor.full([1], x, "arena", rt);
}
