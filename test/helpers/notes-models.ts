// The note-1 / note-2 models (written in the model language, src/experiments/
// notes/models/) as the engine sees them, with their exact posterior and
// log p(y), and the library's amortized Gaussian family as the guide, for the
// tests of the objectives (IWAE, RWS) and of importance sampling.
import { makeFamily, type Family } from "../../src/infer/families/family.js";
import { mlpNet } from "../../src/infer/families/nets.js";
import { observedLogLikelihood, type LogLikelihood } from "../../src/diagnostics/importance.js";
import { asEngineModel } from "../../src/model/engine-model.js";
import type { ProbModel } from "../../src/model/model.js";
import type { Model } from "../../src/models/model.js";
import { gaussianGaussianModel } from "../../src/experiments/notes/models/gaussian-gaussian.js";
import { MixturePrior, mixturePriorModel } from "../../src/experiments/notes/models/mixture-prior.js";

/** Exact p(x | y) (mixture weights, means, stds) and log p(y). */
export interface ExactPosterior {
  weights: readonly number[];
  means: readonly number[];
  stds: readonly number[];
  logMarginal: number;
}

/** An engine model with draws from its joint, log p(y | x) and its closed-form posterior. */
export type NoteModel = Model & Required<Pick<Model, "sampleJoint">> & { logLikelihood: LogLikelihood; posterior(y: number): ExactPosterior; prob: ProbModel };

function withPosterior(prob: ProbModel, mixture: MixturePrior): NoteModel {
  const engine = asEngineModel(prob);
  return {
    ...engine,
    sampleJoint: engine.sampleJoint!,
    logLikelihood: observedLogLikelihood(prob),
    prob,
    posterior(y: number): ExactPosterior {
      const p = mixture.posterior(y);
      return { weights: p.weights, means: p.means, stds: p.stds, logMarginal: mixture.evidence().logDensity(y) };
    },
  };
}

/** note-1 with mu0 = 0, s0 = 1, s = 1: x ~ N(0, 1), y | x ~ N(x, 1); posterior N(y / 2, 1 / 2). */
export const note1Like = (): NoteModel => withPosterior(gaussianGaussianModel(), new MixturePrior({ pi: [1], mu: [0], sK: [1], s: 1 }));
/** note-2 with pi = [0.3, 0.7], mu = [-4, 4], s_k = 1, s = 1. */
export const note2Like = (): NoteModel => withPosterior(mixturePriorModel(), new MixturePrior());

/**
 * q(x | y) = N(m(y), exp(l(y))^2): the amortized Gaussian family with one
 * tanh trunk 1-h-h and two linear heads (mean, log-std), initialized from `seed`.
 */
export function gaussianMlpGuide(model: Model, hidden = 16, seed = 0): Family {
  return makeFamily(model, null, { kind: "avi", net: mlpNet({ width: hidden, activation: "tanh", heads: "trunk" }), seed });
}
