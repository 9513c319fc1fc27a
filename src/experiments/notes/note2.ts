import { DomainError } from "../../core/errors.js";
import { tableColumn } from "../../data/table.js";
import { resolveSettings } from "../settings.js";
import type { DataSpec, SettingSpec } from "../types.js";
import { Rng } from "../../core/rng.js";
import { cosineDecay } from "../../optim/schedule.js";
import { makeFamily, type Family } from "../../infer/families/family.js";
import { mlpNet } from "../../infer/families/nets.js";
import type { ProbModel } from "../../model/model.js";
import { MixturePrior, mixturePriorModel } from "./models/mixture-prior.js";
import { linspace, NormalMixture1D } from "./models/normal-mixture-1d.js";
import { normalMoments } from "./guide-readout.js";
import { densityGrid, lineChart, type DensityPanel, type Series } from "../../report/plots.js";
import { registerExperiment } from "../registry.js";
import type { ExperimentResult, RunContext, RunOptions } from "../types.js";
import { klNormalMixture, reverseKlNormalFit, round, trainGuide } from "./shared.js";
import { gridDivergences, guideLogDensity, modeMasses, normalLogDensity, NOTE2_FAMILIES, trainFamilyGuides } from "./posterior-families.js";

/** The note's setting with the modes far enough apart for the two losses to differ. */
export const NOTE2_MODEL = { pi: [0.3, 0.7], mu: [-4, 4], sK: [1, 1], s: 1 };
export const NOTE2_TEST_YS = [-6, -4, -2, 0, 2, 4, 6];

/** Training: Adam with cosine decay on fresh batches of 100 from p(x, y); full 30000 iterations at lr 0.01, quick 5000 at lr 0.03. */
export function note2Training(opts: RunOptions): { iterations: number; batchSize: number; lr: number; hidden: number[] } {
  return opts.quick
    ? { iterations: opts.iterations ?? 5000, batchSize: 100, lr: 0.03, hidden: [16, 16] }
    : { iterations: opts.iterations ?? 30000, batchSize: 100, lr: 0.01, hidden: [16, 16] };
}

/** The mixture-prior settings note-2 and note-3 share (defaults: NOTE2_MODEL). */
export const MIXTURE_SETTING_SPECS: readonly SettingSpec[] = [
  { name: "pi", type: "numbers", min: 0, exclusiveMin: true, max: 1, default: NOTE2_MODEL.pi, description: "mixture weights pi_k of p(x) = sum_k pi_k N(mu_k, s_k^2) (summing to 1)" },
  { name: "mu", type: "numbers", default: NOTE2_MODEL.mu, description: "component means mu_k (as many as pi)" },
  { name: "sK", type: "numbers", min: 0, exclusiveMin: true, default: NOTE2_MODEL.sK, description: "component stds s_k (as many as pi)" },
  { name: "s", type: "number", min: 0, exclusiveMin: true, default: NOTE2_MODEL.s, description: "observation noise s of p(y|x) = N(x, s^2)" },
];

/** note-2 / note-3 data: at most 12 test observations y (one figure panel each). */
export const TEST_Y_DATA: DataSpec = {
  description: "test observations y, one per row: q against the exact posterior at each (one figure panel per y); training stays on draws from the model",
  columns: 1,
  maxRows: 12,
};

/** The mixture model of a run from its settings (defaults: NOTE2_MODEL). */
export function mixtureModelOptions(name: string, opts: Pick<RunOptions, "quick" | "settings">): typeof NOTE2_MODEL {
  const set = resolveSettings({ name, settings: MIXTURE_SETTING_SPECS }, opts);
  return { pi: set.numbers("pi"), mu: set.numbers("mu"), sK: set.numbers("sK"), s: set.number("s") };
}

/** Checks the mixture settings together (equal lengths, weights summing to 1) by building the prior. */
export function validateMixture(set: { numbers(n: string): number[]; number(n: string): number }): void {
  if (set.numbers("pi").length < 2) throw new DomainError("pi", "at least 2 mixture weights (the studies compare modes)", JSON.stringify(set.numbers("pi")));
  new MixturePrior({ pi: set.numbers("pi"), mu: set.numbers("mu"), sK: set.numbers("sK"), s: set.number("s") });
}

const LOSSES = ["qp", "pq"] as const;

/**
 * note-2's inference network q(x | y) = N(eta1(y), exp(eta2(y))^2): the
 * library's amortized Gaussian family with two tanh MLPs (mean and log-std),
 * hidden layers `hidden` (all of one width), initialized from `seed`.
 */
export function note2Guide(model: ProbModel, hidden: readonly number[], seed: number): Family {
  return makeFamily(model, null, { kind: "avi", net: mlpNet({ width: hidden[0], depth: hidden.length, activation: "tanh" }), seed });
}

/** First y where values change sign (linear interpolation), NaN if none. */
function crossing(ys: readonly number[], values: readonly number[]): number {
  for (let i = 1; i < ys.length; i++) {
    if (values[i - 1] <= 0 && values[i] > 0) return ys[i - 1] + ((ys[i] - ys[i - 1]) * -values[i - 1]) / (values[i] - values[i - 1]);
  }
  return NaN;
}

/** Grid of the exact posterior's support for the divergences and mode masses (step 0.01). */
const GRID = linspace(-12, 12, 2401);
/** A q covers a mode when it puts at least this fraction of the exact mass on it (modes of exact mass >= 0.05). */
const COVER_FRACTION = 0.5;
/** A q has left a mode of exact mass >= 0.1 when it puts less than this on it. */
const MISSED_MASS = 0.02;

type Readout = { name: string; family: string; loss: string; logDensity: (y: number, xs: readonly number[]) => number[] };

/**
 * The non-Gaussian families (NOTE2_FAMILIES, autoGuide) trained by both losses beside the Gaussian networks,
 * and every q against the exact posterior: TV, KL both ways and the mass on each posterior mode per test y,
 * the verdicts at y = 0, and a figure of the densities.
 */
function familyComparison(o: {
  model: ProbModel;
  mixture: MixturePrior;
  training: ReturnType<typeof note2Training>;
  root: Rng;
  testYs: readonly number[];
  normal: (loss: (typeof LOSSES)[number], y: number) => { mean: number[]; std: number[] };
  ctx: RunContext;
}): { headline: Record<string, number | string>; notes: string[]; data: Record<string, unknown>; figure: { name: string; title: string; spec: ReturnType<typeof densityGrid> } } {
  const { mixture, training, testYs } = o;
  const runs = trainFamilyGuides({
    model: o.model, families: NOTE2_FAMILIES, losses: LOSSES, root: o.root, progress: o.ctx.progress, label: "note-2",
    training: { ...training, schedule: cosineDecay(training.iterations, 0.05) },
  });
  const readouts: Readout[] = [
    ...LOSSES.map((l) => ({ name: `Gaussian (${l})`, family: "Gaussian", loss: l, logDensity: (y: number, xs: readonly number[]) => { const m = o.normal(l, y); return normalLogDensity(m.mean[0], m.std[0], xs); } })),
    ...runs.map((r) => ({ name: `${r.label} (${r.loss})`, family: r.label, loss: r.loss, logDensity: (y: number, xs: readonly number[]) => guideLogDensity(r.guide, y, xs) })),
  ];
  const at = (y: number) => {
    const p = mixture.posterior(y);
    const logP = GRID.map((x) => p.logDensity(x));
    const guides: Record<string, { tv: number; klPQ: number; klQP: number; modeMass: number[] }> = {};
    for (const r of readouts) {
      const lq = r.logDensity(y, GRID);
      guides[r.name] = { ...gridDivergences(GRID, logP, lq), modeMass: modeMasses(GRID, p, lq) };
    }
    return { y, modeMeans: p.means, modeMass: modeMasses(GRID, p, logP), guides };
  };
  const perY = testYs.map(at);
  const zero = perY.find((r) => r.y === 0) ?? at(0);
  const covers = (mass: number[]) => zero.modeMass.every((pk, k) => pk < 0.05 || mass[k] >= COVER_FRACTION * pk);
  const missed = (mass: number[]) => zero.modeMass.some((pk, k) => pk >= 0.1 && mass[k] < MISSED_MASS);
  const masses = (m: number[]) => m.map((v) => round(v, 3)).join(", ");

  const headline: Record<string, number | string> = { "mass on the modes at y=0 (exact)": masses(zero.modeMass) };
  for (const r of readouts) {
    const g = zero.guides[r.name];
    headline[`TV to exact at y=0, ${r.name}`] = round(g.tv, 3);
    headline[`mass on the modes at y=0, ${r.name}`] = masses(g.modeMass);
  }
  for (const f of NOTE2_FAMILIES) {
    for (const l of LOSSES) {
      const g = zero.guides[`${f.label} (${l})`];
      headline[`${f.label} (${l}) at y=0`] = covers(g.modeMass) ? "covers both modes" : missed(g.modeMass) ? "one mode (mode-seeking)" : "mostly one mode";
    }
  }
  const observed = readouts.map((r) => {
    const g = zero.guides[r.name];
    return `${r.name}: TV ${round(g.tv, 3)}, KL(p||q) ${round(g.klPQ, 3)}, KL(q||p) ${round(g.klQP, 3)}, mass on the modes ${masses(g.modeMass)} -> ${covers(g.modeMass) ? "covers both modes" : missed(g.modeMass) ? "one mode only" : "mostly one mode"}`;
  });
  const notes = [
    `Beyond the Gaussian network: autoGuide(model, { amortized: { width: ${training.hidden[0]}, depth: ${training.hidden.length}, activation: "tanh" }, family }) for ${NOTE2_FAMILIES.map((f) => f.label).join(", ")}, trained by the same losses, budget and schedule. x is 1-D here, where an affine flow (MAF, IAF, RealNVP) is one affine map of a Normal, i.e. Gaussian: the 2-component Gaussian mixture (a mixture density network) is the non-Gaussian family; a neural spline flow joins it in one line (posterior-families.ts) once on main. ` +
      `Expected: under pq the mixture places one component on each mode (TV near 0, mass ${masses(zero.modeMass)} on the modes at y = 0); under qp it may also find both modes or collapse onto one (reverse KL only penalizes q's mass where p has none).`,
    `Observed at y = 0 (posterior modes ${zero.modeMeans.map((m) => round(m, 3)).join(" and ")}; TV, KL and masses on a grid of step 0.01 over [-12, 12], a mode's mass = q's mass where that component explains x best): ${observed.join("; ")}. Per test y: data.families.perY; densities: the "families" figure.`,
  ];
  const xs = linspace(-10, 10, 401);
  const panels: DensityPanel[] = [];
  for (const l of LOSSES) {
    testYs.forEach((y) => {
      panels.push({
        row: l, col: `y = ${y}`, x: xs,
        curves: [{ name: "true posterior", y: mixture.posterior(y).density(xs) }, ...readouts.filter((r) => r.loss === l).map((r) => ({ name: `q ${r.family}`, y: r.logDensity(y, xs).map(Math.exp) }))],
      });
    });
  }
  const data = {
    families: NOTE2_FAMILIES.map((f) => f.label),
    finalLoss: Object.fromEntries(runs.map((r) => [`${r.label} (${r.loss})`, r.finalLoss])),
    grid: { from: GRID[0], to: GRID[GRID.length - 1], points: GRID.length },
    perY,
    atZero: zero,
  };
  for (const r of runs) r.guide.dispose();
  return {
    headline,
    notes,
    data,
    figure: { name: "families", title: `note-2: the exact posterior against q(x|y) of the Gaussian network and of autoGuide with ${NOTE2_FAMILIES.map((f) => f.label).join(", ")} (rows: loss)`, spec: densityGrid({ panels, xLabel: "x", yLabel: "density" }) },
  };
}

/** note-2: mass-covering pq vs mode-seeking qp on a two-component mixture prior. */
export async function runNote2(opts: RunOptions, ctx: RunContext): Promise<ExperimentResult> {
  const training = note2Training(opts);
  const modelOptions = mixtureModelOptions("note-2", opts);
  const model = mixturePriorModel(modelOptions);
  const mixture = new MixturePrior(modelOptions);
  const testYs = opts.data ? Array.from(tableColumn(opts.data, 0)) : NOTE2_TEST_YS;
  const root = new Rng(opts.seed);
  const guides = {} as Record<(typeof LOSSES)[number], Family>;
  const finalLoss: Record<string, number> = {};
  LOSSES.forEach((loss, i) => {
    const guide = note2Guide(model, training.hidden, root.fork(10 + i).seed);
    finalLoss[loss] = trainGuide({
      model, guide, loss, rng: root.fork(i), progress: ctx.progress, label: `note-2 ${loss}`, checkpoints: ctx.checkpoints,
      iterations: training.iterations, batchSize: training.batchSize, lr: training.lr, schedule: cosineDecay(training.iterations, 0.05),
    });
    guides[loss] = guide;
  });

  // per-test-y statistics
  const q = Object.fromEntries(LOSSES.map((l) => [l, normalMoments(guides[l], testYs)])) as Record<string, { mean: number[]; std: number[] }>;
  const perY = testYs.map((y, i) => {
    const p = mixture.posterior(y);
    const rev = reverseKlNormalFit(p);
    const row: Record<string, unknown> = {
      y,
      posteriorWeights: p.weights,
      exact: { mean: p.mean, std: p.std },
      forwardKlOptimum: { mean: p.mean, std: p.std },
      reverseKlOptimum: { mean: rev.mean, std: rev.std },
    };
    for (const l of LOSSES) {
      const kl = klNormalMixture(q[l].mean[i], q[l].std[i], p);
      row[l] = { mean: q[l].mean[i], std: q[l].std[i], klQP: kl.qp, klPQ: kl.pq };
    }
    return row;
  });

  // figure 1: prior / true posterior / q for the test y values
  const xs = linspace(-10, 10, 401);
  const prior = mixture.prior().density(xs);
  const panels: DensityPanel[] = testYs.map((y, i) => ({
    row: "x",
    col: `y = ${y}`,
    x: xs,
    curves: [
      { name: "prior", y: prior },
      { name: "true posterior", y: mixture.posterior(y).density(xs) },
      ...LOSSES.map((l) => ({ name: `q (${l})`, y: NormalMixture1D.normal(q[l].mean[i], q[l].std[i]).density(xs) })),
    ],
  }));

  // figure 2: eta1(y), eta2(y) against y, with the exact posterior's moments (pq optimum) and the reverse-KL optimum (qp optimum)
  const ys = linspace(-8, 8, opts.quick ? 33 : 81);
  const curve = Object.fromEntries(LOSSES.map((l) => [l, normalMoments(guides[l], ys)]));
  const exact = ys.map((y) => mixture.posterior(y));
  const fitYs = linspace(-8, 8, opts.quick ? 17 : 49);
  const fits = fitYs.map((y) => reverseKlNormalFit(mixture.posterior(y)));
  const series: Series[] = [];
  for (const [panel, key] of [["eta1(y): mean of q", "mean"], ["eta2(y): std of q", "std"]] as const) {
    for (const l of LOSSES) series.push({ name: `q (${l})`, panel, x: ys, y: curve[l][key] });
    series.push({ name: "pq optimum", panel, x: ys, y: exact.map((p) => p[key]) });
    series.push({ name: "qp optimum", panel, x: fitYs, y: fits.map((f) => f[key]) });
  }

  // the qualitative result at y = 0
  const i0 = testYs.indexOf(0);
  const q0 = i0 >= 0 ? { qp: { mean: [q.qp.mean[i0]], std: [q.qp.std[i0]] }, pq: { mean: [q.pq.mean[i0]], std: [q.pq.std[i0]] } } : { qp: normalMoments(guides.qp, [0]), pq: normalMoments(guides.pq, [0]) };
  const p0 = mixture.posterior(0);
  const rev0 = reverseKlNormalFit(p0);
  const [qpM, qpS, pqM, pqS] = [q0.qp.mean[0], q0.qp.std[0], q0.pq.mean[0], q0.pq.std[0]];
  const nearestMode = Math.min(...p0.means.map((m) => Math.abs(qpM - m)));
  const modeSeeking = nearestMode < 0.5 && qpS < 1.2;
  const massCovering = Math.abs(pqM - p0.mean) < 0.5 && Math.abs(pqS - p0.std) < 0.5;
  const notes = [
    `Expected at y = 0 (posterior modes ${p0.means.map((m) => round(m, 3)).join(" and ")} with weights ${p0.weights.map((w) => round(w, 3)).join(", ")}): ` +
      `pq (forward KL) covers both modes, mean ${round(p0.mean, 3)}, std ${round(p0.std, 3)}; qp (reverse KL) locks onto one mode, best fit mean ${round(rev0.mean, 3)}, std ${round(rev0.std, 3)}.`,
    `Observed at y = 0: qp mean ${round(qpM, 3)}, std ${round(qpS, 3)} (${round(nearestMode, 2)} from the nearest mode) -> mode-seeking ${modeSeeking ? "SHOWN" : "NOT shown"}; ` +
      `pq mean ${round(pqM, 3)}, std ${round(pqS, 3)} -> mass-covering ${massCovering ? "SHOWN" : "NOT shown"}; pq's std ${pqS > qpS ? "is" : "is NOT"} larger than qp's.`,
    `Network outputs (second figure; "pq optimum" = the posterior's mean and std, "qp optimum" = the best reverse-KL Normal found numerically): qp's mean jumps from one mode to the other near y = ${round(crossing(ys, curve.qp.mean), 2)} (optimum: ${round(crossing(fitYs, fits.map((f) => f.mean)), 2)}), its std peaks at ${round(Math.max(...curve.qp.std), 3)} (optimum: about ${round(Math.max(...fits.map((f) => f.std)), 3)}); pq's std peaks at ${round(Math.max(...curve.pq.std), 3)} (posterior: ${round(Math.max(...exact.map((p) => p.std)), 3)}). Away from the modes' boundary both losses agree (per-y table in results.json).`,
    opts.quick
      ? `Quick variant: ${training.iterations} iterations, batch ${training.batchSize}, Adam lr ${training.lr} with cosine decay, MLPs 1-16-16-1 (tanh).`
      : `Full run: ${training.iterations} iterations, batch ${training.batchSize}, Adam lr ${training.lr} with cosine decay to 5%, MLPs 1-16-16-1 (tanh); fresh draws from p(x, y) each iteration (our budget; the note does not state its own).`,
  ];
  const families = familyComparison({ model, mixture, training, root, testYs, normal: (l, y) => normalMoments(guides[l], [y]), ctx });
  notes.splice(3, 0, ...families.notes);
  const headline: Record<string, number | string> = {
    "qp mean at y=0": round(qpM),
    "qp std at y=0": round(qpS),
    "pq mean at y=0": round(pqM),
    "pq std at y=0": round(pqS),
    "reverse-KL optimum at y=0 (mean, std)": `${round(rev0.mean, 3)}, ${round(rev0.std, 3)}`,
    "moment-matched at y=0 (mean, std)": `${round(p0.mean, 3)}, ${round(p0.std, 3)}`,
    "mode-seeking (qp)": modeSeeking ? "shown" : "not shown",
    "mass-covering (pq)": massCovering ? "shown" : "not shown",
    ...families.headline,
  };
  return {
    headline,
    data: { model: modelOptions, testYs, training, finalLoss, perY, curves: { ys, ...curve, exact: exact.map((p) => ({ mean: p.mean, std: p.std })), fitYs, reverseKl: fits }, families: families.data },
    figures: [
      { name: "posteriors", title: "note-2: prior, true posterior and q(x|y) (qp and pq) for several test y", spec: densityGrid({ panels, xLabel: "x", yLabel: "density" }) },
      { name: "network-outputs", title: "note-2: eta1(y) (mean) and eta2(y) (std) of q(x|y) against y for both losses, with each loss's optimal Normal", spec: lineChart({ xLabel: "y", yLabel: "value", series, columns: 2, width: 320, height: 220 }) },
      families.figure,
    ],
    notes,
  };
}

registerExperiment({
  name: "note-2",
  title: "Amortized-inference note, model 2: mixture prior, mode-seeking qp vs mass-covering pq",
  description:
    "p(x) = 0.3 N(-4, 1) + 0.7 N(4, 1), p(y|x) = N(x, 1); q(x|y) = N(eta1(y), eta2(y)^2) with small tanh MLPs trained by the qp (reverse KL) and pq (forward KL) losses. Between the modes pq should cover both posterior modes and qp lock onto one (checked at y = 0).",
  settings: MIXTURE_SETTING_SPECS,
  data: TEST_Y_DATA,
  iterations: "Adam steps of each loss's training run; default 30000, quick 5000",
  validate: validateMixture,
  run: runNote2,
});
