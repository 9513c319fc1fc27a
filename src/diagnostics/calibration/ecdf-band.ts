// Simultaneous confidence bands for the ECDF of N uniform values (Säilynoja,
// Bürkner & Vehtari 2022, "Graphical test for discrete uniformity and its
// applications in goodness-of-fit evaluation and multiple sample comparison",
// Statistics and Computing 32:32). At points z_1 < ... < z_K in (0, 1) the
// scaled ECDF N F(z_j) is Binomial(N, z_j); the band takes the pointwise
// central binomial intervals of level 1 - gamma and adjusts gamma so that a
// whole uniform ECDF trajectory stays inside with probability `prob`.
import { DomainError, ShapeError, assertInteger } from "../../core/errors.js";
import type { Rng } from "../../core/rng.js";
import { assertProbability, rngOf, uniforms } from "./draws.js";
import { binomialCdf, logFactorials, quantileFromCdf } from "./distribution-functions.js";

export interface EcdfBandOptions {
  /** Simultaneous coverage of the band. Default 0.95. */
  prob?: number;
  /**
   * "optimize" (default): gamma from the exact interior probability, computed by
   * the paper's recursion over the evaluation points; "simulate": gamma as the
   * (1 - prob) quantile of each simulated uniform ECDF's smallest pointwise tail
   * probability (their Section 2.2).
   */
  method?: "optimize" | "simulate";
  /** Uniform samples of the simulation method. Default 1000 (the paper's M). */
  simulations?: number;
  /** Seed or generator of the simulation method. Default seed 0. */
  rng?: Rng | number;
}

/** A simultaneous band for N F(z_j): lower[j] <= N F(z_j) <= upper[j] for all j with probability `coverage` under uniformity. */
export interface EcdfBand {
  N: number;
  z: Float64Array;
  prob: number;
  method: "optimize" | "simulate";
  /** The adjusted pointwise level: each interval is the [gamma / 2, 1 - gamma / 2] binomial quantile range. */
  gamma: number;
  /** Band of the scaled ECDF (counts), one per evaluation point. */
  lower: Int32Array;
  upper: Int32Array;
  /** Exact simultaneous coverage of this band for N iid U(0, 1) values (the interior probability); >= prob with "optimize". */
  coverage: number;
}

function checkPoints(z: ArrayLike<number>): Float64Array {
  if (z.length < 1) throw new ShapeError("z", "at least one evaluation point", "none");
  const out = Float64Array.from(z);
  for (let j = 0; j < out.length; j++) {
    if (!(out[j] > 0 && out[j] < 1)) throw new DomainError("z", "evaluation points in (0, 1)", `${out[j]} at index ${j}`);
    if (j > 0 && !(out[j] > out[j - 1])) throw new DomainError("z", "strictly increasing evaluation points", `${out[j - 1]} then ${out[j]} at index ${j}`);
  }
  return out;
}

/**
 * P(lower_j <= N F(z_j) <= upper_j for all j) for the ECDF F of N iid U(0, 1)
 * values: the recursion of Säilynoja et al. (2022, Section 2.2) over the points,
 * where given N F(z_{j-1}) = x the count in (z_{j-1}, z_j] is
 * Binomial(N - x, (z_j - z_{j-1}) / (1 - z_{j-1})). Cost O(K W^2), W the band's width.
 */
export function interiorProbability(N: number, zIn: ArrayLike<number>, lower: ArrayLike<number>, upper: ArrayLike<number>): number {
  assertInteger("N", N, 1);
  const z = checkPoints(zIn);
  if (lower.length !== z.length) throw new ShapeError("lower", `${z.length} bounds (one per point)`, `${lower.length}`);
  if (upper.length !== z.length) throw new ShapeError("upper", `${z.length} bounds (one per point)`, `${upper.length}`);
  const lf = logFactorials(N);
  let prevLo = 0;
  let prev = new Float64Array([1]);
  let zPrev = 0;
  for (let j = 0; j < z.length; j++) {
    const lo = Math.max(lower[j], prevLo);
    const hi = Math.min(upper[j], N);
    if (hi < lo) return 0;
    const t = (z[j] - zPrev) / (1 - zPrev);
    const lp = Math.log(t);
    const lq = Math.log1p(-t);
    // term(x1 -> x2) = p(x1) (N - x1)! / ((x2 - x1)! (N - x2)!) t^(x2 - x1) (1 - t)^(N - x2)
    const a = Float64Array.from(prev, (p, i) => (p > 0 ? Math.log(p) + lf[N - (prevLo + i)] - (prevLo + i) * lp : -Infinity));
    const next = new Float64Array(hi - lo + 1);
    for (let x2 = lo; x2 <= hi; x2++) {
      const b = -lf[N - x2] + x2 * lp + (N - x2) * lq;
      let s = 0;
      const top = Math.min(prevLo + prev.length - 1, x2);
      for (let x1 = prevLo; x1 <= top; x1++) s += Math.exp(a[x1 - prevLo] + b - lf[x2 - x1]);
      next[x2 - lo] = s;
    }
    prev = next;
    prevLo = lo;
    zPrev = z[j];
  }
  let total = 0;
  for (const p of prev) total += p;
  return Math.min(1, total);
}

/** Pointwise binomial intervals [qbinom(gamma / 2), qbinom(1 - gamma / 2)] of N F(z_j) from CDF tables. */
function bandOf(cdfs: readonly Float64Array[], gamma: number): { lower: Int32Array; upper: Int32Array } {
  return {
    lower: Int32Array.from(cdfs, (c) => quantileFromCdf(c, gamma / 2)),
    upper: Int32Array.from(cdfs, (c) => quantileFromCdf(c, 1 - gamma / 2)),
  };
}

/** Type-7 quantile of sorted values (R's default). */
function quantileSorted(sorted: Float64Array, q: number): number {
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

/**
 * The simulation method's gamma: each of M uniform samples contributes
 * gamma_m = 2 min_j min(P(X_j <= c_j), P(X_j >= c_j)), X_j ~ Bin(N, z_j), c_j its
 * scaled ECDF; gamma is their alpha = 1 - prob quantile, lowered to the next
 * smaller value when ties make the quantile reject more than alpha + 0.001
 * (the tie rule of the authors' bayesplot code).
 */
function simulatedGamma(N: number, z: Float64Array, cdfs: readonly Float64Array[], prob: number, M: number, rng: Rng): number {
  const gammas = new Float64Array(M);
  for (let m = 0; m < M; m++) {
    const u = uniforms(rng, N).sort();
    let c = 0;
    let g = 1;
    for (let j = 0; j < z.length; j++) {
      while (c < N && u[c] <= z[j]) c++;
      const below = cdfs[j][c];
      const above = c > 0 ? 1 - cdfs[j][c - 1] : 1;
      g = Math.min(g, below, above);
    }
    gammas[m] = 2 * g;
  }
  gammas.sort();
  const alpha = 1 - prob;
  let a = quantileSorted(gammas, alpha);
  if (a === quantileSorted(gammas, Math.min(1, alpha + 0.001)) && gammas[0] < a) {
    let below = gammas[0];
    for (const g of gammas) if (g < a) below = g;
    a = below;
  }
  return a;
}

/**
 * The optimization method's gamma: the largest gamma in (0, 1 - prob] whose
 * band has interior probability >= prob, by bisection (the interior
 * probability falls as gamma grows). The authors' R code minimizes
 * |prob - P(gamma)| instead, which may land just below prob; taking the
 * largest gamma with P >= prob keeps the band's coverage at least prob.
 */
function optimizedGamma(N: number, z: Float64Array, cdfs: readonly Float64Array[], prob: number): number {
  // P is a step function of gamma (quantiles are integers): near the jump most midpoints repeat a band
  const seen = new Map<string, number>();
  const P = (gamma: number) => {
    const { lower, upper } = bandOf(cdfs, gamma);
    const key = `${lower.join()}|${upper.join()}`;
    let p = seen.get(key);
    if (p === undefined) seen.set(key, (p = interiorProbability(N, z, lower, upper)));
    return p;
  };
  let lo = 0;
  let hi = 1 - prob;
  if (P(hi) >= prob) return hi;
  for (let it = 0; it < 50 && hi - lo > 1e-12 * hi; it++) {
    const mid = 0.5 * (lo + hi);
    if (P(mid) >= prob) lo = mid;
    else hi = mid;
  }
  return lo;
}

/**
 * Simultaneous (1 - alpha = prob) band for the ECDF of N uniform values at the
 * points z (Säilynoja, Bürkner & Vehtari 2022): lower_j = qbinom(gamma/2; N, z_j),
 * upper_j = qbinom(1 - gamma/2; N, z_j), gamma by their optimization or
 * simulation method. For SBC ranks r in {0..L} use z_j = c_j / (L + 1): then
 * #{r < c_j} has exactly the law of N F(z_j) for continuous uniforms.
 */
export function simultaneousEcdfBand(N: number, zIn: ArrayLike<number>, options: EcdfBandOptions = {}): EcdfBand {
  assertInteger("N", N, 1);
  const z = checkPoints(zIn);
  const prob = options.prob ?? 0.95;
  assertProbability("prob", prob);
  const method = options.method ?? "optimize";
  if (method !== "optimize" && method !== "simulate") throw new DomainError("method", `"optimize" or "simulate"`, JSON.stringify(method));
  const lf = logFactorials(N);
  const cdfs = Array.from(z, (zj) => binomialCdf(N, zj, lf));
  let gamma: number;
  if (method === "simulate") {
    const M = options.simulations ?? 1000;
    assertInteger("simulations", M, 1);
    gamma = simulatedGamma(N, z, cdfs, prob, M, rngOf("rng", options.rng, 0));
  } else {
    gamma = optimizedGamma(N, z, cdfs, prob);
  }
  const { lower, upper } = bandOf(cdfs, gamma);
  return { N, z, prob, method, gamma, lower, upper, coverage: interiorProbability(N, z, lower, upper) };
}

/** Where counts[j] leaves the band: the first index outside [lower_j, upper_j], or -1 if the whole trajectory is inside. */
export function firstOutsideBand(counts: ArrayLike<number>, band: EcdfBand): number {
  if (counts.length !== band.z.length) throw new ShapeError("counts", `${band.z.length} counts (one per evaluation point)`, `${counts.length}`);
  for (let j = 0; j < counts.length; j++) if (counts[j] < band.lower[j] || counts[j] > band.upper[j]) return j;
  return -1;
}
