import { ShapeError, describeShape } from "../../../core/errors.js";
import { Tensor } from "../../../core/tensor.js";
import type { LatentValues } from "../../../models/model.js";

/** The continuous latent `name` from `values`, checked to have `rows` rows (or 1, broadcast), one column. */
export function continuousLatent(values: LatentValues, name: string, rows: number): Tensor {
  const v = values[name];
  if (!(v instanceof Tensor)) throw new ShapeError(`values.${name}`, `a Tensor [${rows}, 1]`, v === undefined ? "undefined (latent not given)" : "an Int32Array");
  if (v.cols !== 1 || (v.rows !== rows && v.rows !== 1)) throw new ShapeError(`values.${name}`, `shape [${rows}, 1]`, `shape ${describeShape(v.shape)}`);
  return v;
}
