/**
 * k-nearest-neighbour graphs of data rows and the smallest non-trivial
 * eigenvectors of their Laplacian L = D - W (spectral embedding, Belkin &
 * Niyogi 2003; the first one is the Fiedler vector). Precomputation code:
 * plain JS over flat arrays, run once per data set, its work counted in
 * multiply-adds so that the MAPA pipeline can charge it to its budget.
 */
import { DomainError, assertInteger } from "../../core/errors.js";

/** Work counter (multiply-adds) shared by the precomputation steps. */
export interface WorkCounter {
  multiplyAdds: number;
}

/** Symmetrized kNN graph: CSR adjacency (unit weights), degrees. */
export interface KnnGraph {
  n: number;
  offsets: Int32Array;
  neighbors: Int32Array;
  degree: Float64Array;
  /** Distance of each row to its k-th nearest neighbour. */
  kthDistance: Float64Array;
  k: number;
}

/** Indices and squared distances of the k nearest other rows of each row (brute force, O(n^2 D)). */
export function nearestNeighbors(x: Float64Array, dim: number, k: number, work?: WorkCounter): { index: Int32Array; sqDist: Float64Array } {
  const n = x.length / dim;
  assertInteger("k", k, 1);
  if (k >= n) throw new DomainError("k", `fewer than the ${n} rows`, String(k));
  const index = new Int32Array(n * k);
  const sqDist = new Float64Array(n * k).fill(Infinity);
  for (let i = 0; i < n; i++) {
    const base = i * k;
    for (let j = 0; j < n; j++) {
      if (j === i) continue;
      let s = 0;
      for (let d = 0; d < dim; d++) {
        const r = x[i * dim + d] - x[j * dim + d];
        s += r * r;
      }
      if (s >= sqDist[base + k - 1]) continue;
      let p = k - 1;
      while (p > 0 && sqDist[base + p - 1] > s) {
        sqDist[base + p] = sqDist[base + p - 1];
        index[base + p] = index[base + p - 1];
        p--;
      }
      sqDist[base + p] = s;
      index[base + p] = j;
    }
  }
  if (work) work.multiplyAdds += n * n * dim;
  return { index, sqDist };
}

/** Number of connected components of a CSR graph (BFS). */
export function connectedComponents(g: Pick<KnnGraph, "n" | "offsets" | "neighbors">): number {
  const seen = new Uint8Array(g.n);
  const queue = new Int32Array(g.n);
  let count = 0;
  for (let s = 0; s < g.n; s++) {
    if (seen[s]) continue;
    count++;
    let head = 0;
    let tail = 0;
    queue[tail++] = s;
    seen[s] = 1;
    while (head < tail) {
      const v = queue[head++];
      for (let e = g.offsets[v]; e < g.offsets[v + 1]; e++) {
        const u = g.neighbors[e];
        if (!seen[u]) {
          seen[u] = 1;
          queue[tail++] = u;
        }
      }
    }
  }
  return count;
}

/** Symmetrized kNN graph (i ~ j if either is among the other's k nearest); k doubles until the graph is connected. */
export function knnGraph(x: Float64Array, dim: number, k = 10, work?: WorkCounter): KnnGraph {
  const n = x.length / dim;
  for (let kk = Math.min(k, n - 1); ; kk = Math.min(2 * kk, n - 1)) {
    const { index, sqDist } = nearestNeighbors(x, dim, kk, work);
    const sets: Set<number>[] = Array.from({ length: n }, () => new Set<number>());
    for (let i = 0; i < n; i++) {
      for (let a = 0; a < kk; a++) {
        const j = index[i * kk + a];
        sets[i].add(j);
        sets[j].add(i);
      }
    }
    const offsets = new Int32Array(n + 1);
    for (let i = 0; i < n; i++) offsets[i + 1] = offsets[i] + sets[i].size;
    const neighbors = new Int32Array(offsets[n]);
    const degree = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      neighbors.set([...sets[i]], offsets[i]);
      degree[i] = sets[i].size;
    }
    const kthDistance = new Float64Array(n);
    for (let i = 0; i < n; i++) kthDistance[i] = Math.sqrt(sqDist[i * kk + kk - 1]);
    const g = { n, offsets, neighbors, degree, kthDistance, k: kk };
    if (kk === n - 1 || connectedComponents(g) === 1) return g;
  }
}

/** y = L v for L = D - W. */
function laplacianTimes(g: KnnGraph, v: Float64Array, y: Float64Array): void {
  for (let i = 0; i < g.n; i++) {
    let s = g.degree[i] * v[i];
    for (let e = g.offsets[i]; e < g.offsets[i + 1]; e++) s -= v[g.neighbors[e]];
    y[i] = s;
  }
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

function removeMean(v: Float64Array): void {
  let m = 0;
  for (let i = 0; i < v.length; i++) m += v[i];
  m /= v.length;
  for (let i = 0; i < v.length; i++) v[i] -= m;
}

/** Solves L y = b for b orthogonal to 1 (Jacobi-preconditioned CG, warm start y); returns iterations. */
function solveLaplacian(g: KnnGraph, b: Float64Array, y: Float64Array, tol: number, maxIter: number, work?: WorkCounter): number {
  const n = g.n;
  const r = new Float64Array(n);
  const z = new Float64Array(n);
  const p = new Float64Array(n);
  const Ap = new Float64Array(n);
  laplacianTimes(g, y, Ap);
  for (let i = 0; i < n; i++) r[i] = b[i] - Ap[i];
  const bNorm = Math.sqrt(dot(b, b)) || 1;
  for (let i = 0; i < n; i++) z[i] = r[i] / g.degree[i];
  p.set(z);
  let rz = dot(r, z);
  let it = 0;
  const nnz = g.offsets[n] + 6 * n;
  for (; it < maxIter && Math.sqrt(dot(r, r)) > tol * bNorm; it++) {
    laplacianTimes(g, p, Ap);
    const alpha = rz / dot(p, Ap);
    for (let i = 0; i < n; i++) {
      y[i] += alpha * p[i];
      r[i] -= alpha * Ap[i];
      z[i] = r[i] / g.degree[i];
    }
    const rzNew = dot(r, z);
    const beta = rzNew / rz;
    rz = rzNew;
    for (let i = 0; i < n; i++) p[i] = z[i] + beta * p[i];
  }
  removeMean(y);
  if (work) work.multiplyAdds += it * nnz;
  return it;
}

/** Gram-Schmidt: columns orthonormal and orthogonal to the constant vector. */
function orthonormalize(cols: Float64Array[]): void {
  for (let c = 0; c < cols.length; c++) {
    removeMean(cols[c]);
    for (let p = 0; p < c; p++) {
      const a = dot(cols[c], cols[p]);
      for (let i = 0; i < cols[c].length; i++) cols[c][i] -= a * cols[p][i];
    }
    const nrm = Math.sqrt(dot(cols[c], cols[c]));
    if (!(nrm > 0)) throw new DomainError("x", "data whose neighbourhood graph has a non-trivial spectrum", "a degenerate graph");
    for (let i = 0; i < cols[c].length; i++) cols[c][i] /= nrm;
  }
}

/** Rayleigh-Ritz for two columns: rotates them onto the eigenvectors of their 2x2 projected Laplacian (ascending). */
function rayleighRitz2(g: KnnGraph, cols: Float64Array[]): void {
  const t = new Float64Array(g.n);
  laplacianTimes(g, cols[0], t);
  const a = dot(cols[0], t);
  const b = dot(cols[1], t);
  laplacianTimes(g, cols[1], t);
  const d = dot(cols[1], t);
  const theta = 0.5 * Math.atan2(2 * b, a - d);
  const c = Math.cos(theta);
  const s = Math.sin(theta);
  const u = cols[0].map((v, i) => c * v + s * cols[1][i]);
  const w = cols[0].map((v, i) => -s * v + c * cols[1][i]);
  const uu = new Float64Array(g.n);
  laplacianTimes(g, u, uu);
  const first = dot(u, uu) <= d + a - dot(u, uu);
  cols[0] = first ? u : w;
  cols[1] = first ? w : u;
}

export interface SpectralOptions {
  /** Outer inverse-iteration steps. Default 12. */
  iterations?: number;
  /** Relative residual of each CG solve. Default 1e-8. */
  tol?: number;
  /** Starting columns (e.g. principal components), else deterministic pseudo-random ones. */
  start?: Float64Array[];
}

/** The `count` (1 or 2) smallest non-trivial eigenvectors of L = D - W by subspace inverse iteration (CG solves). */
export function laplacianEigenvectors(g: KnnGraph, count: number, options: SpectralOptions = {}, work?: WorkCounter): Float64Array[] {
  if (count !== 1 && count !== 2) throw new DomainError("count", "1 or 2 eigenvectors", String(count));
  const iterations = options.iterations ?? 12;
  const tol = options.tol ?? 1e-8;
  let cols = options.start?.map((c) => Float64Array.from(c)) ?? [];
  for (let c = cols.length; c < count; c++) {
    // Deterministic start: a sum of incommensurate sines of the row index.
    cols.push(Float64Array.from({ length: g.n }, (_, i) => Math.sin(1.3 * i + c) + Math.sin(0.017 * i * (c + 1))));
  }
  cols = cols.slice(0, count);
  orthonormalize(cols);
  const solved = cols.map(() => new Float64Array(g.n));
  for (let it = 0; it < iterations; it++) {
    for (let c = 0; c < count; c++) {
      // Warm start: the previous solution scaled to the new right-hand side.
      solveLaplacian(g, cols[c], solved[c], tol, 20 * g.n, work);
    }
    const next = solved.map((s) => Float64Array.from(s));
    orthonormalize(next);
    if (count === 2) rayleighRitz2(g, next);
    for (let c = 0; c < count; c++) {
      const scale = Math.sqrt(dot(solved[c], solved[c]));
      for (let i = 0; i < g.n; i++) solved[c][i] = next[c][i] * scale;
    }
    cols = next;
  }
  return cols;
}
