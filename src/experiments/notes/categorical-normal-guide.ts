// note-3's inference network: a structured guide (a categorical site, then a
// Normal given it), written as a study guide on the public modules.
import { Rng } from "../../core/rng.js";
import { ShapeError, assertInteger } from "../../core/errors.js";
import { Tensor } from "../../core/tensor.js";
import type { Activation } from "../../autodiff/ops/linalg.js";
import { add } from "../../autodiff/ops/binary.js";
import { softmax } from "../../autodiff/ops/reduce.js";
import { concatCols, oneHot } from "../../autodiff/ops/shape.js";
import { categoricalLogProb, sampleCategorical } from "../../autodiff/ops/categorical.js";
import { normalLogProb, normalRsample } from "../../autodiff/ops/gaussian.js";
import { MLP } from "../../nn/mlp.js";
import { ParamSpecs } from "../../nn/module.js";
import type { ParamStore } from "../../nn/param-store.js";
import type { Batch, LatentValues } from "../../models/model.js";
import type { Guide, GuideSample } from "../../models/guide.js";
import { evaluateAt } from "./guide-readout.js";

/** The Tensor value of continuous site `name` (ShapeError if absent or categorical). */
function tensorValue(values: LatentValues, name: string): Tensor {
  const v = values[name];
  if (!(v instanceof Tensor)) throw new ShapeError(`values.${name}`, "a Tensor", v === undefined ? "nothing" : "an Int32Array");
  return v;
}

export interface CategoricalNormalGuideOptions {
  /** Number of categories of the discrete site (>= 1). */
  K: number;
  /** Size of one observation. Default 1. */
  obsDim?: number;
  /** Hidden layer sizes of each network. Default [16, 16]. */
  hidden?: readonly number[];
  activation?: Activation;
  /** Site names. Default "z" (categorical) and "x" (continuous, one value). */
  discreteSite?: string;
  continuousSite?: string;
  /** Initialization seed or generator. Default seed 0. */
  rng?: Rng | number;
}

/** Outputs of the networks at scalar observations: probs[i][k] = q(z=k|y_i), mean/std[i][k] of q(x|y_i, z=k). */
export interface CategoricalNormalOutputs {
  probs: number[][];
  mean: number[][];
  std: number[][];
}

/**
 * q(z, x | y) = Categorical(z; softmax(eta_z(y))) N(x; eta_mu(y, z), exp(eta_s(y, z))^2)
 * with MLPs; the x networks take [y, onehot(z)] (note-3's inference network).
 * z is drawn without reparameterization (score function in qpLoss) or summed
 * out with qpLoss(..., { enumerate: true }); x is reparameterized.
 */
export class CategoricalNormalGuide implements Guide {
  readonly params: readonly ParamStore[];
  readonly K: number;
  readonly discreteSite: string;
  readonly continuousSite: string;
  readonly logitsNet: MLP;
  readonly meanNet: MLP;
  readonly logStdNet: MLP;

  constructor({ K, obsDim = 1, hidden = [16, 16], activation = "tanh", discreteSite = "z", continuousSite = "x", rng = 0 }: CategoricalNormalGuideOptions) {
    assertInteger("K", K, 1);
    assertInteger("obsDim", obsDim, 1);
    this.K = K;
    this.discreteSite = discreteSite;
    this.continuousSite = continuousSite;
    const specs = new ParamSpecs();
    this.logitsNet = new MLP([obsDim, ...hidden, K], { activation, specs: specs.scope("logits") });
    this.meanNet = new MLP([obsDim + K, ...hidden, 1], { activation, specs: specs.scope("mean") });
    this.logStdNet = new MLP([obsDim + K, ...hidden, 1], { activation, specs: specs.scope("logStd") });
    this.params = [specs.build(rng instanceof Rng ? rng : new Rng(rng))];
  }

  private discreteValue(given: LatentValues, B: number): Int32Array {
    const z = given[this.discreteSite];
    if (!(z instanceof Int32Array) || z.length !== B) {
      throw new ShapeError(`values.${this.discreteSite}`, `an Int32Array of ${B} indices`, z instanceof Int32Array ? `${z.length} indices` : String(z));
    }
    return z;
  }

  /** (mean, logStd) of q(x | y, z), each [B, 1]. */
  private xHead(obs: Tensor, z: Int32Array): { mean: Tensor; logStd: Tensor } {
    const input = concatCols([obs, oneHot(z, this.K, obs.rt)]);
    return { mean: this.meanNet.forward(input), logStd: this.logStdNet.forward(input) };
  }

  sample(batch: Batch, rng: Rng, given?: LatentValues): GuideSample {
    const B = batch.obs.rows;
    const logits = this.logitsNet.forward(batch.obs);
    const zGiven = given?.[this.discreteSite] !== undefined;
    const z = zGiven ? this.discreteValue(given!, B) : sampleCategorical(logits, rng);
    const logQz = categoricalLogProb(logits, z);
    const { mean, logStd } = this.xHead(batch.obs, z);
    const x = given?.[this.continuousSite] !== undefined ? tensorValue(given, this.continuousSite) : normalRsample(mean, logStd, rng.normal([B, 1]));
    return {
      values: { [this.discreteSite]: z, [this.continuousSite]: x },
      logQ: add(logQz, normalLogProb(x, mean, logStd)),
      logQScore: zGiven ? null : logQz,
    };
  }

  /** log q(z | y) + log q(x | y, z) -> [B]. */
  logProb(values: LatentValues, batch: Batch): Tensor {
    const z = this.discreteValue(values, batch.obs.rows);
    const { mean, logStd } = this.xHead(batch.obs, z);
    return add(categoricalLogProb(this.logitsNet.forward(batch.obs), z), normalLogProb(tensorValue(values, this.continuousSite), mean, logStd));
  }

  enumerationSite(batch: Batch): { name: string; logits: Tensor } {
    return { name: this.discreteSite, logits: this.logitsNet.forward(batch.obs) };
  }

  /** Network outputs at scalar observations (evaluation, no gradient). */
  outputs(ys: readonly number[]): CategoricalNormalOutputs {
    return evaluateAt(ys, (obs) => {
      const probs = softmax(this.logitsNet.forward(obs)).toRows();
      const mean: number[][] = ys.map(() => []);
      const std: number[][] = ys.map(() => []);
      for (let k = 0; k < this.K; k++) {
        const { mean: m, logStd } = this.xHead(obs, new Int32Array(ys.length).fill(k));
        m.toArray().forEach((v, i) => mean[i].push(v));
        logStd.toArray().forEach((v, i) => std[i].push(Math.exp(v)));
      }
      return { probs, mean, std };
    });
  }
}
