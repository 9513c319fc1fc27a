// Diagnostics of the amortization study (Margossian & Blei, "Amortized
// variational inference: when and why?"): the amortization gap between an
// amortized family and the factorized optimum, KL to an exact Gaussian
// posterior, and iterations to convergence.
import { sub } from "../autodiff/ops/binary.js";
import { sumRows } from "../autodiff/ops/reduce.js";
import { noGrad } from "../autodiff/tape.js";
import { DomainError, ShapeError, assertInteger } from "../core/errors.js";
import { runtime } from "../core/runtime.js";
import { cholesky, solveLower } from "../core/dense-matrix.js";
import type { Rng } from "../core/rng.js";
import { asEngineModel } from "../model/engine-model.js";
import type { ProbModel } from "../model/model.js";
import type { Model } from "../models/model.js";
import type { Dataset } from "../infer/families/dataset.js";
import type { Proposal } from "../models/guide.js";

/** Mean of the last `window` values of a trace (the study's "final -ELBO"). */
export function finalValue(trace: ArrayLike<number>, window = 100): number {
  if (trace.length === 0) throw new ShapeError("trace", "at least one value", "an empty trace");
  assertInteger("window", window, 1);
  const w = Math.min(window, trace.length);
  let s = 0;
  for (let i = trace.length - w; i < trace.length; i++) s += trace[i];
  return s / w;
}

/** Windowed running mean m_t = mean(trace[t-w+1..t]) (shorter at the start). */
export function windowedMean(trace: ArrayLike<number>, window: number): Float64Array {
  assertInteger("window", window, 1);
  const out = new Float64Array(trace.length);
  let s = 0;
  for (let t = 0; t < trace.length; t++) {
    s += trace[t];
    if (t >= window) s -= trace[t - window];
    out[t] = s / Math.min(t + 1, window);
  }
  return out;
}

/**
 * Iterations until the windowed -ELBO first lies within `fraction` of a
 * reference value: first t (1-based) with m_t - ref <= fraction |ref|; null if never.
 */
export function iterationsToWithin(trace: ArrayLike<number>, reference: number, fraction: number, window = 50): number | null {
  if (!Number.isFinite(reference)) throw new DomainError("reference", "a finite -ELBO", String(reference));
  if (!(fraction >= 0)) throw new DomainError("fraction", "a number >= 0", String(fraction));
  const m = windowedMean(trace, window);
  for (let t = 0; t < m.length; t++) if (m[t] - reference <= fraction * Math.abs(reference)) return t + 1;
  return null;
}

/** iterationsToWithin for several fractions (default 1%, 10%, 50%), keyed "1%", "10%", "50%". */
export function convergenceIterations(
  trace: ArrayLike<number>,
  reference: number,
  fractions: readonly number[] = [0.01, 0.1, 0.5],
  window = 50,
): Record<string, number | null> {
  const out: Record<string, number | null> = {};
  for (const f of fractions) out[`${+(f * 100).toPrecision(6)}%`] = iterationsToWithin(trace, reference, f, window);
  return out;
}

/** Per-datapoint and total -ELBO of a fitted family. */
export interface NegElboEvaluation {
  /** -ELBO of the whole data set: sum of perDatapoint plus the global term. */
  total: number;
  /** E_q[log q(z_n | x_n) - log p(x_n, z_n | theta)], one per datapoint (M-sample average). */
  perDatapoint: Float64Array;
  /** E_q[log q(theta) - log p(theta)]. */
  global: number;
  /** Monte Carlo standard error of `total`: sd of the M per-draw totals / sqrt(M) (0 when M = 1). */
  se: number;
}

/** Monte Carlo -ELBO of `family` (any guide: makeFamily, autoGuide) on all of `data` with M samples, per datapoint, with its standard error (no gradients; evaluation only). */
export function evaluateNegElbo(modelIn: Model | ProbModel, family: Proposal, data: Dataset, rng: Rng, samples = 100): NegElboEvaluation {
  assertInteger("samples", samples, 1);
  const model = asEngineModel(modelIn);
  const rt = runtime();
  return noGrad(() => {
    const batch = data.full();
    const per = new Float64Array(data.N);
    let global = 0;
    // sum and sum of squares of the per-draw totals, for the standard error
    let s1 = 0;
    let s2 = 0;
    for (let m = 0; m < samples; m++) {
      const mark = rt.arena.mark();
      const draw = family.sample(batch, rng);
      const local = sub(draw.logQ, model.logJoint(draw.values, batch)).view();
      let drawTotal = 0;
      for (let n = 0; n < data.N; n++) {
        per[n] += local[n] / samples;
        drawTotal += local[n];
      }
      const qGlobal = draw.logQGlobal ? draw.logQGlobal.item() : 0;
      const pGlobal = model.logPriorGlobal ? sumRows(model.logPriorGlobal(draw.values)).item() : 0;
      if (draw.logQGlobal) global += qGlobal / samples;
      if (model.logPriorGlobal) global -= pGlobal / samples;
      drawTotal += qGlobal - pGlobal;
      s1 += drawTotal;
      s2 += drawTotal * drawTotal;
      rt.arena.restore(mark);
    }
    let total = global;
    for (let n = 0; n < data.N; n++) total += per[n];
    const variance = samples > 1 ? Math.max(0, (s2 - (s1 * s1) / samples) / (samples - 1)) : 0;
    return { total, perDatapoint: per, global, se: Math.sqrt(variance / samples) };
  });
}

/** The amortization gap: -ELBO(A-VI) - -ELBO(F-VI), total, per datapoint, and relative to |-ELBO(F-VI)|. */
export interface AmortizationGap {
  total: number;
  perDatapoint: number;
  relative: number;
  /** Standard error of `total` (both evaluations' errors combined) when both were evaluations; NaN otherwise. */
  se: number;
  /**
   * Read before the number: a gap below zero by more than two standard
   * errors means the factorized (F-VI) fit is not at its optimum (an
   * amortized family is a subset of the factorized one, so at the optima the gap is >= 0).
   */
  warnings: string[];
  /** Per-datapoint differences when per-datapoint evaluations were given. */
  byDatapoint?: Float64Array;
}

/** gap = L_A - L_F with L = -ELBO (>= 0 at the optima, since the amortized family is a subset of the factorized one). */
type Evaluation = Omit<NegElboEvaluation, "se"> & { se?: number };
export function amortizationGap(amortized: number | Evaluation, factorized: number | Evaluation, N?: number): AmortizationGap {
  const a = typeof amortized === "number" ? amortized : amortized.total;
  const f = typeof factorized === "number" ? factorized : factorized.total;
  const perA = typeof amortized === "number" ? null : amortized.perDatapoint;
  const perF = typeof factorized === "number" ? null : factorized.perDatapoint;
  const n = N ?? perA?.length ?? perF?.length;
  if (n === undefined) throw new DomainError("N", "the data set size (needed for the per-datapoint gap of plain numbers)", "undefined");
  assertInteger("N", n, 1);
  const se = typeof amortized === "number" || typeof factorized === "number" ? NaN : Math.hypot(amortized.se ?? 0, factorized.se ?? 0);
  const warnings: string[] = [];
  if (a - f < -2 * (Number.isNaN(se) ? 0 : se)) {
    warnings.push(
      `the gap is negative (${(a - f).toFixed(3)} nats${Number.isNaN(se) ? "" : `, standard error ${se.toFixed(3)}`}): the factorized fit is worse than the amortized one, so it has not converged. ` +
        "Train it longer, or let fit run to convergence (omit iterations: the learning rate then halves at each plateau and training stops when the loss no longer improves).",
    );
  }
  const out: AmortizationGap = { total: a - f, perDatapoint: (a - f) / n, relative: (a - f) / Math.abs(f), se, warnings };
  if (perA && perF) {
    if (perA.length !== perF.length) throw new ShapeError("factorized.perDatapoint", `${perA.length} values`, `${perF.length} values`);
    out.byDatapoint = perA.map((v, i) => v - perF[i]);
  }
  return out;
}

/** A full-covariance Gaussian given by its mean and either its covariance or its precision (dense, row-major k x k). */
export type FullGaussian =
  | { mean: ArrayLike<number>; covariance: ArrayLike<number> | readonly (readonly number[])[] }
  | { mean: ArrayLike<number>; precision: ArrayLike<number> | readonly (readonly number[])[] };

/**
 * KL(N(m_q, diag(v_q)) || N(m_p, S_p)) = 1/2 [tr(S_p^-1 diag v_q) + (m_p - m_q)^T S_p^-1 (m_p - m_q) - k + log det S_p - sum log v_q]
 * for a mean-field q and a full Gaussian p (covariance or precision). Dense Cholesky: O(k^3), evaluation only.
 */
export function meanFieldGaussianKL(meanQ: ArrayLike<number>, varianceQ: ArrayLike<number>, p: FullGaussian): number {
  const k = meanQ.length;
  if (varianceQ.length !== k) throw new ShapeError("varianceQ", `${k} values (as meanQ)`, `${varianceQ.length} values`);
  if (p.mean.length !== k) throw new ShapeError("p.mean", `${k} values (as meanQ)`, `${p.mean.length} values`);
  for (let i = 0; i < k; i++) {
    if (!(varianceQ[i] > 0) || !Number.isFinite(varianceQ[i])) throw new DomainError("varianceQ", "finite values > 0", `${varianceQ[i]} at index ${i}`);
  }
  const usePrecision = "precision" in p;
  const argument = usePrecision ? "p.precision" : "p.covariance";
  const L = cholesky(flatMatrix(usePrecision ? p.precision : p.covariance, k, argument), k, argument);
  const logDetL = 2 * Array.from({ length: k }, (_, i) => Math.log(L[i * k + i])).reduce((s, v) => s + v, 0);
  const diff = Float64Array.from({ length: k }, (_, i) => p.mean[i] - meanQ[i]);
  let sumLogVq = 0;
  for (let i = 0; i < k; i++) sumLogVq += Math.log(varianceQ[i]);
  let trace = 0;
  let quad = 0;
  if (usePrecision) {
    // Lambda = L L^T: tr(Lambda V) = sum_i Lambda_ii v_i, d^T Lambda d = |L^T d|^2, log det S = -log det Lambda
    for (let i = 0; i < k; i++) {
      let lii = 0;
      for (let j = 0; j <= i; j++) lii += L[i * k + j] ** 2;
      trace += lii * varianceQ[i];
    }
    for (let j = 0; j < k; j++) {
      let s = 0;
      for (let i = j; i < k; i++) s += L[i * k + j] * diff[i];
      quad += s * s;
    }
    return 0.5 * (trace + quad - k - logDetL - sumLogVq);
  }
  // S = L L^T: tr(S^-1 V) = sum_i v_i |L^-1 e_i|^2, d^T S^-1 d = |L^-1 d|^2
  const solve = (b: Float64Array) => solveLower(L, b, k);
  const y = solve(diff);
  for (let i = 0; i < k; i++) quad += y[i] * y[i];
  for (let i = 0; i < k; i++) {
    const e = new Float64Array(k);
    e[i] = 1;
    const w = solve(e);
    let s = 0;
    for (let j = i; j < k; j++) s += w[j] * w[j];
    trace += varianceQ[i] * s;
  }
  return 0.5 * (trace + quad - k + logDetL - sumLogVq);
}

/** A k x k matrix given flat (row-major) or as rows, flattened; ShapeError naming the argument otherwise. */
function flatMatrix(a: ArrayLike<number> | readonly (readonly number[])[], k: number, argument: string): Float64Array {
  const nested = a.length > 0 && Array.isArray((a as unknown[])[0]);
  const flat = nested ? Float64Array.from((a as readonly (readonly number[])[]).flat()) : Float64Array.from(a as ArrayLike<number>);
  if (flat.length !== k * k) throw new ShapeError(argument, `a ${k} x ${k} matrix`, `${flat.length} values`);
  return flat;
}
