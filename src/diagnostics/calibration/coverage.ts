// Expected coverage of credible regions against their nominal level (the
// "expected coverage" check of sbi and of Hermans et al. 2022, "A trust
// crisis in simulation-based inference?"): for (theta_i, x_i) from the joint
// and L draws from q(theta | x_i), the level-a region of q contains theta_i
// with frequency a for every a when q is calibrated.
import { DomainError, NonFiniteError, ShapeError } from "../../core/errors.js";
import { cholesky, solveLower } from "../../core/dense-matrix.js";
import type { Rng } from "../../core/rng.js";
import { checkLevels, coverageCurve, randomizedFraction, type CoverageCurve } from "./coverage-curve.js";
import { checkSampleSets, rngOf, sampleSet, toMatrix, uniforms, type Matrix, type Rows, type SampleSets } from "./draws.js";
import { simultaneousEcdfBand, type EcdfBand } from "./ecdf-band.js";

/** log q(theta | x_i) at each of `points` (rows [P][d]), for simulation i. */
export type PosteriorLogProb = (points: number[][], i: number) => ArrayLike<number>;

export interface CoverageOptions {
  /**
   * "central": per parameter, the equal-tailed interval [q_(1-a)/2, q_(1+a)/2] of the
   * draws; "hpd": the joint highest-density region {theta : q(theta | x) >= c_a}.
   * Default: "hpd" when logProb is given, else "central".
   */
  kind?: "central" | "hpd";
  /**
   * Density of the posterior, for HPD regions ordered by q itself. Without it
   * HPD regions are those of the Gaussian fitted to the draws (ordered by
   * Mahalanobis distance; exact when q is Gaussian).
   */
  logProb?: PosteriorLogProb;
  /** Nominal levels. Default 0.05, 0.10, ..., 0.95. */
  levels?: ArrayLike<number>;
  /** Simultaneous coverage of the band. Default 0.95. */
  prob?: number;
  method?: "optimize" | "simulate";
  names?: readonly string[];
  /** Seed or generator (the randomized fractional ranks). Default seed 0. */
  rng?: Rng | number;
}

/** Coverage below the band somewhere: regions too small (over-confident); above: too large (under-confident); both: miscalibrated. */
export type CoverageVerdict = "calibrated" | "overconfident" | "underconfident" | "miscalibrated";

/** One family of regions: its coverage curve and what it says about q. */
export interface CoverageRegion extends CoverageCurve {
  verdict: CoverageVerdict;
}

export interface CoverageResult {
  kind: "central" | "hpd";
  /** How HPD regions were ordered: the posterior's logProb, or the Gaussian fitted to the draws. */
  density: "logProb" | "gaussian" | null;
  simulations: number;
  draws: number;
  band: EcdfBand;
  /** One curve per parameter (central) or one joint curve (hpd). */
  regions: CoverageRegion[];
  calibrated: boolean;
}

/** #{l : s_l < v} and #{l : s_l = v} over the values of one column. */
function countBelow(values: Float64Array, count: number, stride: number, offset: number, v: number): [number, number] {
  let below = 0;
  let ties = 0;
  for (let l = 0; l < count; l++) {
    const x = values[l * stride + offset];
    if (x < v) below++;
    else if (x === v) ties++;
  }
  return [below, ties];
}

/** u = |2 F - 1| with F the randomized fractional rank: theta_ik lies in the level-a central interval iff u <= a. */
function centralCredibility(t: Matrix, i: number, s: Matrix, k: number, v: number): number {
  const [below, ties] = countBelow(s.data, s.rows, s.cols, k, t.data[i * t.cols + k]);
  return Math.abs(2 * randomizedFraction(below, ties, s.rows, v) - 1);
}

/** "Distance" of each point from the region's centre: -log q (logProb) or the squared Mahalanobis distance of the fitted Gaussian. */
function hpdScores(points: Matrix, draws: Matrix, i: number, logProb?: PosteriorLogProb): Float64Array {
  const d = draws.cols;
  if (logProb) {
    const rows = Array.from({ length: points.rows }, (_, p) => Array.from(points.data.subarray(p * d, (p + 1) * d)));
    const lp = logProb(rows, i);
    if (!lp || lp.length !== points.rows) throw new ShapeError("logProb", `${points.rows} log densities (one per point)`, `${lp?.length}`);
    return Float64Array.from({ length: lp.length }, (_, p) => {
      const v = lp[p];
      if (Number.isNaN(v) || v === Infinity) throw new NonFiniteError("logProb", "log densities below +Infinity", `${v} at point ${p} of simulation ${i}`);
      return -v;
    });
  }
  const L = draws.rows;
  if (L <= d) throw new DomainError("samples", `more than ${d} draws per simulation (to fit a Gaussian for HPD regions without logProb)`, `${L} draws`);
  const mean = new Float64Array(d);
  for (let l = 0; l < L; l++) for (let k = 0; k < d; k++) mean[k] += draws.data[l * d + k] / L;
  const cov = new Float64Array(d * d);
  for (let l = 0; l < L; l++) {
    for (let a = 0; a < d; a++) {
      const da = draws.data[l * d + a] - mean[a];
      for (let b = 0; b <= a; b++) cov[a * d + b] += (da * (draws.data[l * d + b] - mean[b])) / (L - 1);
    }
  }
  for (let a = 0; a < d; a++) for (let b = 0; b < a; b++) cov[b * d + a] = cov[a * d + b];
  const chol = cholesky(cov, d, `samples[${i}] (their covariance)`);
  return Float64Array.from({ length: points.rows }, (_, p) => {
    const y = solveLower(chol, points.data.subarray(p * d, (p + 1) * d).map((x, k) => x - mean[k]), d);
    return y.reduce((s, v) => s + v * v, 0);
  });
}

/**
 * Expected coverage C(a) = (1/N) sum_i 1[theta_i in R_a(x_i)] of central (per
 * parameter) or highest-density (joint) credible regions, against nominal a.
 * theta_i is in the level-a region iff its credibility u_i <= a, u_i the
 * randomized fraction of draws nearer the region's centre (exactly U(0, 1) under
 * calibration). Verdict: C inside the simultaneous band of level prob
 * (Säilynoja et al. 2022); below it the regions are too small (over-confident).
 */
export function expectedCoverage(theta: Rows, samples: SampleSets, options: CoverageOptions = {}): CoverageResult {
  const t = toMatrix("theta", theta, { minRows: 2 });
  checkSampleSets(samples, t.rows);
  const kind = options.kind ?? (options.logProb ? "hpd" : "central");
  if (kind !== "central" && kind !== "hpd") throw new DomainError("kind", `"central" or "hpd"`, JSON.stringify(kind));
  if (options.logProb !== undefined && typeof options.logProb !== "function") throw new DomainError("logProb", "a function (points, i) => log densities", typeof options.logProb);
  const d = t.cols;
  const N = t.rows;
  const names = kind === "hpd" ? ["joint"] : (options.names ?? Array.from({ length: d }, (_, k) => `theta[${k}]`));
  if (names.length !== (kind === "hpd" ? 1 : d)) throw new ShapeError("names", `${d} names (one per parameter)`, `${names.length}`);
  const rng = rngOf("rng", options.rng, 0);
  const credibility = names.map(() => new Float64Array(N));
  let L = 0;
  for (let i = 0; i < N; i++) {
    const s = sampleSet(samples, i, d, i === 0 ? undefined : L);
    L = s.rows;
    const v = uniforms(rng, names.length);
    if (kind === "central") {
      for (let k = 0; k < d; k++) credibility[k][i] = centralCredibility(t, i, s, k, v[k]);
    } else {
      const points: Matrix = { data: new Float64Array((L + 1) * d), rows: L + 1, cols: d };
      points.data.set(t.data.subarray(i * d, (i + 1) * d));
      points.data.set(s.data, d);
      const score = hpdScores(points, s, i, options.logProb);
      const [below, ties] = countBelow(score, L, 1, 1, score[0]);
      credibility[0][i] = randomizedFraction(below, ties, L, v[0]);
    }
  }
  const band = simultaneousEcdfBand(N, checkLevels(options.levels), { prob: options.prob, method: options.method, rng });
  const regions = names.map((name, r): CoverageRegion => {
    const curve = coverageCurve(name, credibility[r], band);
    const verdict = curve.below && curve.above ? "miscalibrated" : curve.below ? "overconfident" : curve.above ? "underconfident" : "calibrated";
    return { ...curve, verdict };
  });
  return {
    kind,
    density: kind === "hpd" ? (options.logProb ? "logProb" : "gaussian") : null,
    simulations: N,
    draws: L,
    band,
    regions,
    calibrated: regions.every((r) => r.inside),
  };
}
