/**
 * Bandwidth h of the empiricalized index posterior q(n | x) proportional to
 * exp(-||x - x_n||^2 / (2 h^2)), chosen from the data alone.
 */
import { DomainError, UnknownNameError, assertInteger } from "../../core/errors.js";
import { nearestNeighbors, type WorkCounter } from "./graph.js";

export type BandwidthRule = "knn" | "median";

function median(values: Float64Array): number {
  const s = Float64Array.from(values).sort();
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : 0.5 * (s[m - 1] + s[m]);
}

/**
 * h from the rows of x: "knn" = median over points of the distance to the k-th nearest
 * neighbour (default k = 10); "median" = median pairwise distance / sqrt(2 log(n + 1))
 * (the median heuristic, Gretton et al. 2012 style, on at most 500 rows).
 */
export function dataBandwidth(x: Float64Array, dim: number, rule: BandwidthRule = "knn", k = 10, work?: WorkCounter): number {
  const n = x.length / dim;
  assertInteger("k", k, 1);
  let h: number;
  if (rule === "knn") {
    const { sqDist } = nearestNeighbors(x, dim, Math.min(k, n - 1), work);
    const kk = Math.min(k, n - 1);
    h = median(Float64Array.from({ length: n }, (_, i) => Math.sqrt(sqDist[i * kk + kk - 1])));
  } else if (rule === "median") {
    const m = Math.min(n, 500);
    const step = n / m;
    const d: number[] = [];
    for (let a = 0; a < m; a++) {
      for (let b = a + 1; b < m; b++) {
        const i = Math.floor(a * step);
        const j = Math.floor(b * step);
        let s = 0;
        for (let c = 0; c < dim; c++) s += (x[i * dim + c] - x[j * dim + c]) ** 2;
        d.push(Math.sqrt(s));
      }
    }
    if (work) work.multiplyAdds += (m * m * dim) / 2;
    h = median(Float64Array.from(d)) / Math.sqrt(2 * Math.log(n + 1));
  } else {
    throw new UnknownNameError("bandwidth", "a number > 0, \"knn\" or \"median\"", JSON.stringify(rule));
  }
  if (!(h > 0)) throw new DomainError("bandwidth", "a data-driven bandwidth > 0 (are all rows identical?)", String(h));
  return h;
}
