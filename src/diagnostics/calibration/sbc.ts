// Simulation-based calibration (Talts, Betancourt, Simpson, Vehtari & Gelman
// 2018, "Validating Bayesian inference algorithms with simulation-based
// calibration", arXiv:1804.06788). For theta_i ~ p(theta), x_i ~ p(x | theta_i)
// and L draws theta_il ~ q(theta | x_i), the rank r_ik = #{l : theta_ilk < theta_ik}
// of each parameter is uniform on {0, ..., L} for every i when q is the exact
// posterior. Verdicts: the ECDF of the ranks inside the simultaneous band of
// Säilynoja et al. (2022) at level `prob` (the graphical test), and a
// chi-square test of the rank histogram.
import { DomainError, ShapeError, assertInteger } from "../../core/errors.js";
import type { Rng } from "../../core/rng.js";
import { binomialCdf, chiSquareSurvival, quantileFromCdf } from "./distribution-functions.js";
import { checkSampleSets, rngOf, sampleSet, toMatrix, type Rows, type SampleSets } from "./draws.js";
import { firstOutsideBand, simultaneousEcdfBand, type EcdfBand } from "./ecdf-band.js";

/** Ranks of the true parameters among their posterior draws: ranks[k][i] in {0..draws}. */
export interface SbcRanks {
  ranks: Int32Array[];
  /** L, the number of posterior draws per simulation. */
  draws: number;
}

/**
 * r_ik = #{l : theta_ilk < theta_ik} (+ a uniform share of the ties, so that
 * discrete parameters keep uniform ranks) for theta [N][d] (the prior draws)
 * and samples[i] [L][d] (the posterior draws given x_i).
 */
export function sbcRanks(theta: Rows, samples: SampleSets, options: { rng?: Rng | number } = {}): SbcRanks {
  const t = toMatrix("theta", theta);
  checkSampleSets(samples, t.rows);
  const d = t.cols;
  const ranks = Array.from({ length: d }, () => new Int32Array(t.rows));
  let draws = 0;
  let rng: Rng | null = null;
  for (let i = 0; i < t.rows; i++) {
    const s = sampleSet(samples, i, d, i === 0 ? undefined : draws);
    draws = s.rows;
    for (let k = 0; k < d; k++) {
      const v = t.data[i * d + k];
      let less = 0;
      let equal = 0;
      for (let l = 0; l < s.rows; l++) {
        const x = s.data[l * d + k];
        if (x < v) less++;
        else if (x === v) equal++;
      }
      if (equal > 0) {
        rng ??= rngOf("rng", options.rng, 0);
        less += Math.floor(rng.nextUniform() * (equal + 1));
      }
      ranks[k][i] = less;
    }
  }
  return { ranks, draws };
}

export interface SbcOptions {
  /** Simultaneous coverage of the ECDF band. Default 0.95. */
  prob?: number;
  /** How the band's gamma is found (ecdf-band.ts). Default "optimize". */
  method?: "optimize" | "simulate";
  /** Number K of ECDF evaluation points. Default min(L + 1, N). The band costs O(K sqrt(N)^2) per bisection step: ~0.1 s at N = K = 200, a few s at N = K = 1000. */
  evaluationPoints?: number;
  /**
   * Histogram bins B. Default: t = max(2, min(L + 1, 20, floor(N / 5))) (about 5+
   * expected ranks per bin), lowered to the largest divisor of L + 1 in [t / 2, t]
   * if there is one (bins of equal width).
   */
  bins?: number;
  /** Level of the chi-square test. Default 0.01. */
  alpha?: number;
  /** Parameter labels. Default theta[0], theta[1], ... */
  names?: readonly string[];
  /** Seed or generator (ties in ranks; the simulation method). Default seed 0. */
  rng?: Rng | number;
}

/** Rank histogram with the expected count per bin and Talts et al.'s 99% pointwise binomial band of each count. */
export interface RankHistogram {
  /** Bin b holds ranks edges[b] <= r < edges[b + 1]. */
  edges: Int32Array;
  counts: Int32Array;
  expected: Float64Array;
  lower: Int32Array;
  upper: Int32Array;
}

/** One parameter's SBC result. */
export interface SbcParameter {
  name: string;
  ranks: Int32Array;
  histogram: RankHistogram;
  /** X^2 = sum_b (O_b - E_b)^2 / E_b on B - 1 degrees of freedom; uniform unless pValue < alpha. */
  chiSquare: { statistic: number; df: number; pValue: number; uniform: boolean };
  /**
   * ECDF of the fractional ranks at z_j = c_j / (L + 1), its difference F(z) - z
   * and the simultaneous band as differences (lower_j / N - z_j, upper_j / N - z_j).
   */
  ecdf: { z: Float64Array; ecdf: Float64Array; difference: Float64Array; lower: Float64Array; upper: Float64Array; inside: boolean; firstOutside: number | null };
  /** The ECDF stays inside the simultaneous band. */
  calibrated: boolean;
}

export interface SbcResult {
  simulations: number;
  draws: number;
  prob: number;
  band: EcdfBand;
  parameters: SbcParameter[];
  /** Every parameter's ECDF inside its band (each band has level prob; with d parameters expect ~d (1 - prob) false alarms). */
  calibrated: boolean;
}

function rankHistogram(ranks: Int32Array, L: number, B: number): RankHistogram {
  const N = ranks.length;
  const edges = Int32Array.from({ length: B + 1 }, (_, b) => Math.floor((b * (L + 1)) / B));
  const bin = new Int32Array(L + 1);
  for (let b = 0; b < B; b++) bin.fill(b, edges[b], edges[b + 1]);
  const counts = new Int32Array(B);
  for (const r of ranks) counts[bin[r]]++;
  const p = Float64Array.from({ length: B }, (_, b) => (edges[b + 1] - edges[b]) / (L + 1));
  const cdfs = Array.from(p, (pb) => binomialCdf(N, pb));
  return {
    edges,
    counts,
    expected: p.map((pb) => N * pb),
    lower: Int32Array.from(cdfs, (c) => quantileFromCdf(c, 0.005)),
    upper: Int32Array.from(cdfs, (c) => quantileFromCdf(c, 0.995)),
  };
}

function defaultBins(L: number, N: number): number {
  const t = Math.max(2, Math.min(L + 1, 20, Math.floor(N / 5)));
  for (let b = t; b >= Math.max(2, Math.ceil(t / 2)); b--) if ((L + 1) % b === 0) return b;
  return t;
}

/** Evaluation counts c_j = round(j (L + 1) / K), j = 1..K-1, distinct and inside 1..L. */
function evaluationCounts(L: number, K: number): Int32Array {
  const c: number[] = [];
  for (let j = 1; j < K; j++) {
    const v = Math.round((j * (L + 1)) / K);
    if (v >= 1 && v <= L && v !== c[c.length - 1]) c.push(v);
  }
  return Int32Array.from(c);
}

/** SBC verdicts from ranks (sbcRanks) with L draws per simulation: histogram, chi-square and the ECDF-difference band. */
export function sbcDiagnostic(ranksIn: SbcRanks, options: SbcOptions = {}): SbcResult {
  const { ranks, draws: L } = ranksIn;
  assertInteger("draws", L, 1);
  if (!Array.isArray(ranks) || ranks.length === 0) throw new ShapeError("ranks", "one rank array per parameter", String(ranks?.length ?? ranks));
  const N = ranks[0].length;
  assertInteger("simulations", N, 2);
  ranks.forEach((r, k) => {
    if (r.length !== N) throw new ShapeError(`ranks[${k}]`, `${N} ranks (as ranks[0])`, `${r.length}`);
    for (let i = 0; i < N; i++) {
      if (!(Number.isInteger(r[i]) && r[i] >= 0 && r[i] <= L)) throw new DomainError(`ranks[${k}]`, `integers in [0, ${L}]`, `${r[i]} at index ${i}`);
    }
  });
  const names = options.names ?? ranks.map((_, k) => `theta[${k}]`);
  if (names.length !== ranks.length) throw new ShapeError("names", `${ranks.length} names (one per parameter)`, `${names.length}`);
  const B = options.bins ?? defaultBins(L, N);
  assertInteger("bins", B, 2);
  if (B > L + 1) throw new DomainError("bins", `at most L + 1 = ${L + 1} bins`, String(B));
  const alpha = options.alpha ?? 0.01;
  if (!(alpha > 0 && alpha < 1)) throw new DomainError("alpha", "a level in (0, 1)", String(alpha));
  const K = options.evaluationPoints ?? Math.min(L + 1, N);
  assertInteger("evaluationPoints", K, 2);
  const c = evaluationCounts(L, K);
  const z = Float64Array.from(c, (cj) => cj / (L + 1));
  const band = simultaneousEcdfBand(N, z, { prob: options.prob, method: options.method, rng: options.rng });
  const parameters = ranks.map((r, k): SbcParameter => {
    const ranksK = Int32Array.from(r);
    const histogram = rankHistogram(ranksK, L, B);
    let statistic = 0;
    for (let b = 0; b < B; b++) statistic += (histogram.counts[b] - histogram.expected[b]) ** 2 / histogram.expected[b];
    const pValue = chiSquareSurvival(statistic, B - 1);
    const sorted = Int32Array.from(ranksK).sort();
    const counts = new Int32Array(c.length);
    let m = 0;
    for (let j = 0; j < c.length; j++) {
      while (m < N && sorted[m] < c[j]) m++;
      counts[j] = m;
    }
    const outside = firstOutsideBand(counts, band);
    const ecdf = Float64Array.from(counts, (n) => n / N);
    return {
      name: names[k],
      ranks: ranksK,
      histogram,
      chiSquare: { statistic, df: B - 1, pValue, uniform: pValue >= alpha },
      ecdf: {
        z,
        ecdf,
        difference: ecdf.map((f, j) => f - z[j]),
        lower: Float64Array.from(band.lower, (l, j) => l / N - z[j]),
        upper: Float64Array.from(band.upper, (u, j) => u / N - z[j]),
        inside: outside < 0,
        firstOutside: outside < 0 ? null : z[outside],
      },
      calibrated: outside < 0,
    };
  });
  return { simulations: N, draws: L, prob: band.prob, band, parameters, calibrated: parameters.every((p) => p.calibrated) };
}

/** simulation-based calibration in one call: sbcDiagnostic(sbcRanks(theta, samples)) (Talts et al. 2018). */
export function simulationBasedCalibration(theta: Rows, samples: SampleSets, options: SbcOptions = {}): SbcResult {
  return sbcDiagnostic(sbcRanks(theta, samples, { rng: options.rng }), options);
}
