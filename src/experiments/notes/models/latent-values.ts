import { ShapeError, describeShape } from "../../../core/errors.js";
import { Tensor } from "../../../core/tensor.js";
import { pickCols, repeatRows } from "../../../autodiff/ops/shape.js";
import type { Batch, LatentValues } from "../../../models/model.js";

/** The continuous site `name` of `values` as a Tensor [B, 1] matching batch.obs (ShapeError otherwise). */
export function continuousValue(values: LatentValues, name: string, batch: Batch): Tensor {
  const v = values[name];
  const B = batch.obs.rows;
  if (!(v instanceof Tensor)) throw new ShapeError(`values.${name}`, `a Tensor [${B}, 1]`, v === undefined ? "nothing" : "an Int32Array");
  if (v.size !== B) throw new ShapeError(`values.${name}`, `shape [${B}, 1]`, `shape ${describeShape(v.shape)}`);
  return v.rank === 2 ? v : v.reshape([B, 1]);
}

/** The categorical site `name` of `values` as an Int32Array of B values in [0, K). */
export function discreteValue(values: LatentValues, name: string, batch: Batch): Int32Array {
  const v = values[name];
  const B = batch.obs.rows;
  if (!(v instanceof Int32Array)) throw new ShapeError(`values.${name}`, `an Int32Array of ${B} indices`, v === undefined ? "nothing" : "a Tensor");
  if (v.length !== B) throw new ShapeError(`values.${name}`, `${B} indices`, `${v.length}`);
  return v;
}

/** out[b] = table[idx[b]] as [B, 1]: per-datapoint component parameters (table: a constant [1, K]). */
export function gather(table: Tensor, idx: Int32Array): Tensor {
  return pickCols(repeatRows(table, idx.length), idx).reshape([idx.length, 1]);
}
