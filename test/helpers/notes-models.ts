// Small local stand-ins for the note-1 / note-2 models (Gaussian prior or a
// Normal mixture prior, y | x ~ N(x, s^2)) and a Gaussian MLP guide, so that
// the tests of iwae / rws / importance do not depend on another branch's files.
import { Rng } from "../../src/core/rng.js";
import { Tensor } from "../../src/core/tensor.js";
import { add } from "../../src/autodiff/ops/binary.js";
import { sampleCategorical } from "../../src/autodiff/ops/categorical.js";
import { mixtureNormalLogProb, normalLogProb, normalRsample } from "../../src/autodiff/ops/gaussian.js";
import { matmul } from "../../src/autodiff/ops/linalg.js";
import { oneHot, sliceCols } from "../../src/autodiff/ops/shape.js";
import type { Guide, GuideSample } from "../../src/models/guide.js";
import type { Batch, LatentValues, Model } from "../../src/models/model.js";
import { MLP } from "../../src/nn/mlp.js";
import type { ParamStore } from "../../src/nn/param-store.js";

const logN = (x: number, m: number, s: number) => -0.5 * ((x - m) / s) ** 2 - Math.log(s) - 0.5 * Math.log(2 * Math.PI);

/** p(x) = sum_k pi_k N(mu_k, s_k^2), y | x ~ N(x, s^2) (one component: note-1). */
export class MixturePriorModel implements Model {
  readonly name = "mixture-prior";
  readonly obsDim = 1;
  readonly latents = [{ name: "x", scope: "local", dim: 1, support: { kind: "real" } }] as const;
  private readonly logPi: Tensor;
  private readonly means: Tensor;
  private readonly logStds: Tensor;
  private readonly logS: Tensor;

  constructor(readonly pi: number[], readonly mu: number[], readonly sd: number[], readonly s: number) {
    const K = pi.length;
    this.logPi = Tensor.from(pi.map(Math.log), [1, K], "persistent");
    this.means = Tensor.from(mu, [K, 1], "persistent");
    this.logStds = Tensor.from(sd.map(Math.log), [K, 1], "persistent");
    this.logS = Tensor.from([Math.log(s)], [1], "persistent");
  }

  logJoint(values: LatentValues, batch: Batch): Tensor {
    const x = values.x as Tensor;
    const K = this.pi.length;
    const prior = mixtureNormalLogProb(x, this.logPi.reshape([K]), this.means.reshape([K]), this.logStds.reshape([K]));
    return add(prior, this.logLikelihood(values, batch));
  }

  logLikelihood(values: LatentValues, batch: Batch): Tensor {
    return normalLogProb(batch.obs, values.x as Tensor, this.logS);
  }

  sampleJoint(n: number, rng: Rng): { values: LatentValues; batch: Batch } {
    const c = oneHot(sampleCategorical(this.logPi, rng, n), this.pi.length);
    const x = normalRsample(matmul(c, this.means), matmul(c, this.logStds), rng.normal([n, 1]));
    return { values: { x }, batch: { obs: normalRsample(x, this.logS, rng.normal([n, 1])) } };
  }

  /** Exact p(x | y): mixture weights, means, stds; and log p(y). */
  posterior(y: number): { weights: number[]; means: number[]; stds: number[]; logMarginal: number } {
    const s2 = this.s * this.s;
    const logW = this.pi.map((p, k) => Math.log(p) + logN(y, this.mu[k], Math.sqrt(this.sd[k] ** 2 + s2)));
    const m = Math.max(...logW);
    const tot = logW.reduce((a, v) => a + Math.exp(v - m), 0);
    return {
      weights: logW.map((v) => Math.exp(v - m) / tot),
      means: this.mu.map((mu, k) => (s2 * mu + this.sd[k] ** 2 * y) / (this.sd[k] ** 2 + s2)),
      stds: this.sd.map((sk) => (sk * this.s) / Math.sqrt(sk * sk + s2)),
      logMarginal: m + Math.log(tot),
    };
  }
}

/** note-1 with mu0 = 0, s0 = 1, s = 1. */
export const note1Like = () => new MixturePriorModel([1], [0], [1], 1);
/** note-2 with pi = [0.3, 0.7], mu = [-4, 4], s_k = 1, s = 1. */
export const note2Like = () => new MixturePriorModel([0.3, 0.7], [-4, 4], [1, 1], 1);

/** q(x | y) = N(m(y), exp(l(y))^2) from one MLP 1-h-h-2 (columns: mean, log-std). */
export class GaussianMlpGuide implements Guide {
  readonly params: readonly ParamStore[];
  readonly net: MLP;

  constructor(hidden = 16, seed = 0) {
    this.net = new MLP([1, hidden, hidden, 2], { activation: "tanh", rng: new Rng(seed) });
    this.params = [this.net.params];
  }

  private heads(batch: Batch): { mean: Tensor; logStd: Tensor } {
    const out = this.net.forward(batch.obs);
    return { mean: sliceCols(out, 0, 1), logStd: sliceCols(out, 1, 2) };
  }

  sample(batch: Batch, rng: Rng): GuideSample {
    const { mean, logStd } = this.heads(batch);
    const x = normalRsample(mean, logStd, rng.normal([batch.obs.rows, 1]));
    return { values: { x }, logQ: normalLogProb(x, mean, logStd), logQScore: null };
  }

  logProb(values: LatentValues, batch: Batch): Tensor {
    const { mean, logStd } = this.heads(batch);
    return normalLogProb(values.x as Tensor, mean, logStd);
  }
}
