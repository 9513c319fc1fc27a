// Maximum mean discrepancy two-sample test (Gretton, Borgwardt, Rasch,
// Schölkopf & Smola 2012, "A kernel two-sample test", JMLR 13), for
// misspecification checks (observed x against simulations) and for comparing
// posterior samples. Gaussian kernel k(a, b) = exp(-|a - b|^2 / (2 h^2)) with
// the median heuristic h = median pairwise distance of the pooled sample;
// p-value by permutation of the pooled sample.
import { add, mul } from "../../autodiff/ops/binary.js";
import { matmul } from "../../autodiff/ops/linalg.js";
import { sumCols } from "../../autodiff/ops/reduce.js";
import { reshape } from "../../autodiff/ops/shape.js";
import { exp, scale } from "../../autodiff/ops/unary.js";
import { noGrad } from "../../autodiff/tape.js";
import { DomainError, assertInteger, assertPositive } from "../../core/errors.js";
import type { Rng } from "../../core/rng.js";
import { tidy } from "../../core/scope.js";
import { Tensor } from "../../core/tensor.js";
import { rngOf, toMatrix, type Rows } from "./draws.js";

/** Largest pooled sample: the kernel matrix is (n + m)^2 f64 in Wasm memory (8,000 points: 512 MB). */
export const MMD_MAX_POINTS = 8000;
/** Points used for the median heuristic (a random subset of a larger pooled sample). */
const MEDIAN_POINTS = 2000;

export interface MmdOptions {
  /** Kernel bandwidth h. Default: the median heuristic. */
  bandwidth?: number;
  /** Permutations for the p-value. Default 500. */
  permutations?: number;
  /** Level of the verdict. Default 0.05. */
  alpha?: number;
  /** Seed or generator (permutations, median subset). Default seed 0. */
  rng?: Rng | number;
}

export interface MmdResult {
  /** Unbiased MMD_u^2 (Gretton et al. 2012, eq. 3); can be slightly negative when the distributions agree. */
  mmd2: number;
  bandwidth: number;
  /** (1 + #{permuted MMD_u^2 >= observed}) / (1 + permutations): uniform under H0 (p = q). */
  pValue: number;
  permutations: number;
  alpha: number;
  /** pValue < alpha: the samples come from different distributions. */
  different: boolean;
}

/** Median of the squared pairwise distances of the rows of Z [n, d] (a sqrt of it is the median distance), by quickselect. */
function medianSquaredDistance(z: Float64Array, n: number, d: number, rng: Rng): number {
  const idx = n > MEDIAN_POINTS ? rng.permutation(n).subarray(0, MEDIAN_POINTS) : Int32Array.from({ length: n }, (_, i) => i);
  const m = idx.length;
  const dist = new Float64Array((m * (m - 1)) / 2);
  let p = 0;
  for (let a = 0; a < m; a++) {
    for (let b = a + 1; b < m; b++) {
      let s = 0;
      for (let k = 0; k < d; k++) s += (z[idx[a] * d + k] - z[idx[b] * d + k]) ** 2;
      dist[p++] = s;
    }
  }
  dist.sort();
  const h = dist.length >> 1;
  return dist.length % 2 ? dist[h] : 0.5 * (dist[h - 1] + dist[h]);
}

/**
 * MMD_u^2 for many splits at once from the kernel matrix K [n, n] (Wasm matmul):
 * with e the indicator of the first sample, sum_XX = e^T K e, sum_XY = r^T e - e^T K e,
 * sum_YY = 1^T K 1 - 2 r^T e + e^T K e (r = K 1), minus the diagonals.
 */
function splitStatistics(K: Tensor, rowSums: Float64Array, diag: Float64Array, total: number, splits: Float64Array, P: number, nx: number): Float64Array {
  const n = K.rows;
  const ny = n - nx;
  const E = Tensor.from(splits, [n, P]);
  const KE = matmul(K, E).view();
  const out = new Float64Array(P);
  for (let p = 0; p < P; p++) {
    let xx = 0;
    let re = 0;
    let trX = 0;
    for (let i = 0; i < n; i++) {
      const e = splits[i * P + p];
      if (e === 0) continue;
      xx += KE[i * P + p];
      re += rowSums[i];
      trX += diag[i];
    }
    const trY = diag.reduce((s, v) => s + v, 0) - trX;
    const xy = re - xx;
    const yy = total - 2 * re + xx;
    out[p] = (xx - trX) / (nx * (nx - 1)) + (yy - trY) / (ny * (ny - 1)) - (2 * xy) / (nx * ny);
  }
  return out;
}

/** Unbiased MMD^2 with a Gaussian kernel (median-heuristic bandwidth) and its permutation p-value (Gretton et al. 2012). */
export function mmdTest(x: Rows, y: Rows, options: MmdOptions = {}): MmdResult {
  const X = toMatrix("x", x, { minRows: 2 });
  const Y = toMatrix("y", y, { minRows: 2, cols: X.cols });
  const n = X.rows + Y.rows;
  if (n > MMD_MAX_POINTS) throw new DomainError("x, y", `at most ${MMD_MAX_POINTS} points together (subsample them)`, `${n} points`);
  const P = options.permutations ?? 500;
  assertInteger("permutations", P, 1);
  const alpha = options.alpha ?? 0.05;
  if (!(alpha > 0 && alpha < 1)) throw new DomainError("alpha", "a level in (0, 1)", String(alpha));
  const rng = rngOf("rng", options.rng, 0);
  const d = X.cols;
  const z = new Float64Array(n * d);
  z.set(X.data);
  z.set(Y.data, X.data.length);
  let h2: number;
  if (options.bandwidth !== undefined) {
    assertPositive("bandwidth", options.bandwidth);
    h2 = options.bandwidth ** 2;
  } else {
    h2 = medianSquaredDistance(z, n, d, rng);
    if (!(h2 > 0)) throw new DomainError("x, y", "samples with distinct points (the median distance is 0)", "a median pairwise distance of 0");
  }
  return noGrad(() =>
    tidy(() => {
      const Z = Tensor.from(z, [n, d]);
      const sq = sumCols(mul(Z, Z));
      // |a - b|^2 = |a|^2 + |b|^2 - 2 a.b; K = exp(-D / (2 h^2))
      const D = add(add(scale(matmul(Z, Z, { transB: true }), -2), reshape(sq, [n, 1])), sq);
      const K = exp(scale(D, -1 / (2 * h2)));
      const rowSums = sumCols(K).toFloat64Array();
      const kv = K.view();
      const diag = Float64Array.from({ length: n }, (_, i) => kv[i * n + i]);
      const total = rowSums.reduce((s, v) => s + v, 0);
      const observedSplit = Float64Array.from({ length: n }, (_, i) => (i < X.rows ? 1 : 0));
      const observed = splitStatistics(K, rowSums, diag, total, observedSplit, 1, X.rows)[0];
      let exceed = 0;
      const chunk = Math.max(1, Math.min(P, Math.floor(4e6 / n)));
      for (let done = 0; done < P; done += chunk) {
        const c = Math.min(chunk, P - done);
        const splits = new Float64Array(n * c);
        for (let p = 0; p < c; p++) {
          const perm = rng.permutation(n);
          for (let j = 0; j < X.rows; j++) splits[perm[j] * c + p] = 1;
        }
        const stats = splitStatistics(K, rowSums, diag, total, splits, c, X.rows);
        for (const s of stats) if (s >= observed) exceed++;
      }
      const pValue = (1 + exceed) / (1 + P);
      return { mmd2: observed, bandwidth: Math.sqrt(h2), pValue, permutations: P, alpha, different: pValue < alpha };
    }),
  );
}
