import { tableColumn } from "../../data/table.js";
import { resolveSettings } from "../settings.js";
import type { DataSpec, SettingSpec } from "../types.js";
import { Rng } from "../../core/rng.js";
import { cosineDecay, type Schedule } from "../../optim/schedule.js";
import { makeFamily, type Family } from "../../infer/families/family.js";
import { polynomialNet } from "../../infer/families/nets.js";
import type { ProbModel } from "../../model/model.js";
import {
  gaussianGaussianModel,
  gaussianGaussianOptimum,
  gaussianGaussianPosterior,
  type GaussianGaussianOptions,
  type GaussianGaussianPosterior,
} from "./models/gaussian-gaussian.js";
import { affineCoefficients } from "./guide-readout.js";
import { lineChart, type ReferenceLine, type Series } from "../../report/plots.js";
import { registerExperiment } from "../registry.js";
import type { ExperimentResult, FigureSpec, RunContext, RunOptions } from "../types.js";
import { round, trainGuide } from "./shared.js";
import type { FitCallback } from "../../train/fit.js";

/** The reference setting of the note and a second one (any mu0, s0 > 0, s > 0 must work). */
export const NOTE1_SETTINGS: { label: string; options: Required<GaussianGaussianOptions> }[] = [
  { label: "mu0=0, s0=1, s=1", options: { mu0: 0, s0: 1, s: 1 } },
  { label: "mu0=2, s0=3, s=0.5", options: { mu0: 2, s0: 3, s: 0.5 } },
];

/** Training settings: the note's (Adam lr 1e-3, 20000 iterations, batch 1) or the quick one (batch 64, lr 0.05 with cosine decay). */
export function note1Training(opts: RunOptions): { iterations: number; batchSize: number; lr: number; schedule?: Schedule } {
  if (opts.quick) {
    const iterations = opts.iterations ?? 2000;
    return { iterations, batchSize: 64, lr: 0.05, schedule: cosineDecay(iterations, 0.01) };
  }
  return { iterations: opts.iterations ?? 20000, batchSize: 1, lr: 1e-3 };
}

/** note-1's settings: the model's mu0, s0, s (with none given, both NOTE1_SETTINGS run). */
export const NOTE1_SETTING_SPECS: readonly SettingSpec[] = [
  { name: "mu0", type: "number", default: 0, description: "prior mean mu0 of p(x) = N(mu0, s0^2)" },
  { name: "s0", type: "number", min: 0, exclusiveMin: true, default: 1, description: "prior std s0 of p(x) = N(mu0, s0^2)" },
  { name: "s", type: "number", min: 0, exclusiveMin: true, default: 1, description: "observation noise s of p(y|x) = N(x, s^2)" },
];

/** note-1's data: the test observations y at which q(x|y) is compared with the exact posterior. */
export const NOTE1_DATA: DataSpec = {
  description: "test observations y, one per row: q(x|y) is compared with the exact posterior at each (default y = -4, -2, 0, 2, 4); training stays on draws from the model",
  columns: 1,
  maxRows: 100_000,
};

/** The model settings of a run: the two reference ones, or the single one the user set (unset values from the first). */
export function note1Settings(opts: Pick<RunOptions, "quick" | "settings">): { label: string; options: Required<GaussianGaussianOptions> }[] {
  const set = resolveSettings({ name: "note-1", settings: NOTE1_SETTING_SPECS }, opts);
  if (set.given.size === 0) return NOTE1_SETTINGS;
  const options = { mu0: set.number("mu0"), s0: set.number("s0"), s: set.number("s") };
  return [{ label: `mu0=${options.mu0}, s0=${options.s0}, s=${options.s}`, options }];
}

/** The note's start a = b = c = 2. */
export const NOTE1_INIT = { a: 2, b: 2, c: 2 };

/**
 * note-1's inference network q(x | y) = N(a y + b, c^2), starting at
 * NOTE1_INIT: the library's amortized Gaussian family with a degree-1
 * polynomial mean and one shared log-std (read a, b, c with affineCoefficients).
 */
export function note1Guide(model: ProbModel, init = NOTE1_INIT): Family {
  return makeFamily(model, null, { kind: "avi", net: polynomialNet(1, { init: { coefficients: init.a, bias: init.b, logStd: Math.log(init.c) } }) });
}

const PARAMS = ["a", "b", "c"] as const;
const LOSSES = ["qp", "pq"] as const;
const TEST_YS = [-4, -2, 0, 2, 4];

interface Run {
  final: { a: number; b: number; c: number };
  /** Mean over the last 10% of iterations (the batch-1 iterates jitter around the optimum). */
  tailMean: { a: number; b: number; c: number };
  trace: { iteration: number[]; a: number[]; b: number[]; c: number[] };
  maxAbsError: number;
}

function runOne(model: ProbModel, truth: GaussianGaussianPosterior, loss: "qp" | "pq", opts: RunOptions, rng: Rng, ctx: RunContext, label: string): Run {
  const { iterations, batchSize, lr, schedule } = note1Training(opts);
  const guide = note1Guide(model);
  const every = Math.max(1, Math.floor(iterations / 1000));
  let trace: Run["trace"] = { iteration: [0], a: [NOTE1_INIT.a], b: [NOTE1_INIT.b], c: [NOTE1_INIT.c] };
  const tailStart = iterations - Math.max(1, Math.floor(iterations / 10));
  let tail = { a: 0, b: 0, c: 0, n: 0 };
  // the trace and tail sums are the callback's state: a resumed run (amortvi reproduce --resume) continues them
  const recorder: FitCallback = {
    onStep: ({ step: t }) => {
      if (t % every !== 0 && t <= tailStart) return;
      const v = affineCoefficients(guide);
      if (t > tailStart) {
        for (const p of PARAMS) tail[p] += v[p];
        tail.n++;
      }
      if (t % every === 0) {
        trace.iteration.push(t);
        for (const p of PARAMS) trace[p].push(v[p]);
      }
    },
    getState: () => structuredClone({ trace, tail }),
    setState: (state) => void ({ trace, tail } = structuredClone(state as { trace: Run["trace"]; tail: typeof tail })),
  };
  trainGuide({
    model, guide, loss, iterations, batchSize, lr, schedule, rng,
    progress: ctx.progress,
    label: `${label} ${loss}`,
    callbacks: [recorder],
    checkpoints: ctx.checkpoints,
  });
  const final = affineCoefficients(guide);
  const tailMean = { a: tail.a / tail.n, b: tail.b / tail.n, c: tail.c / tail.n };
  return { final, tailMean, trace, maxAbsError: Math.max(...PARAMS.map((p) => Math.abs(final[p] - truth[p]))) };
}

function figure(name: string, label: string, truth: { a: number; b: number; c: number }, runs: Record<string, Run>): FigureSpec {
  const series: Series[] = [];
  const references: ReferenceLine[] = [];
  for (const p of PARAMS) {
    for (const loss of LOSSES) series.push({ name: loss, panel: p, x: runs[loss].trace.iteration, y: runs[loss].trace[p] });
    references.push({ y: truth[p], label: `true ${p} = ${round(truth[p], 3)}`, panel: p });
  }
  return {
    name,
    title: `note-1 (${label}): a, b, c of q(x|y) = N(a y + b, c^2) against iteration for the qp and pq losses; dashed: exact values`,
    spec: lineChart({ xLabel: "iteration", yLabel: "value", series, references, columns: 3 }),
  };
}

/** note-1: both losses recover the exact affine posterior map of the Gaussian-Gaussian model. */
export async function runNote1(opts: RunOptions, ctx: RunContext): Promise<ExperimentResult> {
  const training = note1Training(opts);
  const headline: Record<string, number | string> = {};
  const figures: FigureSpec[] = [];
  const settings: Record<string, unknown>[] = [];
  const notes: string[] = [];
  const root = new Rng(opts.seed);
  const testYs = opts.data ? Array.from(tableColumn(opts.data, 0)) : TEST_YS;
  note1Settings(opts).forEach(({ label, options }, si) => {
    const model = gaussianGaussianModel(options);
    const truth = gaussianGaussianOptimum(options);
    const runs: Record<string, Run> = {};
    LOSSES.forEach((loss, li) => {
      runs[loss] = runOne(model, truth, loss, opts, root.fork(2 * si + li), ctx, label);
    });
    const suffix = si === 0 ? "" : ` [${label}]`;
    for (const loss of LOSSES) for (const p of PARAMS) headline[`${p} (${loss})${suffix}`] = round(runs[loss].final[p]);
    for (const p of PARAMS) headline[`true ${p}${suffix}`] = round(truth[p]);
    const perY = testYs.map((y) => {
      const exact = gaussianGaussianPosterior(options, y);
      const q = Object.fromEntries(LOSSES.map((loss) => {
        const { a, b, c } = runs[loss].final;
        return [loss, { mean: a * y + b, std: c }];
      }));
      return { y, exact: { mean: exact.mean, std: exact.std }, ...q };
    });
    settings.push({
      label, ...options, truth,
      runs: Object.fromEntries(LOSSES.map((l) => [l, { final: runs[l].final, tailMean: runs[l].tailMean, maxAbsError: runs[l].maxAbsError, trace: runs[l].trace }])),
      perY,
    });
    figures.push(figure(si === 0 ? "params-vs-iteration" : `params-vs-iteration-${si + 1}`, label, truth, runs));
    const tol = 0.05;
    const ok = LOSSES.filter((l) => runs[l].maxAbsError < tol);
    const errs = LOSSES.map((l) => `${l} max |error| ${round(runs[l].maxAbsError, 2)} (final), ${round(Math.max(...PARAMS.map((p) => Math.abs(runs[l].tailMean[p] - truth[p]))), 2)} (mean of the last 10%)`).join("; ");
    notes.push(
      `${label}: expected both losses to reach a* = ${round(truth.a, 3)}, b* = ${round(truth.b, 3)}, c* = ${round(truth.c, 3)} (the family contains the exact posterior). ` +
        (ok.length === LOSSES.length ? `Shown: ${errs}.` : `NOT shown for ${LOSSES.filter((l) => !ok.includes(l)).join(", ")} (tolerance ${tol}): ${errs}.`),
    );
  });
  notes.push(
    opts.quick
      ? `Quick variant: ${training.iterations} iterations, batch ${training.batchSize}, Adam lr ${training.lr} with cosine decay (not the note's settings).`
      : `Note's settings: Adam lr ${training.lr}, ${training.iterations} iterations, batch ${training.batchSize}, initial a = b = c = 2; with batch 1 the final iterates jitter around the optimum by about the step size.`,
  );
  return { headline, data: { training: { ...training, schedule: training.schedule ? "cosine" : "constant" }, settings }, figures, notes };
}

registerExperiment({
  name: "note-1",
  title: "Amortized-inference note, model 1: Gaussian-Gaussian, qp vs pq loss",
  description:
    "p(x) = N(mu0, s0^2), p(y|x) = N(x, s^2); inference network q(x|y) = N(a y + b, c^2) trained with the qp (reverse KL, ELBO) and pq (forward KL on joint samples) losses. Both should reach the exact a*, b*, c*. " +
    "By default it runs the note's setting (mu0 = 0, s0 = 1, s = 1) and a second one (mu0 = 2, s0 = 3, s = 0.5); with any of mu0, s0, s set, that one setting (the others at 0, 1, 1).",
  settings: NOTE1_SETTING_SPECS,
  data: NOTE1_DATA,
  iterations: "Adam steps of each (setting, loss) training run; default 20000, quick 2000",
  run: runNote1,
});
