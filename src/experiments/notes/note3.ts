import { tableColumn } from "../../data/table.js";
import { Rng } from "../../core/rng.js";
import { cosineDecay } from "../../optim/schedule.js";
import { discreteContinuousModel, discreteContinuousPosterior } from "./models/discrete-continuous.js";
import { MixturePrior } from "./models/mixture-prior.js";
import { linspace, NormalMixture1D } from "./models/normal-mixture-1d.js";
import { CategoricalNormalGuide } from "./categorical-normal-guide.js";
import { densityGrid, lineChart, type DensityPanel, type Series } from "../../report/plots.js";
import { registerExperiment } from "../registry.js";
import type { ExperimentResult, RunContext, RunOptions } from "../types.js";
import { categoricalMarginal, gaussianKde, importanceFromPrior, systematicResample } from "../../diagnostics/importance.js";
import { autoGuideCategorical, round, totalVariation, trainGuide, type NoteLoss } from "./shared.js";
import { autoGuide } from "../../infer/families/auto-guide.js";
import { MIXTURE_SETTING_SPECS, TEST_Y_DATA, mixtureModelOptions, validateMixture } from "./note2.js";

export const NOTE3_TEST_YS = [-6, -3, -1, 0, 1, 3, 6];
/** qp with z sampled (score function + running-average baseline), qp with z summed out exactly, pq. */
export const NOTE3_LOSSES: readonly NoteLoss[] = ["qp", "qp-enum", "pq"];
/** Total-variation tolerance for q(z|y) against p(z|y). */
export const NOTE3_TV_TOLERANCE = 0.05;

/**
 * Training: Adam with cosine decay on fresh draws; full 20000 iterations at lr 0.01 (batch 200 for qp, 800 for pq),
 * quick 3000 at lr 0.03 (batch 100 for qp, 400 for pq). pq learns q(z|y) from sampled labels and needs more
 * draws near y = 0, where p(y) is small; its steps are cheaper (no model evaluation).
 */
export function note3Training(opts: RunOptions): { iterations: number; batchSize: Record<string, number>; lr: number; hidden: number[] } {
  const b = opts.quick ? 100 : 200;
  return {
    iterations: opts.iterations ?? (opts.quick ? 3000 : 20000),
    batchSize: { qp: b, "qp-enum": b, pq: 4 * b },
    lr: opts.quick ? 0.03 : 0.01,
    hidden: [16, 16],
  };
}

const LABEL: Record<string, string> = { qp: "qp (sampled z)", "qp-enum": "qp (summed z)", pq: "pq" };

/** note-3: discrete z then continuous x; the family contains the exact posterior, so every loss should recover it. */
export async function runNote3(opts: RunOptions, ctx: RunContext): Promise<ExperimentResult> {
  const training = note3Training(opts);
  const modelOptions = mixtureModelOptions("note-3", opts);
  const model = discreteContinuousModel(modelOptions);
  const mixture = new MixturePrior(modelOptions);
  const exactPosterior = (y: number) => discreteContinuousPosterior(mixture, y);
  const testYs = opts.data ? Array.from(tableColumn(opts.data, 0)) : NOTE3_TEST_YS;
  const root = new Rng(opts.seed);
  const guides: Record<string, CategoricalNormalGuide> = {};
  const finalLoss: Record<string, number> = {};
  const seconds: Record<string, number> = {};
  NOTE3_LOSSES.forEach((loss, i) => {
    const guide = new CategoricalNormalGuide({ K: mixture.K, hidden: training.hidden, rng: root.fork(10 + i) });
    const t0 = performance.now();
    finalLoss[loss] = trainGuide({
      model, guide, loss, rng: root.fork(i), progress: ctx.progress, label: `note-3 ${loss}`, checkpoints: ctx.checkpoints,
      iterations: training.iterations, batchSize: training.batchSize[loss], lr: training.lr, schedule: cosineDecay(training.iterations, 0.005),
    });
    seconds[loss] = (performance.now() - t0) / 1000;
    guides[loss] = guide;
  });

  // the same losses with the automatic guide: q(z | y) q(x | y, z) built from the model's sites (dependsOn), MLPs 16-16 tanh
  const autoProbs: Record<string, number[][]> = {};
  NOTE3_LOSSES.forEach((loss, i) => {
    const guide = autoGuide(model, { dependsOn: { x: ["z"] }, amortized: { width: training.hidden[0], depth: training.hidden.length, activation: "tanh" }, rng: root.fork(40 + i) });
    const t0 = performance.now();
    trainGuide({
      model, guide, loss, rng: root.fork(30 + i), progress: ctx.progress, label: `note-3 ${loss} (autoGuide)`,
      iterations: training.iterations, batchSize: training.batchSize[loss], lr: training.lr, schedule: cosineDecay(training.iterations, 0.005),
    });
    seconds[`${loss} (autoGuide)`] = (performance.now() - t0) / 1000;
    autoProbs[loss] = autoGuideCategorical(guide, testYs);
    guide.dispose();
  });

  // the note's reference: importance sampling from the prior, resampled, KDE for x (checked against the exact posterior)
  const isSamples = opts.quick ? 2000 : 10000;
  const isRng = root.fork(100);
  const reference = testYs.map((y) => {
    const is = importanceFromPrior(model, [y], isRng, { samples: isSamples });
    const idx = systematicResample(is.weights, isSamples, isRng);
    const z = Int32Array.from(idx, (i) => (is.draws.z as Int32Array)[i]);
    const x = Float64Array.from(idx, (i) => (is.draws.x as Float64Array)[i]);
    return { ess: is.ess, z: Array.from(categoricalMarginal(z, new Float64Array(isSamples).fill(1), mixture.K)), kde: gaussianKde(x) };
  });

  const out = Object.fromEntries(NOTE3_LOSSES.map((l) => [l, guides[l].outputs(testYs)]));
  const qMarginal = (l: string, i: number) => new NormalMixture1D(out[l].probs[i], out[l].mean[i], out[l].std[i]);
  const perY = testYs.map((y, i) => {
    const p = exactPosterior(y);
    const ref = reference[i];
    const row: Record<string, unknown> = {
      y,
      exact: { z: p.z, xGivenZ: p.xGivenZ, xMean: p.x.mean, xStd: p.x.std },
      importance: { samples: isSamples, ess: ref.ess, z: ref.z, tvToExact: totalVariation(p.z, ref.z), kdeBandwidth: ref.kde.bandwidth },
    };
    for (const l of NOTE3_LOSSES) {
      const qx = qMarginal(l, i);
      row[l] = { z: out[l].probs[i], tv: totalVariation(p.z, out[l].probs[i]), xGivenZ: out[l].mean[i].map((mean, k) => ({ mean, std: out[l].std[i][k] })), xMean: qx.mean, xStd: qx.std };
    }
    return row;
  });
  const maxTv = Object.fromEntries(NOTE3_LOSSES.map((l) => [l, Math.max(...perY.map((r) => (r[l] as { tv: number }).tv))]));
  const maxTvAuto = Object.fromEntries(NOTE3_LOSSES.map((l) => [l, Math.max(...testYs.map((y, i) => totalVariation(exactPosterior(y).z, autoProbs[l][i])))]));

  // figure 1: p(z|y) and p(x|y) against q's marginals
  const xs = linspace(-9, 9, 361);
  const prior = mixture.prior();
  const cats = Array.from({ length: mixture.K }, (_, k) => `z=${k}`);
  const panels: DensityPanel[] = [];
  testYs.forEach((y, i) => {
    const p = exactPosterior(y);
    panels.push({
      row: "z", col: `y = ${y}`, kind: "bar", x: cats,
      curves: [{ name: "prior", y: mixture.pi }, { name: "true posterior", y: p.z }, { name: "IS reference", y: reference[i].z }, ...NOTE3_LOSSES.map((l) => ({ name: `q ${LABEL[l]}`, y: out[l].probs[i] }))],
    });
    panels.push({
      row: "x", col: `y = ${y}`, x: xs, xLabel: "x", yLabel: "density",
      curves: [{ name: "prior", y: prior.density(xs) }, { name: "true posterior", y: p.x.density(xs) }, { name: "IS reference", y: Array.from(reference[i].kde.density(xs)) }, ...NOTE3_LOSSES.map((l) => ({ name: `q ${LABEL[l]}`, y: qMarginal(l, i).density(xs) }))],
    });
  });

  // figure 2: network outputs against y
  const ys = linspace(-8, 8, opts.quick ? 33 : 81);
  const curves = Object.fromEntries(NOTE3_LOSSES.map((l) => [l, guides[l].outputs(ys)]));
  const exact = ys.map((y) => exactPosterior(y));
  const series: Series[] = [];
  const add = (panel: string, pick: (o: { probs: number[][]; mean: number[][]; std: number[][] }, j: number) => number, truth: (j: number) => number) => {
    for (const l of NOTE3_LOSSES) series.push({ name: LABEL[l], panel, x: ys, y: ys.map((_, j) => pick(curves[l], j)) });
    series.push({ name: "exact", panel, x: ys, y: ys.map((_, j) => truth(j)) });
  };
  add("q(z=1|y)", (o, j) => o.probs[j][1], (j) => exact[j].z[1]);
  for (let k = 0; k < mixture.K; k++) {
    add(`mean of q(x|y,z=${k})`, (o, j) => o.mean[j][k], (j) => exact[j].xGivenZ[k].mean);
    add(`std of q(x|y,z=${k})`, (o, j) => o.std[j][k], (j) => exact[j].xGivenZ[k].std);
  }

  const headline: Record<string, number | string> = {};
  for (const l of NOTE3_LOSSES) headline[`max TV q(z|y) vs p(z|y), ${LABEL[l]}`] = round(maxTv[l], 3);
  for (const l of NOTE3_LOSSES) headline[`max TV q(z|y) vs p(z|y), ${LABEL[l]}, autoGuide`] = round(maxTvAuto[l], 3);
  const i0 = testYs.indexOf(0);
  // q(z = 1 | y = 0): the hard point between the modes, evaluated apart when the test points omit it
  const qz0 = Object.fromEntries(NOTE3_LOSSES.map((l) => [l, i0 >= 0 ? out[l].probs[i0][1] : guides[l].outputs([0]).probs[0][1]]));
  headline["p(z=1|y=0)"] = round(exactPosterior(0).z[1], 3);
  for (const l of NOTE3_LOSSES) headline[`q(z=1|y=0), ${LABEL[l]}`] = round(qz0[l], 3);
  const verdict = (l: string) => `${LABEL[l]} ${round(maxTv[l], 3)} (${maxTv[l] < NOTE3_TV_TOLERANCE ? "within" : "NOT within"} ${NOTE3_TV_TOLERANCE})`;
  const notes = [
    `Expected: the family contains the exact posterior (q(z|y) categorical, q(x|y,z) Normal), so every loss can recover p(z|y) = w_z(y) and p(x|y,z) exactly; the hard test point is y = 0 (between the modes, where p(y) is small), with p(z=1|0) = ${round(exactPosterior(0).z[1], 3)}.`,
    `Observed max total variation of q(z|y) over the test y values: ${NOTE3_LOSSES.map(verdict).join("; ")}.`,
    maxTv.qp >= NOTE3_TV_TOLERANCE
      ? `qp with a sampled z (score function, running-average baseline) did not recover p(z|y) everywhere: q(z=1|y=0) = ${round(qz0.qp, 3)}. ` +
        `A likely cause: once q(z|y) saturates, the other branch of z is no longer drawn and its gradient vanishes (a mode-seeking local optimum); ` +
        `summing z out exactly (qp-enum) ${maxTv["qp-enum"] < NOTE3_TV_TOLERANCE ? "avoided this here" : "did not avoid it here either"}.`
      : `qp with a sampled z also recovered p(z|y) at the test points (q(z=1|y=0) = ${round(qz0.qp, 3)}).`,
    `The automatic guide (autoGuide(model, { dependsOn: { x: ["z"] } }): the same factorization built from the model's sites, one MLP for q(z|y) and one for q(x|y,z)) trained by the same losses: max TV ${NOTE3_LOSSES.map((l) => `${LABEL[l]} ${round(maxTvAuto[l], 3)} (hand-written ${round(maxTv[l], 3)}, difference ${round(Math.abs(maxTvAuto[l] - maxTv[l]), 3)})`).join("; ")}.`,
    `q(x|y,z) is only constrained where q(z|y) puts mass: e.g. its mean for z = 0 at y > 2 (where p(z=0|y) is about 0) drifts from the exact value without affecting either loss (network-outputs figure).`,
    `Reference posterior: the exact closed form ("true posterior"), and the note's reference ("IS reference": importance sampling from the prior with ${isSamples} draws, resampled, Gaussian KDE for x; ESS ${reference.map((r) => Math.round(r.ess)).join(", ")} at the test y), whose p(z|y) is within ${round(Math.max(...perY.map((r) => (r.importance as { tvToExact: number }).tvToExact)), 2)} TV of the exact one. Training time: ${NOTE3_LOSSES.map((l) => `${LABEL[l]} ${round(seconds[l], 2)} s`).join(", ")}.`,
    opts.quick
      ? `Quick variant: ${training.iterations} iterations, batch ${training.batchSize.qp} (qp) / ${training.batchSize.pq} (pq), Adam lr ${training.lr} with cosine decay.`
      : `Full run: ${training.iterations} iterations, batch ${training.batchSize.qp} (qp) / ${training.batchSize.pq} (pq; it learns q(z|y) from sampled labels and needs more draws near y = 0), Adam lr ${training.lr} with cosine decay to 0.5%, MLPs with hidden layers 16-16 (tanh); fresh draws each iteration (our budget; the note does not state its own).`,
  ];
  return {
    headline,
    data: { model: modelOptions, testYs, training, finalLoss, seconds, maxTv, maxTvAuto, autoGuide: { probs: autoProbs }, perY, curves: { ys, ...curves } },
    figures: [
      { name: "marginals", title: "note-3: p(z|y) and p(x|y) (exact) against the marginals of q for several test y", spec: densityGrid({ panels, width: 130, height: 100 }) },
      { name: "network-outputs", title: "note-3: q(z=1|y) and the mean / std of q(x|y,z) against y for each loss, with the exact values", spec: lineChart({ xLabel: "y", yLabel: "value", series, columns: 3, width: 240, height: 170 }) },
    ],
    notes,
  };
}

registerExperiment({
  name: "note-3",
  title: "Amortized-inference note, model 3: discrete z then continuous x, qp (score function / enumeration) vs pq",
  description:
    "z ~ Discrete(0.3, 0.7), x|z ~ N(mu_z, 1) with mu = (-4, 4), y|x ~ N(x, 1); q(z|y) categorical MLP and q(x|y,z) Normal from MLPs on [y, onehot(z)], trained by qp (z by score function, or summed out exactly) and pq. The family contains the exact posterior.",
  settings: MIXTURE_SETTING_SPECS,
  data: TEST_Y_DATA,
  iterations: "Adam steps of each loss's training run (qp, qp-enum, pq); default 20000, quick 3000",
  validate: validateMixture,
  run: runNote3,
});
