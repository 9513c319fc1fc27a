// note-4 (amortized-inference note, model 4): an open-universe mixture whose
// latent structure depends on a discrete choice. Branches are selected with
// one-hot masks so that every op runs on the whole batch at once.
import { AmortviError, DomainError, assertPositive } from "../../../core/errors.js";
import type { Rng } from "../../../core/rng.js";
import { Tensor } from "../../../core/tensor.js";
import { add, mul } from "../../../autodiff/ops/binary.js";
import { categoricalLogProb, sampleCategorical } from "../../../autodiff/ops/categorical.js";
import { normalLogProb, normalRsample } from "../../../autodiff/ops/gaussian.js";
import { matmul } from "../../../autodiff/ops/linalg.js";
import { sumCols } from "../../../autodiff/ops/reduce.js";
import { concatCols, oneHot, reshape } from "../../../autodiff/ops/shape.js";
import type { Batch, LatentSite, LatentValues, Model } from "../../../models/model.js";

export interface Note4Options {
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

/** The closed-form posterior of note-4 at one observation y. */
export interface Note4Posterior {
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

function probabilityPair(argument: string, p: readonly [number, number]): [number, number] {
  if (p.length !== 2 || !p.every((v) => v > 0 && Number.isFinite(v)) || Math.abs(p[0] + p[1] - 1) > 1e-9) {
    throw new DomainError(argument, "two positive probabilities summing to 1", JSON.stringify(p));
  }
  return [p[0], p[1]];
}

/**
 * Model 4 of the note: k ~ Cat(pi_k) over {1, 2}; k = 1: x ~ N(0, s0^2);
 * k = 2: z ~ Cat(pi_z), x ~ N(mu_z, s0^2); y ~ N(x, s^2). Latents k (index
 * 0 means k = 1), z (meaningful only when k = 2: it is drawn for every row so
 * the batch stays rectangular, but enters neither p nor q when k = 1) and x.
 *   log p = log pi_k + [k=1] log N(x; 0, s0^2) + [k=2] (log pi_z + log N(x; mu_z, s0^2)) + log N(y; x, s^2).
 */
export class Note4Model implements Model {
  readonly name = "note-4";
  readonly obsDim = 1;
  readonly latents: readonly LatentSite[] = [
    { name: "k", scope: "local", dim: 1, support: { kind: "categorical", K: 2 } },
    { name: "z", scope: "local", dim: 1, support: { kind: "categorical", K: 2 } },
    { name: "x", scope: "local", dim: 1, support: { kind: "real" } },
  ];
  readonly branchWeights: [number, number];
  readonly componentWeights: [number, number];
  readonly componentMeans: [number, number];
  readonly priorStd: number;
  readonly obsStd: number;
  /** Persistent constants: log p(k) as logits [1, 2], log p(z) [1, 2], the means [2, 1]. */
  private readonly kLogits: Tensor;
  private readonly zLogits: Tensor;
  private readonly meanTable: Tensor;
  private readonly logPriorStd: Tensor;
  private readonly logObsStd: Tensor;

  constructor(options: Note4Options = {}) {
    this.branchWeights = probabilityPair("branchWeights", options.branchWeights ?? [0.5, 0.5]);
    this.componentWeights = probabilityPair("componentWeights", options.componentWeights ?? [0.5, 0.5]);
    const means = options.componentMeans ?? [-5, 5];
    if (means.length !== 2 || !means.every(Number.isFinite)) {
      throw new DomainError("componentMeans", "two finite numbers", JSON.stringify(means));
    }
    this.componentMeans = [means[0], means[1]];
    this.priorStd = options.priorStd ?? 1;
    this.obsStd = options.obsStd ?? 1;
    assertPositive("priorStd", this.priorStd);
    assertPositive("obsStd", this.obsStd);
    this.kLogits = Tensor.from(this.branchWeights.map(Math.log), [1, 2], "persistent");
    this.zLogits = Tensor.from(this.componentWeights.map(Math.log), [1, 2], "persistent");
    this.meanTable = Tensor.from(this.componentMeans, [2, 1], "persistent");
    this.logPriorStd = Tensor.from([Math.log(this.priorStd)], [1], "persistent");
    this.logObsStd = Tensor.from([Math.log(this.obsStd)], [1], "persistent");
  }

  /** log p(k, z, x, y) -> [B] (see the class comment). */
  logJoint(values: LatentValues, batch: Batch): Tensor {
    const { k, z, x } = this.unpack(values, batch);
    const B = batch.obs.rows;
    const logPk = categoricalLogProb(this.rowsOf(this.kLogits, B), k);
    const logPz = categoricalLogProb(this.rowsOf(this.zLogits, B), z);
    const branch1 = normalLogProb(x, Tensor.zeros([1]), this.logPriorStd);
    const branch2 = add(logPz, normalLogProb(x, matmul(oneHot(z, 2), this.meanTable), this.logPriorStd));
    const byBranch = sumCols(mul(oneHot(k, 2), concatCols([reshape(branch1, [B, 1]), reshape(branch2, [B, 1])])));
    return add(add(logPk, byBranch), this.logLikelihood(values, batch));
  }

  /** log p(y | x) = log N(y; x, s^2) -> [B] (the weight of importance sampling from the prior). */
  logLikelihood(values: LatentValues, batch: Batch): Tensor {
    return normalLogProb(batch.obs, this.unpack(values, batch).x, this.logObsStd);
  }

  /** n joint draws (k, z, x, y); z is drawn for every row (unused when k = 1). */
  sampleJoint(n: number, rng: Rng): { values: LatentValues; batch: Batch } {
    const k = sampleCategorical(this.kLogits, rng, n);
    const z = sampleCategorical(this.zLogits, rng, n);
    const isBranch2 = matmul(oneHot(k, 2), Tensor.from([0, 1], [2, 1]));
    const mean = mul(isBranch2, matmul(oneHot(z, 2), this.meanTable));
    const x = normalRsample(mean, this.logPriorStd, rng.normal([n, 1]));
    const y = normalRsample(x, this.logObsStd, rng.normal([n, 1]));
    return { values: { k, z, x }, batch: { obs: y } };
  }

  /** The exact posterior at y: p(y | k = 1) = N(y; 0, s0^2 + s^2), p(y | k = 2, z) = N(y; mu_z, s0^2 + s^2). */
  posterior(y: number): Note4Posterior {
    if (!Number.isFinite(y)) throw new DomainError("y", "a finite number", String(y));
    const s0 = this.priorStd;
    const s = this.obsStd;
    const marginalStd = Math.sqrt(s0 * s0 + s * s);
    const [pk1, pk2] = this.branchWeights;
    const [pz0, pz1] = this.componentWeights;
    const priorMeans = [0, ...this.componentMeans];
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

  /** A [1, 2] constant seen as [B, 2] rows (categoricalLogProb needs one row per index). */
  private rowsOf(logits: Tensor, B: number): Tensor {
    return add(Tensor.zeros([B, 2]), logits);
  }

  private unpack(values: LatentValues, batch: Batch): { k: Int32Array; z: Int32Array; x: Tensor } {
    const { k, z, x } = values;
    const B = batch.obs.rows;
    if (!(k instanceof Int32Array) || k.length !== B) throw new AmortviError("values.k", `an Int32Array of ${B} branch indices`, describe(k));
    if (!(z instanceof Int32Array) || z.length !== B) throw new AmortviError("values.z", `an Int32Array of ${B} component indices`, describe(z));
    if (!(x instanceof Tensor) || x.size !== B) throw new AmortviError("values.x", `a Tensor [${B}, 1]`, describe(x));
    if (batch.obs.size !== B) throw new AmortviError("batch.obs", `a Tensor [B, 1]`, `shape [${batch.obs.shape.join(", ")}]`);
    return { k, z, x: x.rank === 2 ? x : reshape(x, [B, 1]) };
  }
}

function describe(v: Tensor | Int32Array | undefined): string {
  if (v === undefined) return "nothing";
  return v instanceof Tensor ? `a Tensor of shape [${v.shape.join(", ")}]` : `an Int32Array of length ${v.length}`;
}

/** Prior density of x in note-4: pi_1 N(x; 0, s0^2) + pi_2 sum_z pi_z N(x; mu_z, s0^2). */
export function note4PriorDensityX(model: Note4Model, x: number): number {
  const [pk1, pk2] = model.branchWeights;
  const s0 = model.priorStd;
  return (
    pk1 * Math.exp(logNormal(x, 0, s0)) +
    pk2 * model.componentWeights.reduce((acc, w, z) => acc + w * Math.exp(logNormal(x, model.componentMeans[z], s0)), 0)
  );
}
