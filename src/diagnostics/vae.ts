import { noGrad } from "../autodiff/tape.js";
import { logMeanExp } from "../autodiff/ops/reduce.js";
import { DomainError, NonFiniteError, ShapeError, assertInteger, describeShape } from "../core/errors.js";
import type { Rng } from "../core/rng.js";
import { runtime } from "../core/runtime.js";
import { Tensor } from "../core/tensor.js";
import type { Guide, Proposal } from "../models/guide.js";
import { Family } from "../infer/families/family.js";
import type { NormalFactor } from "../infer/families/nets.js";
import { drawParticles, sampleParticles } from "../infer/particles.js";
import { asEngineModel } from "../model/engine-model.js";
import type { ProbModel } from "../model/model.js";
import type { LatentSite, Model } from "../models/model.js";

/** Data as rows: a [N, D] tensor or an array of N rows of length D. */
export type DataInput = Tensor | readonly (readonly number[])[];

/** A persistent [N, D] copy of `data`, checked: N >= 1, D = obsDim, all finite (errors name `argument`); the caller disposes it. */
export function toDataTensor(argument: string, data: DataInput, obsDim: number): Tensor {
  if (data instanceof Tensor) {
    if (data.rank !== 2 || data.rows < 1) throw new DomainError(argument, "a non-empty data set [N, D]", describeShape(data.shape));
    if (data.cols !== obsDim) throw new ShapeError(argument, `rows of length ${obsDim}`, describeShape(data.shape));
    const i = data.firstNonFinite();
    if (i >= 0) throw new NonFiniteError(argument, "finite numbers", `${data.view()[i]} in row ${Math.floor(i / obsDim)}`);
    return data.clone("persistent");
  }
  if (!Array.isArray(data) || data.length === 0) throw new DomainError(argument, "a non-empty data set [N, D]", "an empty data set");
  data.forEach((r, i) => {
    if (!r || r.length !== obsDim) throw new ShapeError(argument, `rows of length ${obsDim}`, `row ${i} of length ${r?.length}`);
    r.forEach((v: number, j: number) => {
      if (!Number.isFinite(v)) throw new NonFiniteError(argument, "finite numbers", `${v} in row ${i}, column ${j}`);
    });
  });
  return Tensor.from(data, undefined, "persistent", runtime(), argument);
}

/** Runs fn on a checked persistent copy of `data` inside noGrad, freeing the copy and the arena it used afterwards. */
function withData<T>(argument: string, data: DataInput, obsDim: number, fn: (x: Tensor) => T): T {
  const x = toDataTensor(argument, data, obsDim);
  const arena = x.rt.arena;
  const mark = arena.mark();
  try {
    return noGrad(() => fn(x));
  } finally {
    arena.restore(mark);
    x.dispose();
  }
}

/** log sum_i exp(v_i) of plain numbers. */
function logSumExpOf(v: ArrayLike<number>): number {
  let m = -Infinity;
  for (let i = 0; i < v.length; i++) m = Math.max(m, v[i]);
  if (!Number.isFinite(m)) return m;
  let s = 0;
  for (let i = 0; i < v.length; i++) s += Math.exp(v[i] - m);
  return m + Math.log(s);
}

function meanAndStderr(v: ArrayLike<number>): { mean: number; stderr: number } {
  const n = v.length;
  let s = 0;
  for (let i = 0; i < n; i++) s += v[i];
  const mean = s / n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (v[i] - mean) ** 2;
  return { mean, stderr: n > 1 ? Math.sqrt(ss / (n - 1) / n) : 0 };
}

/** Per-datapoint values and their mean and standard error. */
export interface PerPoint {
  perPoint: Float64Array;
  mean: number;
  stderr: number;
}

/**
 * An amortized diagonal Gaussian q(z | x) = N(mean(x), diag exp(2 logStd(x)))
 * evaluated on rows of x: a VAE (its encoder), or amortizedNormal(family).
 */
export interface AmortizedNormal {
  readonly obsDim: number;
  encode(x: Tensor): NormalFactor;
}

/** The encoder of an amortized family (kind "avi", on x_n) with one local site: q(z | x) from its inference network. */
export function amortizedNormal(guide: Guide, obsDim: number): AmortizedNormal {
  if (!(guide instanceof Family) || guide.kind !== "avi" || guide.localSites.length !== 1 || guide.N > 0) {
    const got = guide instanceof Family ? `a ${guide.description} family with ${guide.localSites.length} local sites` : "another guide";
    throw new DomainError("guide", "an amortized family (kind \"avi\" on x_n, built without data) with one local site", got);
  }
  const site = guide.localSites[0].name;
  assertInteger("obsDim", obsDim, 1);
  return { obsDim, encode: (x) => guide.localFactors({ obs: x })[site] };
}

/** Encoder means and log std of q_phi(z | x) for every row of x, as plain arrays [M][Z]. */
export function encoderMoments(encoder: AmortizedNormal, data: DataInput): { mean: number[][]; logStd: number[][] } {
  return withData("x", data, encoder.obsDim, (x) => {
    const { mean, logStd } = encoder.encode(x);
    return { mean: mean.toRows(), logStd: logStd.toRows() };
  });
}

/**
 * Mutual information I_q(x; z) under the aggregate posterior of a held-out
 * set (Hoffman & Johnson 2016; the estimator of He et al. 2019):
 *   I = (1/M) sum_i [ E_q log q(z | x_i) - log (1/M) sum_j q(z_i | x_j) ],  z_i ~ q(. | x_i),
 * with E_q[log q(z | x_i)] = -sum_d (0.5 log(2 pi e) + s_d(x_i)) exact.
 */
export function mutualInformation(encoder: AmortizedNormal, data: DataInput, rng: Rng): number {
  const { mean, logStd } = encoderMoments(encoder, data);
  const M = mean.length;
  if (M < 2) throw new DomainError("x", "at least two held-out rows", `${M} row`);
  const Z = mean[0].length;
  const eps = rng.normal([M, Z]).toFloat64Array();
  const c = 0.5 * Math.log(2 * Math.PI);
  let negEntropy = 0;
  let logQAgg = 0;
  const row = new Float64Array(M);
  for (let i = 0; i < M; i++) {
    const z = mean[i].map((mu, d) => mu + Math.exp(logStd[i][d]) * eps[i * Z + d]);
    for (let d = 0; d < Z; d++) negEntropy -= c + 0.5 + logStd[i][d];
    for (let j = 0; j < M; j++) {
      let lp = 0;
      for (let d = 0; d < Z; d++) {
        const u = (z[d] - mean[j][d]) * Math.exp(-logStd[j][d]);
        lp -= c + logStd[j][d] + 0.5 * u * u;
      }
      row[j] = lp;
    }
    logQAgg += logSumExpOf(row) - Math.log(M);
  }
  return (negEntropy - logQAgg) / M;
}

/** Active units (Burda et al. 2016): latent dims whose Var_x(E_q[z_d | x]) > threshold (default 0.01). */
export function activeUnits(encoder: AmortizedNormal, data: DataInput, threshold = 0.01): { count: number; variances: number[] } {
  const { mean } = encoderMoments(encoder, data);
  const variances = columnVariances(mean);
  return { count: variances.filter((v) => v > threshold).length, variances };
}

function columnVariances(rows: number[][]): number[] {
  const n = rows.length;
  return rows[0].map((_, d) => {
    const m = rows.reduce((s, r) => s + r[d], 0) / n;
    return rows.reduce((s, r) => s + (r[d] - m) ** 2, 0) / n;
  });
}

export interface QuadratureOptions {
  /** Latent box [-range, range]^Z searched for posterior mass. Default 6 (1-D latent), 5 (2-D). */
  range?: number;
  /** Points per dimension of the coarse grid that locates the posterior. Default 241 (1-D), 51 (2-D). */
  coarse?: number;
  /** Points per dimension of the fine grid over the located box. Default 801 (1-D), 101 (2-D). */
  fine?: number;
  /** The fine box covers the coarse points with log p(x, z) > max - threshold, plus one coarse step. Default 30. */
  threshold?: number;
}

/** Per datapoint: log p(x) and the posterior mean E[z | x], both by quadrature. */
export interface PosteriorQuadrature extends PerPoint {
  posteriorMean: number[][];
}

/** The model's only latent site, which quadrature needs to be local, real and 1-D or 2-D. */
function quadratureSite(model: Model): LatentSite {
  const local = model.latents.filter((s) => s.scope === "local");
  const ok = local.length === 1 && local.length === model.latents.length && local[0].support.kind === "real" && local[0].dim <= 2;
  if (!ok) {
    const got = model.latents.map((s) => `${s.name}: ${s.scope} ${s.support.kind} dim ${s.dim}`).join("; ");
    throw new DomainError("model", "one local real latent of dimension 1 or 2 and no global latents", got || "no latents");
  }
  return local[0];
}

/** Regular grid over the box [lo, hi] with n points per dimension (row-major), flat [G * Z]. */
function grid(lo: readonly number[], hi: readonly number[], n: number): Float64Array {
  const Z = lo.length;
  const step = lo.map((l, d) => (hi[d] - l) / (n - 1));
  const G = n ** Z;
  const out = new Float64Array(G * Z);
  for (let g = 0; g < G; g++) {
    let rest = g;
    for (let d = Z - 1; d >= 0; d--) {
      out[g * Z + d] = lo[d] + (rest % n) * step[d];
      rest = Math.floor(rest / n);
    }
  }
  return out;
}

/** log p(x, z_g) for one observation x (row of `x` at `row`) and grid points z [G * Z]. */
function logJointOnGrid(model: Model, site: LatentSite, x: Tensor, row: number, z: Float64Array): Float64Array {
  const Z = site.dim;
  const G = z.length / Z;
  const rt = x.rt;
  const mark = rt.arena.mark();
  const obs = Tensor.empty([G, x.cols], "arena", rt);
  const xs = x.view().subarray(row * x.cols, (row + 1) * x.cols);
  const ov = obs.view();
  for (let g = 0; g < G; g++) ov.set(xs, g * x.cols);
  const zt = Tensor.empty([G, Z], "arena", rt).set(z);
  const out = model.logJoint({ [site.name]: zt }, { obs }).toFloat64Array();
  rt.arena.restore(mark);
  return out;
}

/**
 * log p(x) = log integral p(x, z) dz and E[z | x] by quadrature on a latent
 * grid (1-D or 2-D latents): a coarse grid over [-range, range]^Z locates
 * the posterior mass, a fine regular grid over that box gives
 *   log p(x) ~ log sum_g p(x, z_g) + log(cell volume),  E[z | x] ~ sum_g z_g w_g / sum_g w_g.
 * The integrand is smooth and negligible at the box edges, so the regular-grid
 * sum converges quickly once the cell is finer than the posterior's width.
 */
export function posteriorQuadrature(modelIn: Model | ProbModel, data: DataInput, options: QuadratureOptions = {}): PosteriorQuadrature {
  const model = asEngineModel(modelIn);
  const site = quadratureSite(model);
  const Z = site.dim;
  const { range = Z === 1 ? 6 : 5, coarse = Z === 1 ? 241 : 51, fine = Z === 1 ? 801 : 101, threshold = 30 } = options;
  if (!(range > 0) || !Number.isFinite(range)) throw new DomainError("range", "a finite number > 0", String(range));
  assertInteger("coarse", coarse, 3);
  assertInteger("fine", fine, 3);
  if (!(threshold > 0)) throw new DomainError("threshold", "a number > 0", String(threshold));
  const full = { lo: Array(Z).fill(-range), hi: Array(Z).fill(range) };
  const coarseGrid = grid(full.lo, full.hi, coarse);
  const h = (2 * range) / (coarse - 1);
  return withData("x", data, model.obsDim, (x) => {
    const N = x.rows;
    const perPoint = new Float64Array(N);
    const posteriorMean: number[][] = [];
    for (let i = 0; i < N; i++) {
      const lc = logJointOnGrid(model, site, x, i, coarseGrid);
      const max = lc.reduce((m, v) => Math.max(m, v), -Infinity);
      const lo = Array(Z).fill(Infinity);
      const hi = Array(Z).fill(-Infinity);
      lc.forEach((v, g) => {
        if (v < max - threshold) return;
        for (let d = 0; d < Z; d++) {
          lo[d] = Math.min(lo[d], coarseGrid[g * Z + d] - h);
          hi[d] = Math.max(hi[d], coarseGrid[g * Z + d] + h);
        }
      });
      if (!Number.isFinite(max)) {
        perPoint[i] = max;
        posteriorMean.push(Array(Z).fill(NaN));
        continue;
      }
      const box = { lo: lo.map((l) => Math.max(l, -range)), hi: hi.map((u) => Math.min(u, range)) };
      const zf = grid(box.lo, box.hi, fine);
      const lf = logJointOnGrid(model, site, x, i, zf);
      const lse = logSumExpOf(lf);
      perPoint[i] = lse + box.lo.reduce((s, l, d) => s + Math.log((box.hi[d] - l) / (fine - 1)), 0);
      const m = Array(Z).fill(0);
      lf.forEach((v, g) => {
        const w = Math.exp(v - lse);
        for (let d = 0; d < Z; d++) m[d] += w * zf[g * Z + d];
      });
      posteriorMean.push(m);
    }
    return { perPoint, ...meanAndStderr(perPoint), posteriorMean };
  });
}

/** Test log-likelihood (1/N) sum_n log p(x_n) by latent-grid quadrature (see posteriorQuadrature). */
export function quadratureLogLikelihood(model: Model | ProbModel, data: DataInput, options: QuadratureOptions = {}): PerPoint {
  const { perPoint, mean, stderr } = posteriorQuadrature(model, data, options);
  return { perPoint, mean, stderr };
}

/**
 * IWAE estimate of log p(x) per datapoint (Burda et al. 2016), no gradient:
 * log (1/K) sum_k p(x, z_k) / q(z_k | x), z_k ~ q(. | x), K = 500 by default;
 * a stochastic lower bound that tightens as K grows. Points go in chunks of ~maxRows draws.
 */
export function importanceLogLikelihood(
  modelIn: Model | ProbModel,
  q: Proposal,
  data: DataInput,
  rng: Rng,
  { K = 500, maxRows = 20_000 }: { K?: number; maxRows?: number } = {},
): PerPoint {
  assertInteger("K", K, 1);
  assertInteger("maxRows", maxRows, 1);
  const model = asEngineModel(modelIn);
  return withData("x", data, model.obsDim, (x) => {
    const N = x.rows;
    const D = x.cols;
    const chunk = Math.max(1, Math.floor(maxRows / K));
    const perPoint = new Float64Array(N);
    const arena = x.rt.arena;
    for (let start = 0; start < N; start += chunk) {
      const b = Math.min(chunk, N - start);
      const obs = new Tensor(x.rt, x.ptr + start * D * 8, [b, D], "persistent");
      const mark = arena.mark();
      perPoint.set(logMeanExp(drawParticles(model, q, { obs }, K, rng).logWeights).toFloat64Array(), start);
      arena.restore(mark);
    }
    return { perPoint, ...meanAndStderr(perPoint) };
  });
}

/** Monte Carlo estimate of E_q[z | x] per row of x from `samples` draws of any proposal (e.g. MAPA). */
export function proposalMeans(q: Proposal, latentName: string, data: DataInput, obsDim: number, rng: Rng, samples = 200): number[][] {
  assertInteger("samples", samples, 1);
  return withData("x", data, obsDim, (x) => {
    const out: number[][] = [];
    const chunk = Math.max(1, Math.floor(20_000 / samples));
    const arena = x.rt.arena;
    for (let start = 0; start < x.rows; start += chunk) {
      const b = Math.min(chunk, x.rows - start);
      const obs = new Tensor(x.rt, x.ptr + start * x.cols * 8, [b, x.cols], "persistent");
      const mark = arena.mark();
      const z = sampleParticles(q, { obs }, samples, rng).draw.values[latentName];
      if (!(z instanceof Tensor)) throw new DomainError("latentName", "the name of a continuous latent of q's draws", latentName);
      const rows = z.toRows();
      arena.restore(mark);
      for (let i = 0; i < b; i++) {
        const m = rows[0].map(() => 0);
        for (let k = 0; k < samples; k++) rows[i * samples + k].forEach((v, d) => (m[d] += v / samples));
        out.push(m);
      }
    }
    return out;
  });
}

/**
 * Agreement of approximate posterior means with the true ones over data:
 * Pearson correlation per latent dim, RMSE = sqrt(mean_{n,d} (m_q - m_true)^2),
 * and rmseAligned = min over orthogonal R of the RMSE of m_q R (1-D: sign
 * flip; 2-D: rotation or reflection, closed form). A latent is identified only
 * up to the symmetries of the N(0, I) prior, so a reflected code gives
 * correlation -1 and a large RMSE but a small rmseAligned (NaN for Z > 2).
 */
export function posteriorMeanAgreement(
  qMeans: readonly (readonly number[])[],
  trueMeans: readonly (readonly number[])[],
): { correlation: number[]; rmse: number; rmseAligned: number } {
  if (qMeans.length !== trueMeans.length || qMeans.length < 2) {
    throw new ShapeError("qMeans", `${trueMeans.length} rows (one per true mean, at least 2)`, `${qMeans.length} rows`);
  }
  const Z = trueMeans[0].length;
  if (qMeans.some((r) => r.length !== Z)) throw new ShapeError("qMeans", `rows of length ${Z}`, "rows of another length");
  const n = qMeans.length;
  let se = 0;
  const correlation = Array.from({ length: Z }, (_, d) => {
    const a = qMeans.map((r) => r[d]);
    const b = trueMeans.map((r) => r[d]);
    const ma = a.reduce((s, v) => s + v, 0) / n;
    const mb = b.reduce((s, v) => s + v, 0) / n;
    let sab = 0;
    let saa = 0;
    let sbb = 0;
    for (let i = 0; i < n; i++) {
      sab += (a[i] - ma) * (b[i] - mb);
      saa += (a[i] - ma) ** 2;
      sbb += (b[i] - mb) ** 2;
      se += (a[i] - b[i]) ** 2;
    }
    return sab / Math.sqrt(saa * sbb);
  });
  return { correlation, rmse: Math.sqrt(se / (n * Z)), rmseAligned: alignedRmse(qMeans, trueMeans) };
}

/** min over orthogonal R of RMSE(Q R, T) for Z <= 2: ||Q||^2 + ||T||^2 - 2 max_R tr(R^T Q^T T). */
function alignedRmse(q: readonly (readonly number[])[], t: readonly (readonly number[])[]): number {
  const Z = t[0].length;
  if (Z > 2) return NaN;
  const M = [0, 0, 0, 0];
  let norms = 0;
  q.forEach((r, i) => {
    for (let a = 0; a < Z; a++) {
      norms += r[a] ** 2 + t[i][a] ** 2;
      for (let b = 0; b < Z; b++) M[a * 2 + b] += r[a] * t[i][b];
    }
  });
  const best =
    Z === 1
      ? Math.abs(M[0])
      : Math.max(Math.hypot(M[0] + M[3], M[2] - M[1]), Math.hypot(M[0] - M[3], M[1] + M[2]));
  return Math.sqrt(Math.max(0, norms - 2 * best) / (q.length * Z));
}

/**
 * KL(p_true || p_theta) estimated on a test set drawn from p_true:
 * (1/N) sum_n [log p_true(x_n) - log p_theta(x_n)], both marginals by latent-grid
 * quadrature (a Monte Carlo estimate over x, exact-by-quadrature over z).
 */
export function klFromTruth(trueModel: Model | ProbModel, model: Model | ProbModel, test: DataInput, options: QuadratureOptions = {}): PerPoint & { method: string } {
  const lt = quadratureLogLikelihood(trueModel, test, options).perPoint;
  const lm = quadratureLogLikelihood(model, test, options).perPoint;
  const perPoint = lt.map((v, i) => v - lm[i]);
  return {
    perPoint,
    ...meanAndStderr(perPoint),
    method: "test-set Monte Carlo over x ~ p_true of log p_true(x) - log p_theta(x), both by latent-grid quadrature",
  };
}

/**
 * The prior-only baseline: a decoder that ignores z, p(x | z) = N(x; m, diag(v))
 * with m, v the training mean and variance (the maximum-likelihood choice, i.e.
 * the best a fully collapsed VAE can do); returns its test log-likelihood.
 */
export function priorOnlyBaseline(train: readonly (readonly number[])[], test: readonly (readonly number[])[]): PerPoint & { location: number[]; variance: number[] } {
  if (!train.length) throw new DomainError("train", "a non-empty data set", "an empty data set");
  if (!test.length) throw new DomainError("test", "a non-empty data set", "an empty data set");
  const D = train[0].length;
  const m = Array.from({ length: D }, (_, d) => train.reduce((s, r) => s + r[d], 0) / train.length);
  const v = columnVariances(train as number[][]);
  const perPoint = Float64Array.from(test, (r) =>
    r.reduce((s, xd, d) => s - 0.5 * Math.log(2 * Math.PI * v[d]) - (xd - m[d]) ** 2 / (2 * v[d]), 0),
  );
  return { perPoint, ...meanAndStderr(perPoint), location: m, variance: v };
}
