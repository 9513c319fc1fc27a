import { reshape } from "../../../autodiff/ops/shape.js";
import { ShapeError, describeShape } from "../../../core/errors.js";
import type { Tensor } from "../../../core/tensor.js";

/** A value of a distribution over N rows jointly: [N, 1] or [N] (viewed as [N, 1]); ShapeError naming `argument` otherwise. */
export function rowsValue(argument: string, value: Tensor, N: number): Tensor {
  if (value.size !== N || value.rank > 2 || (value.rank === 2 && value.cols !== 1)) {
    throw new ShapeError(argument, `the whole series, shape [${N}, 1] (one value per row: full batch only)`, `shape ${describeShape(value.shape)}`);
  }
  return value.rank === 2 ? value : reshape(value, [N, 1]);
}

/** The shape a model asks a joint-rows distribution to draw must be [N, 1] (or [N]). */
export function checkRowsShape(argument: string, shape: readonly number[], N: number): void {
  const ok = (shape.length === 2 && shape[0] === N && shape[1] === 1) || (shape.length === 1 && shape[0] === N);
  if (!ok) throw new ShapeError(argument, `a draw of shape [${N}, 1] (the whole series)`, `shape ${describeShape(shape)}`);
}
