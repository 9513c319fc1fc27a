// Closed-form part of the avi-hmm / avi-gp impossibility studies (document 000):
// for z ~ N(0, Sigma), x_n ~ N(z_n, s^2) the F-VI optimum is the exact posterior
// mean (linear in ALL of x) with std 1/sqrt(P_nn), so whether an inference
// function of x_n (or of a window) can reach it is decidable by linear algebra.
import { DomainError, assertInteger } from "../../core/errors.js";
import { meanFieldGaussianKL } from "../../diagnostics/amortization.js";
import { checkSeries, cholesky, solveLower, solveUpperT, type GaussianPosterior } from "./models/linear-gaussian-posterior.js";

/** A model with an exact Gaussian posterior for a whole series x of length N. */
export interface ExactSeriesModel {
  readonly N: number;
  readonly noiseStd: number;
  posterior(x: ArrayLike<number>): GaussianPosterior;
}

/**
 * Exact -ELBO of a mean-field Gaussian q = N(m, diag(sd^2)) against the Gaussian
 * posterior: -ELBO = KL(q || p(z | x)) - log p(x) (KL by diagnostics' meanFieldGaussianKL).
 */
export function meanFieldNegElbo(post: GaussianPosterior, m: ArrayLike<number>, sd: ArrayLike<number>): { negElbo: number; kl: number } {
  const n = post.mean.length;
  checkSeries("m", m, n);
  checkSeries("sd", sd, n);
  const kl = meanFieldGaussianKL(m, Float64Array.from(sd, (v) => v * v), { mean: post.mean, precision: post.precision });
  return { negElbo: kl - post.logEvidence, kl };
}

/** (a): two positions with equal x but different optimal means (so no f(x_n) reaches F-VI). */
export interface EqualInputs {
  i: number;
  j: number;
  x: number;
  meanI: number;
  meanJ: number;
}

/** Copies x_i into x_j and returns the modified series with the two optimal means. */
export function equalInputs(model: ExactSeriesModel, x: ArrayLike<number>, i: number, j: number): { series: Float64Array; result: EqualInputs } {
  assertInteger("i", i, 0);
  assertInteger("j", j, 0);
  if (i === j || i >= model.N || j >= model.N) {
    throw new DomainError("(i, j)", `two different positions in [0, ${model.N})`, `(${i}, ${j})`);
  }
  const series = Float64Array.from(x);
  series[j] = series[i];
  const mean = model.posterior(series).mean;
  return { series, result: { i, j, x: series[i], meanI: mean[i], meanJ: mean[j] } };
}

/** (b) for one window width w = 2h + 1: the smallest -ELBO excess over F-VI any window-w function can reach on the constant series. */
export interface WindowBound {
  width: number;
  /** Positions whose (zero-padded) windows are identical: n in [h, N - 1 - h]. */
  interior: number;
  /** max - min of the optimal means over those positions (a window function must give them one mean). */
  meanSpread: number;
  /** min over window functions of -ELBO(A-VI) - -ELBO(F-VI optimum) on this series (>= 0; > 0 iff amortization cannot match F-VI). */
  minGap: number;
}

/**
 * Exact smallest amortization gap of ANY inference function of the centered
 * window (x_{n-h}, ..., x_{n+h}) (zero padded) on a series whose interior
 * windows are all identical: the interior positions I share one (mean a, std v)
 * while boundary positions are free. With e = m - mu and S the Schur
 * complement of P on I, the mean part is min_a 1/2 (a 1 - mu_I)^T S (a 1 - mu_I);
 * the std part is 1/2 sum_I [P_nn v^2 - 1 - log(P_nn v^2)] at v^2 = |I| / sum_I P_nn.
 */
export function windowBound(post: GaussianPosterior, width: number): WindowBound {
  assertInteger("width", width, 1);
  const N = post.mean.length;
  if (width % 2 !== 1) throw new DomainError("width", "an odd window width 2h + 1", String(width));
  if (width > N) throw new DomainError("width", `a window of at most N = ${N} observations (the series length)`, String(width));
  const h = (width - 1) / 2;
  const I = Array.from({ length: N - 2 * h }, (_, k) => k + h);
  const F = Array.from({ length: N }, (_, n) => n).filter((n) => n < h || n > N - 1 - h);
  const P = post.precision;
  const at = (r: number, c: number) => P[r * N + c];
  // S = P_II - P_IF P_FF^{-1} P_FI
  const nI = I.length;
  const S = new Float64Array(nI * nI);
  for (let a = 0; a < nI; a++) for (let b = 0; b < nI; b++) S[a * nI + b] = at(I[a], I[b]);
  if (F.length > 0) {
    const nF = F.length;
    const L = cholesky(Float64Array.from({ length: nF * nF }, (_, k) => at(F[Math.floor(k / nF)], F[k % nF])), nF);
    const cols = I.map((n) => solveUpperT(L, solveLower(L, F.map((f) => at(f, n)), nF), nF));
    for (let a = 0; a < nI; a++) {
      for (let b = 0; b < nI; b++) {
        let s = 0;
        for (let k = 0; k < nF; k++) s += at(I[a], F[k]) * cols[b][k];
        S[a * nI + b] -= s;
      }
    }
  }
  const mu = I.map((n) => post.mean[n]);
  let oneSone = 0;
  let oneSmu = 0;
  for (let a = 0; a < nI; a++) {
    for (let b = 0; b < nI; b++) {
      oneSone += S[a * nI + b];
      oneSmu += S[a * nI + b] * mu[b];
    }
  }
  const aStar = oneSmu / oneSone;
  let meanPart = 0;
  for (let a = 0; a < nI; a++) for (let b = 0; b < nI; b++) meanPart += (aStar - mu[a]) * S[a * nI + b] * (aStar - mu[b]);
  meanPart *= 0.5;
  const sumP = I.reduce((s, n) => s + at(n, n), 0);
  const v2 = nI / sumP;
  const stdPart = 0.5 * I.reduce((s, n) => s + at(n, n) * v2 - 1 - Math.log(at(n, n) * v2), 0);
  return {
    width,
    interior: nI,
    meanSpread: Math.max(...mu) - Math.min(...mu),
    minGap: Math.max(0, meanPart) + Math.max(0, stdPart),
  };
}

/** A Vega-Lite scatter of points (x, y), coloured by group (e.g. the exact means against x_n). */
export function scatterChart(opts: {
  title?: string;
  xLabel: string;
  yLabel: string;
  groups: { name: string; x: ArrayLike<number>; y: ArrayLike<number>; size?: number }[];
  width?: number;
  height?: number;
}): Record<string, unknown> {
  const rows: Record<string, number | string>[] = [];
  for (const g of opts.groups) {
    for (let i = 0; i < g.x.length; i++) {
      if (Number.isFinite(g.x[i]) && Number.isFinite(g.y[i])) rows.push({ group: g.name, x: g.x[i], y: g.y[i], size: g.size ?? 30 });
    }
  }
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    ...(opts.title ? { title: opts.title } : {}),
    config: { axis: { labelFontSize: 11, titleFontSize: 12 }, legend: { labelFontSize: 11 }, view: { stroke: "#ccc" } },
    width: opts.width ?? 320,
    height: opts.height ?? 240,
    data: { values: rows },
    mark: { type: "point", filled: true, opacity: 0.8 },
    encoding: {
      x: { field: "x", type: "quantitative", title: opts.xLabel, scale: { zero: false } },
      y: { field: "y", type: "quantitative", title: opts.yLabel, scale: { zero: false } },
      color: { field: "group", type: "nominal", title: null, scale: { domain: opts.groups.map((g) => g.name) } },
      size: { field: "size", type: "quantitative", legend: null, scale: { type: "identity" } },
    },
  };
}
