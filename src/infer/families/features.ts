import { DomainError, ShapeError, assertInteger } from "../../core/errors.js";
import type { Dataset } from "./dataset.js";

/**
 * The input of an amortized family's inference function for datapoint n:
 * f_phi(features(x, n)). The identity (x_n) is plain A-VI; anything else is
 * an expanded domain (a window of neighbours, summary statistics, ...).
 * Features are computed once per data set (data preparation, not a training step).
 */
export interface FeatureMap {
  readonly name: string;
  /** Number of feature columns for a data set of this shape. */
  size(N: number, D: number): number;
  /** Features of every datapoint, row-major [N * size]. */
  compute(data: Dataset): Float64Array;
}

/** features(x, n) = x_n (plain amortization). */
export function observationFeatures(): FeatureMap {
  return {
    name: "x_n",
    size: (_N, D) => D,
    compute: (data) => data.values(),
  };
}

export interface WindowOptions {
  /** Observations before n in the window (x_{n-before} .. x_{n-1}). */
  before: number;
  /** Observations after n (x_{n+1} .. x_{n+after}). Default: 0. */
  after?: number;
  /** Value used outside the series (e.g. x_0 = 0 of a time series). Default: 0. */
  pad?: number;
}

/** features(x, n) = (x_{n-before}, ..., x_n, ..., x_{n+after}), padded with `pad` beyond the ends (expanded domain). */
export function windowFeatures({ before, after = 0, pad = 0 }: WindowOptions): FeatureMap {
  assertInteger("window.before", before, 0);
  assertInteger("window.after", after, 0);
  if (!Number.isFinite(pad)) throw new DomainError("window.pad", "a finite number", String(pad));
  const width = before + after + 1;
  const name = `(x_{n-${before}}..x_{n+${after}})`;
  return {
    name,
    size: (_N, D) => width * D,
    compute(data) {
      if (width > data.N) {
        throw new DomainError("window", `a window of at most N = ${data.N} observations (the series length)`, `${width} (before ${before}, after ${after})`);
      }
      const x = data.values();
      const D = data.D;
      const out = new Float64Array(data.N * width * D);
      for (let n = 0; n < data.N; n++) {
        for (let w = 0; w < width; w++) {
          const m = n - before + w;
          for (let d = 0; d < D; d++) out[(n * width + w) * D + d] = m >= 0 && m < data.N ? x[m * D + d] : pad;
        }
      }
      return out;
    },
  };
}

/** A user-given feature map: `fn(x, n, N, D)` returns the `size` features of datapoint n from the flat data x [N * D]. */
export function customFeatures(name: string, size: number, fn: (x: Float64Array, n: number, N: number, D: number) => ArrayLike<number>): FeatureMap {
  assertInteger("features.size", size, 1);
  return {
    name,
    size: () => size,
    compute(data) {
      const x = data.values();
      const out = new Float64Array(data.N * size);
      for (let n = 0; n < data.N; n++) {
        const f = fn(x, n, data.N, data.D);
        if (f.length !== size) throw new ShapeError(`features(${name}) at n = ${n}`, `${size} values`, `${f.length} values`);
        out.set(f, n * size);
      }
      return out;
    },
  };
}
