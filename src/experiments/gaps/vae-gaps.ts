// gaps-vae's two steps: train VAEs (one per guide family, jointly or with the
// semi-amortized schedule), then split each trained decoder's inference gap
// on test images into the approximation and amortization gaps for every
// family (Cremer, Li & Duvenaud 2018). The VAE's generative model is
// vaeModel (src/models/vae.ts: the model language, the decoder an m.module);
// its guide is autoGuide with an inference network and the family; fit trains
// both; inferenceGaps measures.
import { Rng } from "../../core/rng.js";
import type { Estimate } from "../../diagnostics/gaps.js";
import { autoGuide, type AutoGuide } from "../../infer/families/auto-guide.js";
import type { Dataset } from "../../infer/families/dataset.js";
import { elbo } from "../../infer/objectives/elbo.js";
import { bernoulliLikelihood } from "../../models/likelihood.js";
import { vaeModel, type VaeModel } from "../../models/vae.js";
import { cosineDecay } from "../../optim/schedule.js";
import { fit } from "../../train/fit.js";
import { inferenceGaps } from "../../train/inference-gaps.js";
import { guideOnly } from "../../train/schedules/joint.js";
import { semiAmortized } from "../../train/schedules/semi-amortized.js";
import type { RunContext } from "../types.js";
import { GUIDE_FAMILIES, type GapsVaeSettings } from "./settings.js";

/** How a VAE was trained: joint ELBO (encoder and decoder together) or the semi-amortized schedule. */
export type Training = "joint" | "semi-amortized";

/** A trained VAE: its decoder (the model) and its amortized guide. */
export interface TrainedVae {
  /** e.g. "FFG-trained", "FFG-trained (SA)". */
  name: string;
  /** Setting name of the guide family it was trained with. */
  family: string;
  training: Training;
  vae: VaeModel;
  guide: AutoGuide;
  /** Training -ELBO per image, mean over each epoch's steps. */
  negElboPerEpoch: number[];
  wallSeconds: number;
}

/** One row of the gap table: a trained decoder and the family of q measured on it. */
export interface GapRow {
  model: string;
  trainedWith: string;
  training: Training;
  /** Setting name of q's family. */
  family: string;
  /** The encoder was the VAE's own, or trained afterwards on the frozen decoder (cross = 1). */
  encoder: "own" | "frozen decoder";
  /** log p(x): the best (highest) importance estimate over the rows of this decoder. */
  logLikelihood: Estimate;
  /** log p(x) estimated with this row's refined guide as the proposal. */
  ownLogLikelihood: Estimate;
  /** ELBO of the best member of the family per datapoint (q*: the refinement's end). */
  elboBest: Estimate;
  /** ELBO after testSteps refinement steps (the semi-amortized guide at test time). */
  elboRefined: Estimate;
  /** ELBO of the amortized guide q_phi. */
  elboAmortized: Estimate;
  approximationGap: Estimate;
  amortizationGap: Estimate;
  /** ELBO(q*) - ELBO(q_K): what remains of the amortization gap after K = testSteps refinement steps. */
  amortizationGapRefined: Estimate;
  /** log p(x) - ELBO(q_phi). */
  inferenceGap: Estimate;
  curve: { steps: number[]; elbo: number[]; se: number[] };
  converged: boolean;
  warnings: string[];
  wallSeconds: number;
}

const diff = (a: Estimate, b: Estimate): Estimate => ({ value: a.value - b.value, se: Math.hypot(a.se, b.se) });

/** The study's label of a family ("FFG", "IAF", ...). */
export const familyLabel = (name: string): string => GUIDE_FAMILIES[name].label;

/** An amortized autoGuide of `family` for the VAE: an MLP encoder D-H-..-H-P whose output conditions the family's density. */
function encoder(vae: VaeModel, s: GapsVaeSettings, family: string, seed: number): AutoGuide {
  return autoGuide(vae.model, { amortized: { width: s.hidden, depth: s.depth, activation: s.activation }, family: GUIDE_FAMILIES[family].build(s), seed });
}

/** Adam with cosine decay to 10% over `epochs` of the data; the -ELBO per image (the loss is the full-data estimate, N x per image) per epoch. */
function train(
  vae: VaeModel,
  guide: AutoGuide,
  data: Dataset,
  s: GapsVaeSettings,
  epochs: number,
  schedule: "joint" | "semi-amortized" | "encoder",
  rng: Rng,
  ctx: RunContext,
  label: string,
): number[] {
  const perEpoch = Math.floor(data.N / s.batchSize);
  const total = perEpoch * epochs;
  const result = fit({
    model: vae.model,
    guide,
    // scale "dataset" (the default): the semi-amortized schedule's inner SGD steps then see each datapoint's own -ELBO gradient
    objective: elbo(),
    data,
    epochs,
    batchSize: s.batchSize,
    lr: s.lr,
    lrSchedule: cosineDecay(total, 0.1),
    rng,
    onDivergence: "throw",
    progress: ctx.progress,
    label,
    ...(schedule === "semi-amortized" ? { schedule: semiAmortized({ steps: s.semiSteps, lr: s.semiLr }) } : schedule === "encoder" ? { schedule: guideOnly() } : {}),
  });
  const out: number[] = [];
  for (let e = 0; e < epochs; e++) {
    let sum = 0;
    for (let i = e * perEpoch; i < (e + 1) * perEpoch; i++) sum += result.losses[i];
    out.push(sum / perEpoch / data.N);
  }
  return out;
}

/** Trains one VAE: a decoder d-H-..-H-D (Bernoulli pixels) with an amortized guide of `family`, jointly or semi-amortized. */
export function trainVae(data: Dataset, s: GapsVaeSettings, family: string, training: Training, seed: number, ctx: RunContext): TrainedVae {
  const rng = new Rng(seed);
  const vae = vaeModel({ obsDim: data.D, latentDim: s.latentDim, decoder: { hidden: Array.from({ length: s.depth }, () => s.hidden), activation: s.activation }, likelihood: bernoulliLikelihood(), rng: rng.fork(1) });
  const guide = encoder(vae, s, family, seed + 17);
  const name = `${familyLabel(family)}-trained${training === "semi-amortized" ? " (SA)" : ""}`;
  const t0 = performance.now();
  const negElboPerEpoch = train(vae, guide, data, s, s.epochs, training, rng.fork(2), ctx, name);
  const wallSeconds = (performance.now() - t0) / 1000;
  ctx.log(`${name}: training -ELBO per image ${negElboPerEpoch[negElboPerEpoch.length - 1].toFixed(2)} (last epoch), ${wallSeconds.toFixed(0)} s`);
  return { name, family, training, vae, guide, negElboPerEpoch, wallSeconds };
}

/**
 * The gap rows of one trained VAE on the test images: its own guide's family
 * and (cross) every other family, whose encoder is trained on the frozen
 * decoder first. log p(x) of the decoder is the highest of the rows' IWAE
 * estimates (each from its refined guide), and the approximation and
 * inference gaps of every row are taken against it (Cremer et al. take the
 * best of their estimates too).
 */
export function measureGaps(trained: TrainedVae, train_: Dataset, test: Dataset, s: GapsVaeSettings, seed: number, ctx: RunContext): GapRow[] {
  const families = [trained.family, ...(s.cross ? s.families.filter((f) => f !== trained.family) : [])];
  const raw = families.map((family, i) => {
    const t0 = performance.now();
    let guide = trained.guide;
    if (family !== trained.family) {
      guide = encoder(trained.vae, s, family, seed + 31 * (i + 1));
      train(trained.vae, guide, train_, s, s.encoderEpochs, "encoder", new Rng(seed).fork(40 + i), ctx, `${trained.name}: ${familyLabel(family)} encoder`);
    }
    const g = inferenceGaps({ model: trained.vae.model, guide, data: test, K: s.K, steps: s.refineSteps, lr: s.refineLr, samples: s.elboSamples, rng: new Rng(seed).fork(60 + i) });
    if (guide !== trained.guide) guide.dispose();
    const at = g.refinement.steps.indexOf(s.testSteps);
    const wallSeconds = (performance.now() - t0) / 1000;
    ctx.log(`${trained.name}, q ${familyLabel(family)}: amortization gap ${g.amortizationGap.value.toFixed(3)} +- ${g.amortizationGap.se.toFixed(3)}, ${wallSeconds.toFixed(0)} s${g.warnings.length ? ` (${g.warnings.join("; ")})` : ""}`);
    return { family, g, refined: { value: g.refinement.elbo[at], se: g.refinement.se[at] }, wallSeconds };
  });
  const best = raw.reduce((a, b) => (b.g.logLikelihood.value > a.g.logLikelihood.value ? b : a)).g.logLikelihood;
  const logLikelihood = { value: best.value, se: best.se };
  return raw.map(({ family, g, refined, wallSeconds }) => ({
    model: trained.name,
    trainedWith: trained.family,
    training: trained.training,
    family,
    encoder: family === trained.family ? "own" : "frozen decoder",
    logLikelihood,
    ownLogLikelihood: { value: g.logLikelihood.value, se: g.logLikelihood.se },
    elboBest: g.elboBest,
    elboRefined: refined,
    elboAmortized: g.elboAmortized,
    approximationGap: diff(logLikelihood, g.elboBest),
    amortizationGap: g.amortizationGap,
    amortizationGapRefined: diff(g.elboBest, refined),
    inferenceGap: diff(logLikelihood, g.elboAmortized),
    curve: g.refinement,
    converged: g.converged,
    warnings: g.warnings,
    wallSeconds,
  }));
}
