import { ShapeError } from "../../core/errors.js";
import { Tensor } from "../../core/tensor.js";
import type { Dataset } from "./dataset.js";
import type { FeatureMap } from "./features.js";

/** Features of every datapoint as a persistent [N, F] table, optionally standardized per column. */
export function buildFeatureTable(features: FeatureMap, data: Dataset, F: number, standardize: boolean): Tensor {
  const table = features.compute(data);
  if (table.length !== data.N * F) throw new ShapeError(`features(${features.name})`, `${data.N * F} values ([N, ${F}])`, `${table.length} values`);
  if (standardize) {
    for (let j = 0; j < F; j++) {
      let s = 0;
      let s2 = 0;
      for (let n = 0; n < data.N; n++) s += table[n * F + j];
      const mu = s / data.N;
      for (let n = 0; n < data.N; n++) s2 += (table[n * F + j] - mu) ** 2;
      const sd = Math.sqrt(s2 / data.N) || 1;
      for (let n = 0; n < data.N; n++) table[n * F + j] = (table[n * F + j] - mu) / sd;
    }
  }
  return Tensor.from(table, [data.N, F], "persistent", undefined, `features(${features.name})`);
}

