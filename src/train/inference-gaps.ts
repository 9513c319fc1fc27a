import { DomainError, assertKnownOptions } from "../core/errors.js";
import { Rng } from "../core/rng.js";
import type { Dataset } from "../infer/families/dataset.js";
import type { AutoGuide } from "../infer/families/auto-guide.js";
import { Family } from "../infer/families/family.js";
import { noGrad } from "../autodiff/tape.js";
import { tidy } from "../core/scope.js";
import { elboStats, logLikelihoodStats, summarize, type Estimate, type PerDatapoint } from "../diagnostics/gaps.js";
import type { ProbModel } from "../model/model.js";
import type { Model } from "../models/model.js";
import { refine, type RefineResult } from "./refine.js";
import { asEngineModel } from "../model/engine-model.js";
import { quadratureLogLikelihood } from "../diagnostics/vae.js";

export interface InferenceGapsOptions {
  model: Model | ProbModel;
  /** The trained amortized guide q_phi(z | x). */
  guide: AutoGuide;
  /** The datapoints at which the gaps are measured. */
  data: Dataset;
  /**
   * log p(x_n) per datapoint: a function giving the exact values (closed
   * form); "quadrature" (latent-grid quadrature, models of one real local
   * latent of dimension 1 or 2); "importance" (importance sampling with K
   * draws of the refined guide: a lower bound in expectation, which misses
   * any posterior mode the guide does not cover). Default: "quadrature"
   * where the model allows it, else "importance".
   */
  logLikelihood?: ((data: Dataset) => Float64Array) | "quadrature" | "importance";
  /** Importance draws per datapoint of the log p(x) estimate. Default: 5000. */
  K?: number;
  /** Optimisation steps of the best per-datapoint member (the F-VI refinement). Default: 500. */
  steps?: number;
  /** Adam rate of the refinement. Default: 0.01. */
  lr?: number;
  /** Draws per step of the refinement's ELBO. Default: 4. */
  trainSamples?: number;
  /** Draws per datapoint of each ELBO estimate. Default: 200. */
  samples?: number;
  rng?: Rng | number;
}

/** The inference gap of Cremer, Li and Duvenaud (2018) split in two, nats per datapoint. */
export interface InferenceGaps {
  /** log p(x): exact or importance-sampled. */
  logLikelihood: Estimate & { method: "exact" | "quadrature" | "importance" };
  /** ELBO of the best per-datapoint member of the family, q*: the amortized guide refined per datapoint. */
  elboBest: Estimate;
  /** ELBO of the amortized guide. */
  elboAmortized: Estimate;
  /** log p(x) - ELBO(q*): the family's own limit. */
  approximationGap: Estimate;
  /** ELBO(q*) - ELBO(q_phi): what sharing one network costs. */
  amortizationGap: Estimate;
  /** Per datapoint: log p(x_n), ELBO*(x_n), ELBO_phi(x_n). */
  perDatapoint: { logLikelihood: Float64Array; elboBest: Float64Array; elboAmortized: Float64Array };
  /** The refinement's ELBO curve (steps, ELBO per datapoint) and its convergence check. */
  refinement: RefineResult["curve"];
  converged: boolean;
  /** What a reader must know: an unconverged refinement, a gap below zero beyond its error, a collapsed network. */
  warnings: string[];
}

/** a - b with independent errors. */
const diff = (a: Estimate, b: Estimate): Estimate => ({ value: a.value - b.value, se: Math.hypot(a.se, b.se) });

/**
 * The gap decomposition of Cremer, Li & Duvenaud (2018), "Inference
 * suboptimality in variational autoencoders" (ICML), for a trained model
 * and amortized guide over a set of datapoints:
 *   log p(x) - ELBO(q_phi) = [log p(x) - ELBO(q*)] + [ELBO(q*) - ELBO(q_phi)]
 *                          = approximation gap   + amortization gap,
 * q* the best member of the guide's family for each datapoint, found by
 * optimising free conditioning rows per datapoint started at the network's
 * output (the F-VI refinement, semi-amortized inference). Each term comes
 * with its Monte Carlo standard error; a gap below zero by more than two of
 * them, or a refinement still improving at its end, is reported in `warnings`.
 */
export function inferenceGaps(options: InferenceGapsOptions): InferenceGaps {
  assertKnownOptions("options", options, ["model", "guide", "data", "logLikelihood", "K", "steps", "lr", "trainSamples", "samples", "rng"]);
  const { model, guide, data, K = 5000, steps = 500, lr = 0.01, trainSamples = 4, samples = 200 } = options;
  if (!guide || typeof (guide as AutoGuide).contexts !== "function") throw new DomainError("guide", "an AutoGuide (autoGuide(model, ...))", String(guide));
  const rng = options.rng instanceof Rng ? options.rng : new Rng(options.rng ?? 0);
  const amortized = elboStats(model, guide, data, { samples, rng: rng.fork(1) });
  const refined = refine({ model, guide, data, steps, lr, samples: trainSamples, evalSamples: Math.max(20, Math.floor(samples / 4)), rng: rng.fork(2) });
  const best = elboStats(model, refined.guide, data, { samples, rng: rng.fork(3) });
  let logLik: PerDatapoint;
  let method: "exact" | "quadrature" | "importance";
  const engine = asEngineModel(model);
  const gridOk = engine.latents.length === 1 && engine.latents[0].scope === "local" && engine.latents[0].support.kind === "real" && engine.latents[0].dim <= 2;
  const how = options.logLikelihood ?? (gridOk ? "quadrature" : "importance");
  if (how === "quadrature") {
    if (!gridOk) throw new DomainError("logLikelihood", 'a model of one real local latent of dimension 1 or 2 for "quadrature"', engine.latents.map((l) => `${l.name}: ${l.scope} ${l.support.kind} dim ${l.dim}`).join("; "));
    const q = quadratureLogLikelihood(engine, data.obs);
    logLik = summarize(Float64Array.from(q.perPoint), new Float64Array(data.N));
    method = "quadrature";
  } else if (typeof how === "function") {
    const exact = how(data);
    if (!(exact instanceof Float64Array) || exact.length !== data.N) throw new DomainError("logLikelihood", `a function returning ${data.N} values (one per datapoint)`, String(exact?.length));
    logLik = summarize(exact, new Float64Array(data.N));
    method = "exact";
  } else if (how === "importance") {
    logLik = logLikelihoodStats(model, refined.guide, data, { K, rng: rng.fork(4) });
    method = "importance";
  } else throw new DomainError("logLikelihood", 'a function, "quadrature" or "importance"', String(how));
  const approximationGap = diff(logLik.mean, best.mean);
  const amortizationGap = diff(best.mean, amortized.mean);
  const warnings: string[] = [];
  if (!refined.converged) warnings.push(`the per-datapoint refinement was still improving after ${steps} steps (${refined.lastImprovement.toFixed(3)} nats per datapoint over its last half): ELBO(q*) and both gaps are not final; raise steps`);
  if (amortizationGap.value < -2 * amortizationGap.se) warnings.push(`amortization gap ${amortizationGap.value.toFixed(3)} < 0 beyond its error (${amortizationGap.se.toFixed(3)}): the per-datapoint fit is worse than the network, i.e. unconverged`);
  if (approximationGap.value < -2 * approximationGap.se) warnings.push(`approximation gap ${approximationGap.value.toFixed(3)} < 0 beyond its error: log p(x) is underestimated (raise K) or the ELBO estimate is biased`);
  warnings.push(...collapseWarnings(guide, data));
  refined.guide.dispose();
  return {
    logLikelihood: { ...logLik.mean, method },
    elboBest: best.mean,
    elboAmortized: amortized.mean,
    approximationGap,
    amortizationGap,
    perDatapoint: { logLikelihood: logLik.values, elboBest: best.values, elboAmortized: amortized.values },
    refinement: refined.curve,
    converged: refined.converged,
    warnings,
  };
}

/**
 * What can go wrong with an amortized guide, in words: a network whose
 * output no longer depends on its input (every conditioning column's
 * relative spread across the datapoints below 1e-6: collapsed to the Const
 * solution), dead ReLU units (0 for every datapoint), and latent units
 * whose posterior mean does not vary with x (activity below 0.01, Burda et
 * al. 2016: posterior collapse), with their KL per unit where known.
 */
export function collapseWarnings(guide: AutoGuide | Family, data: Dataset): string[] {
  if (guide instanceof Family) {
    if (guide.kind !== "avi") return [];
    const spread = familySpread(guide, data);
    return spread.every((s) => s < 1e-6) ? [`the inference network's output does not depend on its input (largest spread across datapoints ${Math.max(...spread).toExponential(2)}): it has collapsed to the Const solution`] : [];
  }
  if (guide.mode !== "avi") return [];
  const out: string[] = [];
  const { spread } = guide.inputSensitivity(data);
  if (spread.every((s) => s < 1e-6)) out.push(`the inference network's output does not depend on its input (largest spread across datapoints ${Math.max(...spread).toExponential(2)}): it has collapsed to the Const solution`);
  const h = guide.health(data);
  h.deadUnits.forEach((dead, l) => {
    if (dead > 0) out.push(`hidden layer ${l} of the inference network has ${dead} of ${h.hiddenUnits[l]} units dead (zero for every datapoint: no gradient reaches them)`);
  });
  const inactive = h.coordinates.filter((_, j) => h.activity[j] < 0.01);
  if (inactive.length > 0) {
    const kl = h.klPerUnit ? ` (KL per unit ${h.coordinates.map((c, j) => `${c} ${h.klPerUnit![j].toFixed(3)}`).join(", ")})` : "";
    out.push(`posterior collapse: ${inactive.join(", ")} ${inactive.length === 1 ? "is" : "are"} inactive (Cov_x E_q[u | x] < 0.01, Burda et al. 2016)${kl}`);
  }
  return out;
}

/** Per output column of a Family's inference function (means, then log-stds): sd over the datapoints / (1 + |mean|). */
function familySpread(guide: Family, data: Dataset): number[] {
  return noGrad(() =>
    tidy(() => {
      const factors = Object.values(guide.localFactors(data.full()));
      const cols = factors.flatMap((f) => [f.mean, f.logStd]).flatMap((t) => {
        const rows = t.toRows();
        return Array.from({ length: t.cols }, (_, j) => rows.map((r) => r[j]));
      });
      return cols.map((col) => {
        const m = col.reduce((a, b) => a + b, 0) / col.length;
        return Math.sqrt(col.reduce((a, b) => a + (b - m) ** 2, 0) / col.length) / (1 + Math.abs(m));
      });
    }),
  );
}
