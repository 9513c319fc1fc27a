import type { AutoGuide } from "../../infer/families/auto-guide.js";
import { noGrad } from "../../autodiff/tape.js";
import { softmax } from "../../autodiff/ops/reduce.js";
import { tidy } from "../../core/scope.js";
import { Tensor } from "../../core/tensor.js";
import type { Dataset } from "../../infer/families/dataset.js";
import { DomainError, ShapeError } from "../../core/errors.js";
import { asEngineModel } from "../../model/engine-model.js";
import type { Rng } from "../../core/rng.js";
import type { Schedule } from "../../optim/schedule.js";
import type { ProbModel } from "../../model/model.js";
import type { Guide } from "../../models/guide.js";
import { elbo } from "../../infer/objectives/elbo.js";
import { forwardKL } from "../../infer/objectives/forward-kl.js";
import { fit, type FitCallback, type FitStepInfo } from "../../train/fit.js";
import type { ProgressReporter, RunCheckpoints } from "../types.js";
import { logNormalDensity, type NormalMixture1D } from "./models/normal-mixture-1d.js";

/** Which objective trains the guide: reverse KL (qp, ELBO), forward KL (pq), or qp with the discrete site summed out. */
export type NoteLoss = "qp" | "pq" | "qp-enum";

export interface TrainGuideOptions {
  model: ProbModel;
  guide: Guide;
  loss: NoteLoss;
  iterations: number;
  batchSize: number;
  lr: number;
  schedule?: Schedule;
  rng: Rng;
  progress?: ProgressReporter;
  /** Progress label. Default: the loss name. */
  label?: string;
  /** Called after every update with the iteration (1-based) and the loss value (not with checkpoints: its state would be lost on resume). */
  onStep?: (iteration: number, loss: number) => void;
  /** More callbacks of the fit (with checkpoints, each keeps its state through getState / setState). */
  callbacks?: readonly FitCallback[];
  /** The run's checkpoints: the fit resumes from its own and is checkpointed (RunContext.checkpoints). */
  checkpoints?: RunCheckpoints;
  /**
   * Observed data (rows of y, the model's obsDim columns): the qp losses then average over
   * minibatches of min(batchSize, N) rows of it (epochs of random permutations) instead of
   * fresh draws y ~ p(y). pq needs joint draws (x, y) and ignores it.
   */
  observations?: Dataset;
}

/**
 * Trains `guide` with Adam (Kingma & Ba 2015) through fit: qp minimizes E_y E_q[log q(x|y) - log p(x, y)]
 * (reverse KL; y ~ p(y) from the model run forward, latents discarded, or minibatches of `observations`),
 * pq minimizes E_{(x, y) ~ p}[-log q(x|y)] (forward KL on fresh joint draws). Returns the
 * mean loss over the last 10% of iterations.
 */
export function trainGuide(opts: TrainGuideOptions): number {
  const { model, guide, loss, iterations, batchSize, rng, progress } = opts;
  const observed = loss === "pq" ? undefined : opts.observations;
  const obsDim = asEngineModel(model).obsDim;
  if (observed && observed.D !== obsDim) throw new ShapeError("observations", `${obsDim} column(s) per row (model "${model.name}")`, `${observed.D} columns`);
  if (opts.checkpoints && opts.onStep) throw new DomainError("onStep", "a stateful callback (callbacks) when the fit is checkpointed", "an onStep function");
  const label = opts.label ?? loss;
  const checkpoint = opts.checkpoints?.next(label);
  const result = fit({
    model,
    guide,
    objective: loss === "pq" ? forwardKL() : elbo({ scale: "datapoint", enumerate: loss === "qp-enum" }),
    // qp on the user's observations (minibatches of min(batchSize, N) rows), else on simulations
    ...(observed ? { data: observed, batchSize: Math.min(batchSize, observed.N) } : { batchSize }),
    iterations,
    lr: opts.lr,
    lrSchedule: opts.schedule,
    rng,
    progress,
    label,
    onDivergence: "throw",
    resume: checkpoint?.resume,
    callbacks: [
      ...(opts.onStep ? [{ onStep: ({ step, loss: value }: FitStepInfo) => void opts.onStep!(step, value) }] : []),
      ...(opts.callbacks ?? []),
      ...(checkpoint ? [checkpoint.callback] : []),
    ],
  });
  const tail = Math.max(1, Math.floor(iterations / 10));
  return result.losses.subarray(iterations - tail).reduce((a, b) => a + b, 0) / tail;
}

/** Total variation distance 0.5 sum_k |p_k - q_k|. */
export function totalVariation(p: readonly number[], q: readonly number[]): number {
  return 0.5 * p.reduce((s, pk, k) => s + Math.abs(pk - q[k]), 0);
}

/** Rounds to `digits` significant digits (for headlines). */
export function round(v: number, digits = 4): number {
  return Number(v.toPrecision(digits));
}

/** Grid over the bulk of a mixture and a Normal: [min - 8 sd, max + 8 sd] with n + 1 points. */
function quadratureGrid(p: NormalMixture1D, m: number, s: number, n = 4000): { xs: number[]; h: number } {
  const lo = Math.min(m - 8 * s, ...p.means.map((mu, k) => mu - 8 * p.stds[k]));
  const hi = Math.max(m + 8 * s, ...p.means.map((mu, k) => mu + 8 * p.stds[k]));
  const h = (hi - lo) / n;
  return { xs: Array.from({ length: n + 1 }, (_, i) => lo + i * h), h };
}

/** KL(q || p) and KL(p || q) between q = N(m, s^2) and a mixture p, by the trapezoid rule on n + 1 grid points. */
export function klNormalMixture(m: number, s: number, p: NormalMixture1D, n = 4000): { qp: number; pq: number } {
  const { xs, h } = quadratureGrid(p, m, s, n);
  let qp = 0;
  let pq = 0;
  xs.forEach((x, i) => {
    const lq = logNormalDensity(x, m, s);
    const lp = p.logDensity(x);
    const w = i === 0 || i === xs.length - 1 ? h / 2 : h;
    if (lq > -700) qp += w * Math.exp(lq) * (lq - lp);
    if (lp > -700) pq += w * Math.exp(lp) * (lp - lq);
  });
  return { qp, pq };
}

/**
 * The Normal N(m, s^2) minimizing KL(q || p) (the qp loss's optimum for one y):
 * Nelder-Mead over (m, log s) from each component of p; the best local optimum.
 */
export function reverseKlNormalFit(p: NormalMixture1D): { mean: number; std: number; kl: number } {
  let best = { mean: p.mean, std: p.std, kl: Infinity };
  p.means.forEach((mu, k) => {
    const f = ([m, ls]: number[]) => klNormalMixture(m, Math.exp(ls), p, 600).qp;
    const [m, ls] = nelderMead(f, [mu, Math.log(p.stds[k])], 0.3);
    const kl = klNormalMixture(m, Math.exp(ls), p).qp;
    if (kl < best.kl) best = { mean: m, std: Math.exp(ls), kl };
  });
  return best;
}

/** Minimizes f over R^d by the Nelder-Mead simplex method (standard coefficients) from x0 with initial step `step`. */
export function nelderMead(f: (x: number[]) => number, x0: number[], step: number, iterations = 200, tol = 1e-10): number[] {
  const d = x0.length;
  let simplex = [x0, ...x0.map((_, i) => x0.map((v, j) => (i === j ? v + step : v)))].map((x) => ({ x, f: f(x) }));
  const combine = (a: number[], b: number[], t: number) => a.map((v, i) => v + t * (b[i] - v));
  for (let it = 0; it < iterations; it++) {
    simplex.sort((a, b) => a.f - b.f);
    if (Math.abs(simplex[d].f - simplex[0].f) < tol) break;
    const centroid = x0.map((_, i) => simplex.slice(0, d).reduce((s, p) => s + p.x[i], 0) / d);
    const worst = simplex[d];
    const reflect = combine(centroid, worst.x, -1);
    const fr = f(reflect);
    if (fr < simplex[0].f) {
      const expand = combine(centroid, worst.x, -2);
      const fe = f(expand);
      simplex[d] = fe < fr ? { x: expand, f: fe } : { x: reflect, f: fr };
    } else if (fr < simplex[d - 1].f) {
      simplex[d] = { x: reflect, f: fr };
    } else {
      const contract = combine(centroid, worst.x, 0.5);
      const fc = f(contract);
      if (fc < worst.f) simplex[d] = { x: contract, f: fc };
      else simplex = simplex.map((p, i) => (i === 0 ? p : { x: combine(simplex[0].x, p.x, 0.5), f: f(combine(simplex[0].x, p.x, 0.5)) }));
    }
  }
  simplex.sort((a, b) => a.f - b.f);
  return simplex[0].x;
}

/**
 * q(s = k | y) of an AutoGuide's first categorical site at scalar
 * observations: softmax of its logits (no gradient, nothing kept).
 */
export function autoGuideCategorical(guide: AutoGuide, ys: readonly number[]): number[][] {
  return noGrad(() => tidy(() => softmax(guide.enumerationSite({ obs: Tensor.from(ys, [ys.length, 1]) }).logits).toRows()));
}
