/**
 * Assignment of n sources to n targets minimizing a summed cost: exact by the
 * Hungarian algorithm (Kuhn-Munkres with potentials, O(n^3)), or approximate
 * for larger n by entropic optimal transport (Sinkhorn-Knopp, Cuturi 2013)
 * rounded greedily to a permutation and improved by pairwise swaps. Used by MAPA to give each data point a
 * latent code drawn from the prior.
 */
import { DomainError, ShapeError, assertFiniteArray, assertInteger, assertPositive } from "../../core/errors.js";
import type { WorkCounter } from "./graph.js";

function checkCost(cost: Float64Array, n: number): void {
  assertInteger("n", n, 1);
  if (cost.length !== n * n) throw new ShapeError("cost", `${n * n} values (an n x n matrix)`, `${cost.length} values`);
  assertFiniteArray("cost", cost);
}

/** Total cost sum_i cost[i, perm[i]]. */
export function assignmentCost(cost: Float64Array, perm: Int32Array): number {
  const n = perm.length;
  let s = 0;
  for (let i = 0; i < n; i++) s += cost[i * n + perm[i]];
  return s;
}

/** Exact min-cost assignment of an n x n cost matrix (row i -> column perm[i]), Hungarian algorithm with potentials. */
export function hungarian(cost: Float64Array, n: number, work?: WorkCounter): Int32Array {
  checkCost(cost, n);
  // 1-based arrays as in the classical e-maxx formulation.
  const u = new Float64Array(n + 1);
  const v = new Float64Array(n + 1);
  const p = new Int32Array(n + 1);
  const way = new Int32Array(n + 1);
  const minv = new Float64Array(n + 1);
  const used = new Uint8Array(n + 1);
  for (let i = 1; i <= n; i++) {
    p[0] = i;
    let j0 = 0;
    minv.fill(Infinity);
    used.fill(0);
    do {
      used[j0] = 1;
      const i0 = p[j0];
      let delta = Infinity;
      let j1 = 0;
      for (let j = 1; j <= n; j++) {
        if (used[j]) continue;
        const cur = cost[(i0 - 1) * n + (j - 1)] - u[i0] - v[j];
        if (cur < minv[j]) {
          minv[j] = cur;
          way[j] = j0;
        }
        if (minv[j] < delta) {
          delta = minv[j];
          j1 = j;
        }
      }
      for (let j = 0; j <= n; j++) {
        if (used[j]) {
          u[p[j]] += delta;
          v[j] -= delta;
        } else {
          minv[j] -= delta;
        }
      }
      j0 = j1;
      if (work) work.multiplyAdds += n;
    } while (p[j0] !== 0);
    do {
      const j1 = way[j0];
      p[j0] = p[j1];
      j0 = j1;
    } while (j0 !== 0);
  }
  const perm = new Int32Array(n);
  for (let j = 1; j <= n; j++) perm[p[j] - 1] = j - 1;
  return perm;
}

export interface SinkhornOptions {
  /** Entropic regularization relative to the mean cost. Default 0.05 (a blurred plan converges in few iterations; the rounding makes it a permutation). */
  epsilon?: number;
  /** Sinkhorn iterations. Default 20. */
  iterations?: number;
  /** Sweeps of pairwise-swap improvement after rounding. Default 3. */
  sweeps?: number;
}

/**
 * Approximate min-cost assignment: Sinkhorn plan P = diag(a) exp(-C / eps) diag(b)
 * with uniform marginals, then rows (most confident first) take their largest
 * still-free column.
 */
export function sinkhornAssignment(cost: Float64Array, n: number, options: SinkhornOptions = {}, work?: WorkCounter): Int32Array {
  checkCost(cost, n);
  const rel = options.epsilon ?? 0.05;
  assertPositive("epsilon", rel);
  const iterations = options.iterations ?? 20;
  assertInteger("iterations", iterations, 1);
  let meanCost = 0;
  let minCost = Infinity;
  for (let i = 0; i < cost.length; i++) {
    meanCost += cost[i];
    if (cost[i] < minCost) minCost = cost[i];
  }
  meanCost /= cost.length;
  const eps = rel * Math.max(meanCost - minCost, 1e-300);
  const K = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    let rowMin = Infinity;
    for (let j = 0; j < n; j++) rowMin = Math.min(rowMin, cost[i * n + j]);
    // Row-shifted kernel (a row scale is absorbed by a): no row underflows to all zeros.
    for (let j = 0; j < n; j++) K[i * n + j] = Math.exp(-(cost[i * n + j] - rowMin) / eps);
  }
  const a = new Float64Array(n).fill(1);
  const b = new Float64Array(n).fill(1);
  const colSum = new Float64Array(n);
  for (let it = 0; it < iterations; it++) {
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < n; j++) s += K[i * n + j] * b[j];
      a[i] = 1 / Math.max(s, 1e-300);
    }
    colSum.fill(0);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) colSum[j] += K[i * n + j] * a[i];
    for (let j = 0; j < n; j++) b[j] = 1 / Math.max(colSum[j], 1e-300);
  }
  if (work) work.multiplyAdds += 2 * iterations * n * n;
  const best = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let m = 0;
    for (let j = 0; j < n; j++) m = Math.max(m, K[i * n + j] * b[j]);
    best[i] = m * a[i];
  }
  const logB = b.map(Math.log);
  const order = Array.from({ length: n }, (_, i) => i).sort((x, y) => best[y] - best[x]);
  const taken = new Uint8Array(n);
  const perm = new Int32Array(n);
  for (const i of order) {
    let jBest = -1;
    let vBest = -Infinity;
    for (let j = 0; j < n; j++) {
      if (taken[j]) continue;
      // log of the plan entry up to the row's constant, computed without underflow.
      const val = logB[j] - cost[i * n + j] / eps;
      if (val > vBest) {
        vBest = val;
        jBest = j;
      }
    }
    if (jBest < 0) throw new DomainError("cost", "a matrix with a feasible assignment", "none found");
    taken[jBest] = 1;
    perm[i] = jBest;
  }
  const sweeps = twoOpt(cost, n, perm, options.sweeps ?? 3);
  if (work) work.multiplyAdds += sweeps * n * n;
  return perm;
}

/** Pairwise-swap local search: swaps the columns of rows i < j while that lowers the cost; returns the sweeps made. */
export function twoOpt(cost: Float64Array, n: number, perm: Int32Array, maxSweeps: number): number {
  let sweep = 0;
  for (let improved = true; improved && sweep < maxSweeps; sweep++) {
    improved = false;
    for (let i = 0; i < n; i++) {
      for (let j = i + 1; j < n; j++) {
        const a = perm[i];
        const b = perm[j];
        if (cost[i * n + b] + cost[j * n + a] < cost[i * n + a] + cost[j * n + b] - 1e-12) {
          perm[i] = b;
          perm[j] = a;
          improved = true;
        }
      }
    }
  }
  return sweep;
}

/** Min-cost assignment: exact Hungarian up to `exactUpTo` rows (default 400), Sinkhorn + greedy rounding above. */
export function minCostAssignment(cost: Float64Array, n: number, exactUpTo = 400, work?: WorkCounter, sinkhorn: SinkhornOptions = {}): { perm: Int32Array; method: "hungarian" | "sinkhorn" } {
  return n <= exactUpTo ? { perm: hungarian(cost, n, work), method: "hungarian" } : { perm: sinkhornAssignment(cost, n, sinkhorn, work), method: "sinkhorn" };
}
