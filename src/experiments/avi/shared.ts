// The common recipe of the avi-* studies (Margossian & Blei): fit several
// variational families (F-VI, Const, A-VI variants) on the same model and
// data over seeds, then compare final -ELBOs, amortization gaps and
// iterations to convergence, and draw the shared figures.
import { noGrad } from "../../autodiff/tape.js";
import { Rng } from "../../core/rng.js";
import { runtime } from "../../core/runtime.js";
import { amortizationGap, convergenceIterations, evaluateNegElbo, finalValue } from "../../diagnostics/amortization.js";
import type { Dataset } from "../../infer/families/dataset.js";
import { makeFamily, type Family, type FamilyOptions } from "../../infer/families/family.js";
import { AutoGuide, autoGuide, type AutoGuideOptions } from "../../infer/families/auto-guide.js";
import { DomainError } from "../../core/errors.js";
import { tidy } from "../../core/scope.js";
import { elbo } from "../../infer/objectives/elbo.js";
import { collapseWarnings } from "../../train/inference-gaps.js";
import { fit } from "../../train/fit.js";
import type { ProbModel } from "../../model/model.js";
import type { Model } from "../../models/model.js";
import { cosineDecay } from "../../optim/schedule.js";
import { boxplot, lineChart } from "../../report/plots.js";
import type { FigureSpec, RunContext } from "../types.js";

/** One method of a study: a family (hand-built by makeFamily, or an automatic guide) and its learning rate. */
export interface Method {
  name: string;
  /** The hand-built mean-field family: makeFamily(model, data, { ...family, seed }). Exactly one of family and autoGuide. */
  family?: FamilyOptions;
  /** An automatic guide: autoGuide(model, { ...autoGuide, data, seed }) (the study's data, the run's seed). */
  autoGuide?: Omit<AutoGuideOptions, "data" | "seed" | "rng">;
  lr: number;
  /** Iterations for this method (default: the study's). */
  iterations?: number;
  /** Minibatch size (default: the study's). */
  batchSize?: number;
}

export interface StudySetup {
  /** The model (written in the language, or its engine view when the data carry a covariate). */
  model: ProbModel | Model;
  /** Per-datapoint constants the study's "-ELBO without constants" drops (1/2 log 2 pi per Gaussian density, fixed log-scales). */
  negElboConstant: number;
  data: Dataset;
  iterations: number;
  /** Monte Carlo samples per step. */
  samples: number;
  /** Samples of the final -ELBO evaluation. */
  evalSamples: number;
  seeds: readonly number[];
  batchSize?: number;
  /** Iterations averaged for the final training -ELBO and for the windowed convergence criterion. */
  window: number;
  /** Inspect a fitted makeFamily family (closed-form checks) before it is freed; not called for autoGuide methods. */
  inspect?: (method: Method, seed: number, family: Family) => void;
  /** The exact -ELBO (all constants kept) of a fitted guide, for models where it is closed form (linear-Gaussian). */
  exactNegElbo?: (guide: Family | AutoGuide) => number;
}

/** What a method gave over the seeds; -ELBO values are "without constants" as in the study. */
export interface MethodRun {
  name: string;
  /** The seeds, in the order of the per-seed arrays below. */
  seeds: number[];
  /** -ELBO estimate per iteration, one trace per seed. */
  traces: Float64Array[];
  /** Mean of the last `window` training estimates, per seed. */
  finalTrain: number[];
  /** -ELBO evaluated with evalSamples draws after training, per seed. */
  finalEval: number[];
  /** Monte Carlo standard error of finalEval, per seed. */
  finalEvalSe: number[];
  /** Exact -ELBO of the final q, per seed (when the setup gives exactNegElbo). */
  exactEval?: number[];
  wallMs: number[];
  gradientEvaluations: number;
  datapointGradients: number;
  parameters: number;
  /** Per seed: what the guide-health checks found after training (a network collapsed to the Const solution, dead units, posterior collapse); [] when nothing. */
  warnings: string[][];
}

/** -ELBO without the constants the study drops (1/2 log 2 pi per Gaussian density and fixed log-scales). */
export function withoutConstants(setup: StudySetup, negElbo: number): number {
  return negElbo - setup.data.N * setup.negElboConstant;
}

/** Fits every method for every seed (progress in iterations). */
export function runMethods(setup: StudySetup, methods: readonly Method[], ctx: RunContext, label: string): MethodRun[] {
  const total = methods.reduce((s, m) => s + (m.iterations ?? setup.iterations) * setup.seeds.length, 0);
  ctx.progress.start(total, label);
  const c = setup.data.N * setup.negElboConstant;
  const runs = methods.map((method) => {
    const run: MethodRun = { name: method.name, seeds: [], traces: [], finalTrain: [], finalEval: [], finalEvalSe: [], wallMs: [], gradientEvaluations: 0, datapointGradients: 0, parameters: 0, warnings: [] };
    if (setup.exactNegElbo) run.exactEval = [];
    for (const seed of setup.seeds) {
      const family = buildGuide(setup, method, seed);
      const iterations = method.iterations ?? setup.iterations;
      let last = 0;
      // with the run's checkpoints (amortvi reproduce --resume) the fit resumes from its own; the progress tick below keeps no state that matters
      const checkpoint = ctx.checkpoints?.next(`${label} ${method.name} seed ${seed}`);
      const trace = fit({
        model: setup.model,
        guide: family,
        objective: elbo({ samples: setup.samples }),
        data: setup.data,
        iterations,
        lr: method.lr,
        rng: new Rng(seed).fork(1),
        batchSize: method.batchSize ?? setup.batchSize,
        lrSchedule: cosineDecay(iterations, 0.01),
        onDivergence: "throw",
        resume: checkpoint?.resume,
        callbacks: [
          {
            onStep: ({ step, loss }) => {
              if (step % 100 !== 0 && step !== iterations) return;
              ctx.progress.tick(step - last, { "-elbo": loss - c });
              last = step;
            },
          },
          ...(checkpoint ? [checkpoint.callback] : []),
        ],
      });
      const traceNc = trace.losses.map((v) => v - c);
      run.traces.push(traceNc);
      run.finalTrain.push(finalValue(traceNc, setup.window));
      const evaluation = evaluateNegElbo(setup.model, family, setup.data, new Rng(seed).fork(2), setup.evalSamples);
      run.finalEval.push(evaluation.total - c);
      run.finalEvalSe.push(evaluation.se);
      if (setup.exactNegElbo) run.exactEval?.push(setup.exactNegElbo(family) - c);
      run.seeds.push(seed);
      run.wallMs.push(trace.wallMs);
      run.gradientEvaluations += trace.gradientEvaluations;
      run.datapointGradients += trace.datapointGradients;
      run.parameters = family.parameterCount;
      const warnings = collapseWarnings(family, setup.data);
      run.warnings.push(warnings);
      for (const w of warnings) ctx.log(`${method.name} seed ${seed}: ${w}`);
      if (!(family instanceof AutoGuide)) setup.inspect?.(method, seed, family);
      family.dispose();
      runtime().arena.reset();
    }
    ctx.log(`${method.name}: final -ELBO ${mean(run.finalEval).toFixed(2)} (${(mean(run.wallMs) / 1000).toFixed(1)} s per seed)`);
    return run;
  });
  ctx.progress.stop();
  return runs;
}

/** The guide of one method and seed: makeFamily for `family`, autoGuide for `autoGuide`. */
function buildGuide(setup: StudySetup, method: Method, seed: number): Family | AutoGuide {
  if ((method.family === undefined) === (method.autoGuide === undefined)) {
    throw new DomainError(`method "${method.name}"`, "exactly one of family (makeFamily options) and autoGuide (autoGuide options)", method.family ? "both" : "neither");
  }
  return method.family ? makeFamily(setup.model, setup.data, { ...method.family, seed }) : autoGuide(setup.model, { ...method.autoGuide, data: setup.data, seed });
}

export function mean(v: readonly number[]): number {
  return v.reduce((s, x) => s + x, 0) / v.length;
}

export function sd(v: readonly number[]): number {
  if (v.length < 2) return 0;
  const m = mean(v);
  return Math.sqrt(v.reduce((s, x) => s + (x - m) ** 2, 0) / (v.length - 1));
}

function median(v: readonly number[]): number | null {
  if (v.length === 0) return null;
  const s = [...v].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/** One seed's outcome of a method. */
export interface SeedResult {
  seed: number;
  /** -ELBO (without constants) evaluated after training (Monte Carlo, evalSamples draws). */
  negElbo: number;
  /** Monte Carlo standard error of negElbo. */
  negElboSe: number;
  /** Mean of the last `window` training estimates. */
  negElboTrain: number;
  /** Exact -ELBO (without constants) of the final q, where closed form. */
  exactNegElbo?: number;
  wallSeconds: number;
}

/** Per-method summary against the reference method (F-VI): final -ELBO, gap, iterations to 1% / 10% / 50%. */
export interface MethodSummary {
  method: string;
  /** Mean over seeds of the evaluated (Monte Carlo) -ELBO. */
  negElbo: number;
  negElboSd: number;
  /** Monte Carlo standard error of negElbo (the seeds' evaluation errors combined: sqrt(sum se^2) / seeds). */
  negElboSe: number;
  /** Mean over seeds of the exact -ELBO, where closed form. */
  exactNegElbo?: number;
  /** Every seed's values (negElbo and negElboSd summarize perSeed[].negElbo). */
  perSeed: SeedResult[];
  /** Amortization gap: this method's final -ELBO minus the reference's (total, per datapoint, relative to |reference|). */
  gap: number;
  gapPerDatapoint: number;
  relativeGap: number;
  /** Per seed: iterations until the windowed -ELBO is within 1%, 10%, 50% of the reference's final -ELBO (null: never). */
  iterationsTo: Record<string, (number | null)[]>;
  /** Median over the seeds that reached it; null if none did. */
  medianIterationsTo: Record<string, number | null>;
  wallSecondsPerSeed: number;
  gradientEvaluations: number;
  datapointGradients: number;
  parameters: number;
}

export function summarize(runs: readonly MethodRun[], reference: string, window: number, N: number): MethodSummary[] {
  const ref = runs.find((r) => r.name === reference);
  if (!ref) throw new Error(`reference method ${reference} not among the runs`);
  const refValue = mean(ref.finalEval);
  return runs.map((r) => {
    const convergence = r.traces.map((t) => convergenceIterations(t, refValue, [0.01, 0.1, 0.5], window));
    const iterationsTo: Record<string, (number | null)[]> = {};
    const medianIterationsTo: Record<string, number | null> = {};
    for (const key of ["1%", "10%", "50%"]) {
      iterationsTo[key] = convergence.map((p) => p[key]);
      medianIterationsTo[key] = median(iterationsTo[key].filter((v): v is number => v !== null));
    }
    const value = mean(r.finalEval);
    const gap = amortizationGap(value, refValue, N);
    const perSeed = r.finalEval.map((v, k): SeedResult => ({
      seed: r.seeds[k],
      negElbo: v,
      negElboSe: r.finalEvalSe[k],
      negElboTrain: r.finalTrain[k],
      ...(r.exactEval ? { exactNegElbo: r.exactEval[k] } : {}),
      wallSeconds: r.wallMs[k] / 1000,
    }));
    return {
      method: r.name,
      negElbo: value,
      negElboSd: sd(r.finalEval),
      negElboSe: Math.sqrt(r.finalEvalSe.reduce((s, e) => s + e * e, 0)) / r.finalEvalSe.length,
      ...(r.exactEval ? { exactNegElbo: mean(r.exactEval) } : {}),
      perSeed,
      gap: gap.total,
      gapPerDatapoint: gap.perDatapoint,
      relativeGap: gap.relative,
      iterationsTo,
      medianIterationsTo,
      wallSecondsPerSeed: mean(r.wallMs) / 1000,
      gradientEvaluations: r.gradientEvaluations,
      datapointGradients: r.datapointGradients,
      parameters: r.parameters,
    };
  });
}

/** -ELBO (without constants) against iteration, log-log, mean over seeds with a min-max band. */
export function negElboFigure(runs: readonly MethodRun[], name = "neg-elbo-vs-iteration", title = "-ELBO against iteration (mean over seeds, min-max band)"): FigureSpec {
  const series = runs.map((r) => {
    const T = r.traces[0].length;
    const x = Float64Array.from({ length: T }, (_, i) => i + 1);
    const y = new Float64Array(T);
    const lower = new Float64Array(T).fill(Infinity);
    const upper = new Float64Array(T).fill(-Infinity);
    for (const t of r.traces) {
      for (let i = 0; i < T; i++) {
        y[i] += t[i] / r.traces.length;
        lower[i] = Math.min(lower[i], t[i]);
        upper[i] = Math.max(upper[i], t[i]);
      }
    }
    return r.traces.length > 1 ? { name: r.name, x, y, lower, upper } : { name: r.name, x, y };
  });
  return { name, title, spec: lineChart({ series, xLabel: "iteration", yLabel: "-ELBO (without constants)", logX: true, logY: true, maxPoints: 300, width: 420, height: 280 }) };
}

/** Boxplots over seeds of the iterations to within `key` (e.g. "1%") of F-VI's final -ELBO; methods that never got there are left out. */
export function iterationsFigure(summaries: readonly MethodSummary[], key = "1%"): FigureSpec | null {
  const groups = summaries
    .map((s) => ({ name: s.method, values: s.iterationsTo[key].filter((v): v is number => v !== null) }))
    .filter((g) => g.values.length > 0);
  if (groups.length === 0) return null;
  return {
    name: `iterations-to-${key.replace("%", "pct")}`,
    title: `Iterations until the windowed -ELBO is within ${key} of F-VI's final -ELBO (over seeds; methods that never reach it are omitted)`,
    spec: boxplot({ groups, yLabel: "iterations", logY: true }),
  };
}

/** The summary table as headline entries: "<method> -ELBO", "<method> -ELBO (exact)" where closed form, "<method> gap", "<method> iters to 1%". */
export function headlineOf(summaries: readonly MethodSummary[]): Record<string, number | string> {
  const h: Record<string, number | string> = {};
  for (const s of summaries) {
    h[`${s.method} -ELBO`] = round(s.negElbo);
    if (s.exactNegElbo !== undefined) h[`${s.method} -ELBO (exact)`] = round(s.exactNegElbo);
    if (s.method !== "F-VI") h[`${s.method} gap`] = round(s.gap);
    h[`${s.method} iters to 1%`] = s.medianIterationsTo["1%"] ?? "never";
  }
  return h;
}

export function round(v: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}

/** A note when an amortized method ends below F-VI: only possible when F-VI has not converged (A-VI's family is a subset of F-VI's). */
export function unconvergedNote(summaries: readonly MethodSummary[]): string[] {
  const below = summaries.filter((s) => s.method !== "F-VI" && s.gap < 0);
  if (below.length === 0) return [];
  return [
    `${below.map((s) => `${s.method} (${round(s.gap, 2)})`).join(", ")} ended below F-VI: the amortized family is a subset of the factorized one, so at the optima the gap is >= 0; F-VI (one free factor per datapoint, each updated from its own noisy gradient) has not fully converged within this budget. Gaps near 0 therefore mean "closed".`,
  ];
}

/**
 * q's per-datapoint means and variances and q(theta), read off a guide with one local z and one global theta on all data:
 * a makeFamily family, or a diagonal-Gaussian autoGuide (z's context row is (mean, logStd); theta's free row is "theta.context").
 */
export function meanFieldFactors(family: Family | AutoGuide, data: Dataset): { means: Float64Array; variances: Float64Array; thetaMean: number; thetaVar: number } {
  if (family instanceof AutoGuide) return autoGuideFactors(family, data);
  return noGrad(() => {
    const f = family.localFactors(data.full()).z;
    const g = family.globalFactors().theta;
    const means = f.mean.toFloat64Array();
    const variances = f.logStd.toFloat64Array().map((l) => Math.exp(2 * l));
    return { means, variances, thetaMean: g.mean.item(), thetaVar: Math.exp(2 * g.logStd.item()) };
  });
}

function autoGuideFactors(guide: AutoGuide, data: Dataset): { means: Float64Array; variances: Float64Array; thetaMean: number; thetaVar: number } {
  if (guide.family.name !== "diagonal Gaussian") throw new DomainError("guide.family", "a diagonal Gaussian autoGuide (mean-field factors)", guide.family.name);
  const rows = noGrad(() => tidy(() => guide.contexts(data.full()).toRows()));
  if (rows[0].length !== 2) throw new DomainError("guide", "one real local site z (context (mean, logStd))", `${rows[0].length} context values`);
  const theta = guide.globalStore?.has("theta.context") ? guide.globalStore.get("theta.context").toArray() : null;
  if (!theta) throw new DomainError("guide", "a global site theta", "none");
  return {
    means: Float64Array.from(rows, (r) => r[0]),
    variances: Float64Array.from(rows, (r) => Math.exp(2 * r[1])),
    thetaMean: theta[0],
    thetaVar: Math.exp(2 * theta[1]),
  };
}
