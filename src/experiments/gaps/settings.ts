// Settings of gaps-vae: the data's scale, the VAE, the guide families, the
// semi-amortized training and the gap measurement. Families are looked up by
// name in GUIDE_FAMILIES, so that a new DensityFamily (e.g. realNVP) joins the
// study with one entry there.
import { DomainError } from "../../core/errors.js";
import { diagonalGaussian, type DensityFamily } from "../../infer/families/density.js";
import { iaf, maf } from "../../infer/families/flows/maf.js";
import { refineCheckpoints } from "../../train/refine.js";
import { resolveSettings } from "../settings.js";
import type { RunOptions, SettingSpec, SettingValue, StudySettings } from "../types.js";
import { DIGITS, MNIST_TEST_PER_DIGIT, MNIST_TRAIN_PER_DIGIT } from "./mnist.js";

/** Resolved settings of one gaps-vae run. */
export interface GapsVaeSettings {
  nTrain: number;
  nTest: number;
  measureOn: "test" | "train";
  side: number;
  latentDim: number;
  hidden: number;
  depth: number;
  activation: GapsActivation;
  epochs: number;
  batchSize: number;
  lr: number;
  families: string[];
  semiAmortized: string[];
  semiSteps: number;
  semiLr: number;
  cross: boolean;
  encoderEpochs: number;
  flowLayers: number;
  flowHidden: number[];
  flowEmbedding: number;
  K: number;
  refineSteps: number;
  refineLr: number;
  testSteps: number;
  elboSamples: number;
}

/** A posterior family of the study: its short label (tables, figures) and how to build it from the settings. */
export interface GuideFamilyEntry {
  label: string;
  build(s: GapsVaeSettings): DensityFamily;
}

/** Hidden activations of the VAE's networks. */
export const ACTIVATION_NAMES = ["tanh", "relu", "leakyRelu", "softplus"] as const;
export type GapsActivation = (typeof ACTIVATION_NAMES)[number];

const flowOptions = (s: GapsVaeSettings) => ({ layers: s.flowLayers, hidden: s.flowHidden, embedding: s.flowEmbedding });

/** The families gaps-vae can train and measure, by setting name (Cremer et al.'s "FFG" is the diagonal Gaussian). */
export const GUIDE_FAMILIES: Readonly<Record<string, GuideFamilyEntry>> = {
  diagonalGaussian: { label: "FFG", build: () => diagonalGaussian() },
  iaf: { label: "IAF", build: (s) => iaf(flowOptions(s)) },
  maf: { label: "MAF", build: (s) => maf(flowOptions(s)) },
};

const FAMILY_NAMES = Object.keys(GUIDE_FAMILIES);

const noDuplicates = (value: SettingValue, argument: string) => {
  const names = value as readonly string[];
  if (new Set(names).size !== names.length) throw new DomainError(argument, "each name at most once", JSON.stringify(names));
  if (names.includes("none") && names.length > 1) throw new DomainError(argument, '"none" alone or family names', JSON.stringify(names));
};

/** gaps-vae's settings (full / quick defaults; the scaling against Cremer et al. 2018 is stated in the run's notes). */
export const GAPS_VAE_SETTING_SPECS: readonly SettingSpec[] = [
  { name: "nTrain", type: "integer", min: 1, max: MNIST_TRAIN_PER_DIGIT * DIGITS, default: { full: 3000, quick: 1000 }, description: "training images (balanced over the 10 digits)" },
  { name: "nTest", type: "integer", min: 1, max: MNIST_TEST_PER_DIGIT * DIGITS, default: { full: 100, quick: 40 }, description: "images at which the gaps are measured: test images (disjoint from the training images), or the first nTest training images (measureOn)" },
  { name: "measureOn", type: "names", choices: ["test", "train"], length: 1, default: ["test"], description: "measure the gaps on test images (the encoder has not seen them: its generalization is part of the amortization gap) or on training images" },
  {
    name: "side", type: "integer", default: 14, description: "image side after block-mean downsampling of the 28 x 28 digits (28, 14 or 7), then binarized at 0.5",
    check: (v, argument) => {
      if (![28, 14, 7].includes(v as number)) throw new DomainError(argument, "28, 14 or 7", String(v));
    },
  },
  { name: "latentDim", type: "integer", min: 1, default: { full: 16, quick: 4 }, description: "latent dimension d of z ~ N(0, I_d)" },
  { name: "hidden", type: "integer", min: 1, default: { full: 200, quick: 64 }, description: "hidden width H of the decoder d-H-...-H-D and of the encoders D-H-...-H-P" },
  { name: "depth", type: "integer", min: 1, default: 2, description: "hidden layers of the decoder and of the encoders" },
  { name: "activation", type: "names", choices: ACTIVATION_NAMES, length: 1, default: ["leakyRelu"], description: "hidden activation of the decoder and of the encoders" },
  { name: "epochs", type: "integer", min: 1, default: { full: 100, quick: 30 }, description: "training epochs of each VAE" },
  { name: "batchSize", type: "integer", min: 1, default: { full: 100, quick: 50 }, description: "minibatch size (<= nTrain)" },
  { name: "lr", type: "number", min: 0, exclusiveMin: true, default: 3e-3, description: "Adam rate of the VAE training (cosine-decayed to 10%)" },
  { name: "families", type: "names", choices: FAMILY_NAMES, default: ["diagonalGaussian", "iaf"], check: noDuplicates, description: "posterior families: one VAE is trained with each (amortized guide of that family)" },
  {
    name: "semiAmortized", type: "names", choices: [...FAMILY_NAMES, "none"], default: ["diagonalGaussian"], check: noDuplicates,
    description: "families whose VAE is also trained with the semi-amortized schedule (refined guide inside training); none: no such VAE",
  },
  { name: "semiSteps", type: "integer", min: 1, default: 5, description: "refinement steps K per batch of the semi-amortized training" },
  { name: "semiLr", type: "number", min: 0, exclusiveMin: true, default: 0.01, description: "SGD step of the semi-amortized training's refinement (on each datapoint's own -ELBO)" },
  { name: "cross", type: "integer", min: 0, max: 1, default: 1, description: "1: on each trained decoder, also measure the other families (an encoder of that family trained on the frozen decoder), as Cremer et al.'s L[q*_FFG] / L[q*_Flow] rows; 0: only the training family" },
  { name: "encoderEpochs", type: "integer", min: 1, default: { full: 50, quick: 10 }, description: "epochs of an encoder trained on a frozen decoder (cross = 1)" },
  { name: "flowLayers", type: "integer", min: 1, default: 2, description: "autoregressive layers of the flow families" },
  { name: "flowHidden", type: "integers", min: 1, default: { full: [64], quick: [16] }, description: "hidden widths of every MADE of the flow families" },
  { name: "flowEmbedding", type: "integer", min: 0, default: { full: 8, quick: 4 }, description: "context values per datapoint that shape the flow (beyond its mean and log-std)" },
  { name: "K", type: "integer", min: 2, default: { full: 2000, quick: 500 }, description: "importance draws per test image of the log p(x) estimate (IWAE bound from the refined guide)" },
  { name: "refineSteps", type: "integer", min: 1, default: { full: 1000, quick: 300 }, description: "Adam steps of the per-datapoint refinement giving q* (started at the encoder's output)" },
  { name: "refineLr", type: "number", min: 0, exclusiveMin: true, default: 0.01, description: "Adam rate of the refinement (cosine-decayed to 5%)" },
  { name: "testSteps", type: "integer", min: 1, default: 20, description: "K of the semi-amortized guide at test time: the refinement's ELBO after K steps (a point of the curve 1, 2, 5, 10, 20, 50, ...)" },
  { name: "elboSamples", type: "integer", min: 2, default: { full: 200, quick: 100 }, description: "draws per test image of each ELBO estimate" },
];

/** Checks across settings: batch <= nTrain, nTest <= nTrain when measuring on training images, testSteps a point of the refinement curve. */
export function validateGapsVae(set: StudySettings, label: (name: string) => string): void {
  if (set.number("batchSize") > set.number("nTrain")) throw new DomainError(label("batchSize"), `at most nTrain = ${set.number("nTrain")}`, String(set.number("batchSize")));
  if (set.names("measureOn")[0] === "train" && set.number("nTest") > set.number("nTrain")) throw new DomainError(label("nTest"), `at most nTrain = ${set.number("nTrain")} (measureOn = train)`, String(set.number("nTest")));
  const points = refineCheckpoints(set.number("refineSteps")).filter((k) => k > 0);
  if (!points.includes(set.number("testSteps"))) throw new DomainError(label("testSteps"), `a point of the refinement curve (${points.join(", ")})`, String(set.number("testSteps")));
}

/** The run's settings: the user's (checked) or the full / quick defaults. */
export function gapsVaeSettings(opts: Pick<RunOptions, "quick" | "settings">): GapsVaeSettings {
  const set = resolveSettings({ name: "gaps-vae", settings: GAPS_VAE_SETTING_SPECS }, opts);
  validateGapsVae(set, (name) => `settings.${name}`);
  const semi = set.names("semiAmortized");
  return {
    nTrain: set.number("nTrain"), nTest: set.number("nTest"), measureOn: set.names("measureOn")[0] as "test" | "train", side: set.number("side"), latentDim: set.number("latentDim"),
    hidden: set.number("hidden"), depth: set.number("depth"), activation: set.names("activation")[0] as GapsActivation, epochs: set.number("epochs"), batchSize: set.number("batchSize"), lr: set.number("lr"),
    families: set.names("families"), semiAmortized: semi.includes("none") ? [] : semi, semiSteps: set.number("semiSteps"), semiLr: set.number("semiLr"),
    cross: set.number("cross") === 1, encoderEpochs: set.number("encoderEpochs"),
    flowLayers: set.number("flowLayers"), flowHidden: set.numbers("flowHidden"), flowEmbedding: set.number("flowEmbedding"),
    K: set.number("K"), refineSteps: set.number("refineSteps"), refineLr: set.number("refineLr"), testSteps: set.number("testSteps"), elboSamples: set.number("elboSamples"),
  };
}
