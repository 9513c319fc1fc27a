// note-4 (amortized-inference note, model 4): an open-universe mixture whose
// latent structure depends on a discrete choice, written once in the model
// language with masking (docs/adr/0008-model-language.md), and its closed-form
// posterior (study code).
import { DomainError, assertPositive } from "../../../core/errors.js";
import { Tensor } from "../../../core/tensor.js";
import { mul } from "../../../autodiff/ops/binary.js";
import { matmul } from "../../../autodiff/ops/linalg.js";
import { oneHot, repeatRows } from "../../../autodiff/ops/shape.js";
import { Categorical } from "../../../distributions/categorical.js";
import { Normal } from "../../../distributions/normal.js";
import { defineModel, indicesOf, type ProbModel } from "../../../model/model.js";

export interface OpenUniverseOptions {
  /** p(k) over the two branches k = 1, 2 (stored as indices 0, 1). Default [0.5, 0.5]. */
  branchWeights?: readonly [number, number];
  /** p(z | k = 2) over the two components. Default [0.5, 0.5]. */
  componentWeights?: readonly [number, number];
  /** Means of x | k = 2, z. Default [-5, 5]. */
  componentMeans?: readonly [number, number];
  /** Prior std of x in both branches (x | k = 1 ~ N(0, std^2)). Default 1. */
  priorStd?: number;
  /** Observation noise: y | x ~ N(x, obsStd^2). Default 1. */
  obsStd?: number;
}

/** The settings with defaults filled in and validated. */
export interface OpenUniverseSettings {
  branchWeights: [number, number];
  componentWeights: [number, number];
  componentMeans: [number, number];
  priorStd: number;
  obsStd: number;
}

function probabilityPair(argument: string, p: readonly [number, number]): [number, number] {
  if (p.length !== 2 || !p.every((v) => v > 0 && Number.isFinite(v)) || Math.abs(p[0] + p[1] - 1) > 1e-9) {
    throw new DomainError(argument, "two positive probabilities summing to 1", JSON.stringify(p));
  }
  return [p[0], p[1]];
}

/** Defaults filled in; DomainError naming the setting for weights that are not two positive probabilities, non-finite means, stds <= 0. */
export function openUniverseSettings(options: OpenUniverseOptions = {}): OpenUniverseSettings {
  const branchWeights = probabilityPair("branchWeights", options.branchWeights ?? [0.5, 0.5]);
  const componentWeights = probabilityPair("componentWeights", options.componentWeights ?? [0.5, 0.5]);
  const means = options.componentMeans ?? [-5, 5];
  if (means.length !== 2 || !means.every(Number.isFinite)) {
    throw new DomainError("componentMeans", "two finite numbers", JSON.stringify(means));
  }
  const priorStd = options.priorStd ?? 1;
  const obsStd = options.obsStd ?? 1;
  assertPositive("priorStd", priorStd);
  assertPositive("obsStd", obsStd);
  return { branchWeights, componentWeights, componentMeans: [means[0], means[1]], priorStd, obsStd };
}

/**
 * note-4 model: k ~ Cat(pi_k) over {1, 2}; k = 1: x ~ N(0, s0^2); k = 2:
 * z ~ Cat(pi_z), x ~ N(mu_z, s0^2); y ~ N(x, s^2). Latent sites "k" (index 0
 * means k = 1), "z" and "x", observed site "y". z exists only on the k = 2
 * branch: it is drawn for every row and masked by [k = 2], so
 *   log p = log pi_k + [k=2] log pi_z + log N(x; [k=2] mu_z, s0^2) + log N(y; x, s^2).
 */
export function openUniverseModel(options: OpenUniverseOptions = {}): ProbModel {
  const s = openUniverseSettings(options);
  const kLogits = Tensor.from(s.branchWeights.map(Math.log), [1, 2], "persistent");
  const zLogits = Tensor.from(s.componentWeights.map(Math.log), [1, 2], "persistent");
  const meanTable = Tensor.from(s.componentMeans, [2, 1], "persistent");
  return defineModel("note-4", (m) => {
    m.plate("data", () => {
      // the index of k is 1 exactly on the k = 2 branch: its value is the branch's 0/1 indicator
      const k = m.sample("k", new Categorical(repeatRows(kLogits, m.rows)));
      const z = m.mask(k, () => m.sample("z", new Categorical(repeatRows(zLogits, m.rows))));
      const x = m.sample("x", new Normal(mul(k, matmul(oneHot(indicesOf(z), 2), meanTable)), s.priorStd));
      m.observe("y", new Normal(x, s.obsStd));
    });
  });
}

/** The closed-form posterior of note-4 at one observation y. */
export interface OpenUniversePosterior {
  /** p(k | y), [p(k = 1 | y), p(k = 2 | y)]. */
  k: [number, number];
  /** p(z | y, k = 2). */
  z: [number, number];
  /** p(x | y) as a mixture of three Normals: weights, means, stds (k = 1; k = 2, z = 0; k = 2, z = 1). */
  x: { weights: number[]; means: number[]; stds: number[] };
  /** log p(y). */
  logMarginal: number;
}

const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

function logNormal(x: number, mean: number, std: number): number {
  const u = (x - mean) / std;
  return -0.5 * u * u - Math.log(std) - HALF_LOG_2PI;
}

/** The exact posterior at y: p(y | k = 1) = N(y; 0, s0^2 + s^2), p(y | k = 2, z) = N(y; mu_z, s0^2 + s^2). */
export function openUniversePosterior(settings: OpenUniverseSettings, y: number): OpenUniversePosterior {
  if (!Number.isFinite(y)) throw new DomainError("y", "a finite number", String(y));
  const { priorStd: s0, obsStd: s } = settings;
  const marginalStd = Math.sqrt(s0 * s0 + s * s);
  const [pk1, pk2] = settings.branchWeights;
  const [pz0, pz1] = settings.componentWeights;
  const priorMeans = [0, ...settings.componentMeans];
  const logW = [
    Math.log(pk1) + logNormal(y, 0, marginalStd),
    Math.log(pk2) + Math.log(pz0) + logNormal(y, priorMeans[1], marginalStd),
    Math.log(pk2) + Math.log(pz1) + logNormal(y, priorMeans[2], marginalStd),
  ];
  const m = Math.max(...logW);
  const total = logW.reduce((acc, v) => acc + Math.exp(v - m), 0);
  const weights = logW.map((v) => Math.exp(v - m) / total);
  const gain = (s0 * s0) / (s0 * s0 + s * s);
  const postStd = (s0 * s) / marginalStd;
  return {
    k: [weights[0], weights[1] + weights[2]],
    z: [weights[1] / (weights[1] + weights[2]), weights[2] / (weights[1] + weights[2])],
    x: { weights, means: priorMeans.map((mu) => mu + gain * (y - mu)), stds: [postStd, postStd, postStd] },
    logMarginal: m + Math.log(total),
  };
}

/** Prior density of x in note-4: pi_1 N(x; 0, s0^2) + pi_2 sum_z pi_z N(x; mu_z, s0^2). */
export function openUniversePriorDensityX(settings: OpenUniverseSettings, x: number): number {
  const [pk1, pk2] = settings.branchWeights;
  const s0 = settings.priorStd;
  return (
    pk1 * Math.exp(logNormal(x, 0, s0)) +
    pk2 * settings.componentWeights.reduce((acc, w, z) => acc + w * Math.exp(logNormal(x, settings.componentMeans[z], s0)), 0)
  );
}
