/**
 * Prior-to-data code assignment (step 2 of our MAPA construction, see
 * docs/mapa.md): each training point x_n receives a latent code z_n so that
 * the codes are distributed as the prior N(0, I) and neighbouring points get
 * neighbouring codes. 1-D: order the data along their principal curve and
 * give the i-th point the i-th prior quantile. 2-D: a spectral embedding
 * matched to prior draws by a min-cost assignment.
 */
import { DomainError, UnknownNameError, assertInteger } from "../../core/errors.js";
import type { Rng } from "../../core/rng.js";
import { minCostAssignment, type SinkhornOptions } from "./assignment.js";
import { knnGraph, laplacianEigenvectors, type WorkCounter } from "./graph.js";

/** Phi^{-1}(p): the standard Normal quantile (Acklam's rational approximation, relative error < 1.2e-9). */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new DomainError("p", "a probability in (0, 1)", String(p));
  const a = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const lo = 0.02425;
  if (p < lo || p > 1 - lo) {
    const q = Math.sqrt(-2 * Math.log(p < lo ? p : 1 - p));
    const v = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
    return p < lo ? v : -v;
  }
  const q = p - 0.5;
  const r = q * q;
  return ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
}

/** Projections of the centred rows of x on their first `count` principal axes (power iteration with deflation). */
export function principalProjections(x: Float64Array, dim: number, count: number): Float64Array[] {
  const n = x.length / dim;
  const mean = new Float64Array(dim);
  for (let i = 0; i < n; i++) for (let d = 0; d < dim; d++) mean[d] += x[i * dim + d] / n;
  const cov = new Float64Array(dim * dim);
  for (let i = 0; i < n; i++) {
    for (let a = 0; a < dim; a++) {
      const ra = x[i * dim + a] - mean[a];
      for (let b = 0; b < dim; b++) cov[a * dim + b] += (ra * (x[i * dim + b] - mean[b])) / n;
    }
  }
  const out: Float64Array[] = [];
  for (let c = 0; c < count; c++) {
    let v = Float64Array.from({ length: dim }, (_, d) => 1 + 0.1 * d + c);
    for (let it = 0; it < 500; it++) {
      const w = new Float64Array(dim);
      for (let a = 0; a < dim; a++) for (let b = 0; b < dim; b++) w[a] += cov[a * dim + b] * v[b];
      const nrm = Math.hypot(...w) || 1;
      v = w.map((t) => t / nrm);
    }
    let lambda = 0;
    for (let a = 0; a < dim; a++) for (let b = 0; b < dim; b++) lambda += v[a] * cov[a * dim + b] * v[b];
    for (let a = 0; a < dim; a++) for (let b = 0; b < dim; b++) cov[a * dim + b] -= lambda * v[a] * v[b];
    out.push(Float64Array.from({ length: n }, (_, i) => {
      let s = 0;
      for (let d = 0; d < dim; d++) s += (x[i * dim + d] - mean[d]) * v[d];
      return s;
    }));
  }
  return out;
}

/** Indices of values in ascending order. */
export function argsort(values: ArrayLike<number>): Int32Array {
  return Int32Array.from(Array.from({ length: values.length }, (_, i) => i).sort((a, b) => values[a] - values[b] || a - b));
}

/** Spearman rank correlation of two equally long arrays. */
export function spearman(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  const ra = new Float64Array(n);
  const rb = new Float64Array(n);
  argsort(a).forEach((idx, r) => (ra[idx] = r));
  argsort(b).forEach((idx, r) => (rb[idx] = r));
  const m = (n - 1) / 2;
  let sab = 0;
  let saa = 0;
  for (let i = 0; i < n; i++) {
    sab += (ra[i] - m) * (rb[i] - m);
    saa += (ra[i] - m) ** 2;
  }
  return sab / saa;
}

export type OrderingMethod = "auto" | "fiedler" | "pca";

export interface CodeOptions {
  /** 1-D ordering: "fiedler" (kNN-graph Laplacian), "pca" (first principal component) or "auto" (PC1 only when it agrees with the Fiedler order, |Spearman| > 0.99, i.e. the data are monotone in PC1). */
  ordering?: OrderingMethod;
  /** Neighbours of the kNN graph. Default 10. */
  k?: number;
  /** Largest n solved by the exact Hungarian assignment (2-D); Sinkhorn above. Default 400. */
  exactUpTo?: number;
  /** Sinkhorn settings for n above exactUpTo. */
  sinkhorn?: SinkhornOptions;
}

/** A 1-D ordering of the rows of x along their principal curve. */
export function orderAlongCurve(x: Float64Array, dim: number, options: CodeOptions = {}, work?: WorkCounter): { order: Int32Array; method: "fiedler" | "pca" } {
  const method = options.ordering ?? "auto";
  if (!["auto", "fiedler", "pca"].includes(method)) throw new UnknownNameError("ordering", "auto, fiedler or pca", JSON.stringify(method));
  const pc1 = principalProjections(x, dim, 1)[0];
  if (method === "pca") return { order: argsort(pc1), method: "pca" };
  const fiedler = laplacianEigenvectors(knnGraph(x, dim, options.k ?? 10, work), 1, { start: [pc1] }, work)[0];
  if (method === "auto" && Math.abs(spearman(pc1, fiedler)) > 0.99) return { order: argsort(pc1), method: "pca" };
  return { order: argsort(fiedler), method: "fiedler" };
}

export interface CodeAssignment {
  /** Flat [n, latentDim]: the code of each training row. */
  codes: Float64Array;
  latentDim: number;
  /** How the codes were obtained, e.g. "fiedler + quantiles", "spectral 2-D + hungarian". */
  method: string;
}

/** Latent codes for the rows of x: prior quantiles along the principal curve (d = 1) or a spectral embedding matched to prior draws (d = 2). */
export function assignCodes(x: Float64Array, dim: number, latentDim: number, rng: Rng, options: CodeOptions = {}, work?: WorkCounter): CodeAssignment {
  assertInteger("latentDim", latentDim, 1);
  if (latentDim > 2) throw new DomainError("latentDim", "1 or 2 (the code assignment supports at most 2 latent dimensions)", String(latentDim));
  const n = x.length / dim;
  if (latentDim === 1) {
    const { order, method } = orderAlongCurve(x, dim, options, work);
    const codes = new Float64Array(n);
    order.forEach((row, i) => (codes[row] = normalQuantile((i + 0.5) / n)));
    return { codes, latentDim, method: `${method} order + prior quantiles` };
  }
  const g = knnGraph(x, dim, options.k ?? 10, work);
  const emb = laplacianEigenvectors(g, 2, { start: principalProjections(x, dim, 2) }, work);
  for (const e of emb) {
    const sd = Math.sqrt(e.reduce((s, v) => s + v * v, 0) / n) || 1;
    for (let i = 0; i < n; i++) e[i] /= sd;
  }
  const draws = rng.normal([n * 2]).toFloat64Array();
  const cost = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) cost[i * n + j] = (emb[0][i] - draws[2 * j]) ** 2 + (emb[1][i] - draws[2 * j + 1]) ** 2;
  }
  const { perm, method } = minCostAssignment(cost, n, options.exactUpTo ?? 400, work, options.sinkhorn);
  const codes = new Float64Array(n * 2);
  for (let i = 0; i < n; i++) {
    codes[2 * i] = draws[2 * perm[i]];
    codes[2 * i + 1] = draws[2 * perm[i] + 1];
  }
  return { codes, latentDim, method: `spectral 2-D embedding + ${method} assignment` };
}
