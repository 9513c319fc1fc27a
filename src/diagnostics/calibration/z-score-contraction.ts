// Posterior z-scores and contraction per parameter (Betancourt 2018,
// "Calibrating model-based inferences and decisions", arXiv:1803.08393;
// Schad, Betancourt & Vasishth 2021, "Toward a principled Bayesian workflow in
// cognitive science", Psychological Methods 26(1)). For each simulation:
//   z = (E_q[theta | x] - theta_true) / sd_q[theta | x]   (how far the truth is, in posterior sds)
//   c = 1 - Var_q[theta | x] / Var_prior[theta]            (how much the data shrank the prior)
// Reading (Betancourt's scatter of z against c): |z| > 3 marks posteriors
// concentrated away from the truth (over-fitting, bias, prior-data conflict);
// c near 0 a parameter the data do not inform; c near 1 with small |z| the
// ideal. For a calibrated q, E[z^2] = 1, so rms z ~ 1 (> 1: over-confident or
// biased; < 1: under-confident).
import { DomainError, ShapeError } from "../../core/errors.js";
import { checkSampleSets, sampleSet, toMatrix, type Rows, type SampleSets } from "./draws.js";

export interface ZScoreContractionOptions {
  /** Prior variance per parameter. Default: the variance of theta over the simulations (draws of the prior). */
  priorVariance?: ArrayLike<number>;
  /** |z| above this is flagged. Default 3. */
  zThreshold?: number;
  names?: readonly string[];
}

export interface ZScoreContractionParameter {
  name: string;
  z: Float64Array;
  contraction: Float64Array;
  meanZ: number;
  /** sqrt(mean z^2): ~1 when calibrated. */
  rmsZ: number;
  meanContraction: number;
  /** Fraction of simulations with |z| > zThreshold. */
  fractionLargeZ: number;
}

export interface ZScoreContractionResult {
  simulations: number;
  draws: number;
  zThreshold: number;
  priorVariance: Float64Array;
  parameters: ZScoreContractionParameter[];
}

/** Per parameter and simulation: z = (mean_q - theta) / sd_q and contraction 1 - var_q / var_prior (Betancourt 2018; Schad et al. 2021). */
export function posteriorZScoreContraction(theta: Rows, samples: SampleSets, options: ZScoreContractionOptions = {}): ZScoreContractionResult {
  const t = toMatrix("theta", theta, { minRows: 2 });
  checkSampleSets(samples, t.rows);
  const { rows: N, cols: d } = t;
  const zThreshold = options.zThreshold ?? 3;
  if (!(zThreshold > 0)) throw new DomainError("zThreshold", "a number > 0", String(zThreshold));
  const names = options.names ?? Array.from({ length: d }, (_, k) => `theta[${k}]`);
  if (names.length !== d) throw new ShapeError("names", `${d} names (one per parameter)`, `${names.length}`);
  let priorVariance: Float64Array;
  if (options.priorVariance) {
    priorVariance = Float64Array.from(options.priorVariance);
    if (priorVariance.length !== d) throw new ShapeError("priorVariance", `${d} variances (one per parameter)`, `${priorVariance.length}`);
  } else {
    priorVariance = Float64Array.from({ length: d }, (_, k) => {
      let m = 0;
      for (let i = 0; i < N; i++) m += t.data[i * d + k] / N;
      let v = 0;
      for (let i = 0; i < N; i++) v += (t.data[i * d + k] - m) ** 2 / (N - 1);
      return v;
    });
  }
  priorVariance.forEach((v, k) => {
    if (!(v > 0) || !Number.isFinite(v)) throw new DomainError("priorVariance", "finite variances > 0", `${v} for ${names[k]}`);
  });
  const z = names.map(() => new Float64Array(N));
  const contraction = names.map(() => new Float64Array(N));
  let L = 0;
  for (let i = 0; i < N; i++) {
    const s = sampleSet(samples, i, d, i === 0 ? undefined : L);
    L = s.rows;
    if (L < 2) throw new ShapeError(`samples[${i}]`, "at least 2 draws (for a posterior sd)", `${L}`);
    for (let k = 0; k < d; k++) {
      let m = 0;
      for (let l = 0; l < L; l++) m += s.data[l * d + k] / L;
      let v = 0;
      for (let l = 0; l < L; l++) v += (s.data[l * d + k] - m) ** 2 / (L - 1);
      if (!(v > 0)) throw new DomainError(`samples[${i}]`, `draws of ${names[k]} with a positive spread`, "all draws equal");
      z[k][i] = (m - t.data[i * d + k]) / Math.sqrt(v);
      contraction[k][i] = 1 - v / priorVariance[k];
    }
  }
  const mean = (a: Float64Array) => a.reduce((s, v) => s + v, 0) / a.length;
  const parameters = names.map((name, k) => ({
    name,
    z: z[k],
    contraction: contraction[k],
    meanZ: mean(z[k]),
    rmsZ: Math.sqrt(mean(z[k].map((v) => v * v))),
    meanContraction: mean(contraction[k]),
    fractionLargeZ: z[k].reduce((s, v) => s + (Math.abs(v) > zThreshold ? 1 : 0), 0) / N,
  }));
  return { simulations: N, draws: L, zThreshold, priorVariance, parameters };
}
