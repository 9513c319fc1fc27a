// Tests of Accuracy with Random Points (Lemos, Coogan, Hezaveh & Perreault-
// Levasseur 2023, "Sampling-based accuracy testing of posterior estimators
// for general inference", ICML, arXiv:2302.03026). For each simulation a
// reference point theta_r (drawn independently of theta_i) defines the ball
// around theta_r through theta_i; its q-probability f_i is the fraction of
// posterior draws closer to theta_r than theta_i. The expected coverage
// ECP(a) = P(f <= a) equals a for all a, and for every choice of reference
// distribution, if and only if q is the true posterior (their Theorem 3).
import { DomainError, ShapeError } from "../../core/errors.js";
import type { Rng } from "../../core/rng.js";
import { checkLevels, coverageCurve, randomizedFraction, type CoverageCurve } from "./coverage-curve.js";
import { checkSampleSets, rngOf, sampleSet, toMatrix, uniforms, type Rows, type SampleSets } from "./draws.js";
import { simultaneousEcdfBand, type EcdfBand } from "./ecdf-band.js";

export interface TarpOptions {
  /** Reference points, one row per simulation in the parameters' units. Default: uniform in the box [min_i theta_i, max_i theta_i] (the tarp package's `references="random"` with `norm=True`). */
  references?: Rows;
  /** Distance. Default "euclidean". */
  metric?: "euclidean" | "manhattan";
  /** Scale each coordinate by the range of theta before measuring distances (the tarp package's `norm`). Default true. */
  normalize?: boolean;
  levels?: ArrayLike<number>;
  /** Simultaneous coverage of the band. Default 0.95. */
  prob?: number;
  method?: "optimize" | "simulate";
  /** Seed or generator (references, randomized fractions). Default seed 0. */
  rng?: Rng | number;
}

/**
 * The TARP result. Unlike central / HPD coverage, the direction of a departure
 * does not say which way q is wrong: an over-confident q puts f_i near 0 or 1
 * (the truth outside q's mass is nearer or farther than all draws from a
 * random reference), so its ECP crosses the diagonal.
 */
export interface TarpResult {
  simulations: number;
  draws: number;
  band: EcdfBand;
  /** ECP(a) against a, with f_i as the credibility of simulation i. */
  curve: CoverageCurve;
  calibrated: boolean;
}

/**
 * TARP expected coverage (Lemos et al. 2023): f_i = (#{l : d(theta_il, r_i) < d(theta_i, r_i)} + V) / (L + 1),
 * V ~ U(0, 1) (a randomized rank: exactly uniform under calibration, where the
 * tarp package uses the plain fraction over L), ECP(a) = #{f_i <= a} / N; verdict:
 * ECP inside the simultaneous band of level prob (Säilynoja et al. 2022).
 */
export function tarpCoverage(theta: Rows, samples: SampleSets, options: TarpOptions = {}): TarpResult {
  const t = toMatrix("theta", theta, { minRows: 2 });
  checkSampleSets(samples, t.rows);
  const { rows: N, cols: d } = t;
  const metric = options.metric ?? "euclidean";
  if (metric !== "euclidean" && metric !== "manhattan") throw new DomainError("metric", `"euclidean" or "manhattan"`, JSON.stringify(metric));
  const rng = rngOf("rng", options.rng, 0);
  const low = new Float64Array(d).fill(Infinity);
  const high = new Float64Array(d).fill(-Infinity);
  for (let i = 0; i < N; i++) {
    for (let k = 0; k < d; k++) {
      low[k] = Math.min(low[k], t.data[i * d + k]);
      high[k] = Math.max(high[k], t.data[i * d + k]);
    }
  }
  const width = Float64Array.from(low, (l, k) => high[k] - l + 1e-10);
  const scale = options.normalize === false ? new Float64Array(d).fill(1) : Float64Array.from(width, (w) => 1 / w);
  let references: Float64Array;
  if (options.references) {
    const r = toMatrix("references", options.references, { cols: d });
    if (r.rows !== N) throw new ShapeError("references", `${N} reference points (one per simulation)`, `${r.rows}`);
    references = r.data;
  } else {
    references = uniforms(rng, N * d).map((u, j) => low[j % d] + u * width[j % d]);
  }
  const distance = (a: Float64Array, ai: number, b: Float64Array, bi: number) => {
    let s = 0;
    for (let k = 0; k < d; k++) {
      const diff = (a[ai + k] - b[bi + k]) * scale[k];
      s += metric === "euclidean" ? diff * diff : Math.abs(diff);
    }
    return s;
  };
  const f = new Float64Array(N);
  const v = uniforms(rng, N);
  let L = 0;
  for (let i = 0; i < N; i++) {
    const s = sampleSet(samples, i, d, i === 0 ? undefined : L);
    L = s.rows;
    const dTrue = distance(t.data, i * d, references, i * d);
    let below = 0;
    let ties = 0;
    for (let l = 0; l < L; l++) {
      const dl = distance(s.data, l * d, references, i * d);
      if (dl < dTrue) below++;
      else if (dl === dTrue) ties++;
    }
    f[i] = randomizedFraction(below, ties, L, v[i]);
  }
  const band = simultaneousEcdfBand(N, checkLevels(options.levels), { prob: options.prob, method: options.method, rng });
  const curve = coverageCurve("tarp", f, band);
  return { simulations: N, draws: L, band, curve, calibrated: curve.inside };
}
