// The note-4 inference network, written the way a user of the library would
// write a guide with data-dependent structure: public modules only (MLP,
// ParamSpecs, ops), branches selected with one-hot masks so that the batch is
// processed at once. test/experiments/notes/models/open-universe.test.ts checks that every name
// imported here is exported by the package entry point (no core change needed).
import { ShapeError, describeShape } from "../../core/errors.js";
import { Rng } from "../../core/rng.js";
import { Tensor } from "../../core/tensor.js";
import { add, mul } from "../../autodiff/ops/binary.js";
import { categoricalLogProb, sampleCategorical } from "../../autodiff/ops/categorical.js";
import { normalLogProb, normalRsample } from "../../autodiff/ops/gaussian.js";
import { matmul } from "../../autodiff/ops/linalg.js";
import { softmax, sumCols } from "../../autodiff/ops/reduce.js";
import { concatCols, oneHot, reshape } from "../../autodiff/ops/shape.js";
import { noGrad } from "../../autodiff/tape.js";
import { MLP } from "../../nn/mlp.js";
import { ParamSpecs } from "../../nn/module.js";
import type { ParamStore } from "../../nn/param-store.js";
import type { Batch, LatentValues } from "../../models/model.js";
import type { Guide, GuideSample } from "../../models/guide.js";

export interface Note4GuideOptions {
  /** Width of the two hidden layers of every network. Default 8 (the note's 1-8-8-2 / 3-8-8-1). */
  hidden?: number;
  /** Seed or generator of the initial weights. Default 0. */
  rng?: Rng | number;
}

/** What the network says at one observation y: q(k | y), q(z | y) and the Normal q(x | y, k, z) of each branch. */
export interface Note4GuideOutputs {
  y: number;
  k: [number, number];
  z: [number, number];
  /** (mean, std) of q(x | y, k = 1), q(x | y, k = 2, z = 0), q(x | y, k = 2, z = 1). */
  x: { means: [number, number, number]; stds: [number, number, number] };
}

/**
 * Inference network of note-4: q(k | y) = Cat(softmax(MLP 1-8-8-2 (y)));
 * k = 1: q(x | y) = N(m1(y), exp(l1(y))^2); k = 2: q(z | y) = Cat(softmax(MLP 1-8-8-2 (y))),
 * q(x | y, z) = N(m2([y, onehot z]), exp(l2([y, onehot z]))^2), every MLP tanh.
 *   log q = log q(k|y) + [k=2] log q(z|y) + log q(x|y,k,z).
 * k and z are scored (logQScore, score-function gradient); x is reparameterized.
 */
export class Note4Guide implements Guide {
  readonly params: readonly ParamStore[];
  private readonly kNet: MLP;
  private readonly zNet: MLP;
  private readonly mean1: MLP;
  private readonly logStd1: MLP;
  private readonly mean2: MLP;
  private readonly logStd2: MLP;
  private readonly secondBranch: Tensor;

  constructor({ hidden = 8, rng = 0 }: Note4GuideOptions = {}) {
    const specs = new ParamSpecs();
    const mlp = (name: string, sizes: number[]) => new MLP(sizes, { activation: "tanh", specs: specs.scope(name) });
    this.kNet = mlp("k", [1, hidden, hidden, 2]);
    this.mean1 = mlp("mean1", [1, hidden, hidden, 1]);
    this.logStd1 = mlp("logStd1", [1, hidden, hidden, 1]);
    this.zNet = mlp("z", [1, hidden, hidden, 2]);
    this.mean2 = mlp("mean2", [3, hidden, hidden, 1]);
    this.logStd2 = mlp("logStd2", [3, hidden, hidden, 1]);
    this.params = [specs.build(rng instanceof Rng ? rng : new Rng(rng))];
    this.secondBranch = Tensor.from([0, 1], [2, 1], "persistent");
  }

  sample(batch: Batch, rng: Rng): GuideSample {
    const y = observations(batch);
    const kLogits = this.kNet.forward(y);
    const zLogits = this.zNet.forward(y);
    const k = sampleCategorical(kLogits, rng);
    const z = sampleCategorical(zLogits, rng);
    const { mean, logStd } = this.xParams(y, k, z);
    const x = normalRsample(mean, logStd, rng.normal([y.rows, 1]));
    return this.score({ k, z, x }, kLogits, zLogits, mean, logStd);
  }

  logProb(values: LatentValues, batch: Batch): Tensor {
    const y = observations(batch);
    const { k, z, x } = values as { k: Int32Array; z: Int32Array; x: Tensor };
    const { mean, logStd } = this.xParams(y, k, z);
    return this.score({ k, z, x }, this.kNet.forward(y), this.zNet.forward(y), mean, logStd).logQ;
  }

  /** The network's outputs at each y (evaluation; no gradient). */
  outputs(ys: readonly number[]): Note4GuideOutputs[] {
    return noGrad(() => {
      const y = Tensor.from(ys, [ys.length, 1]);
      const pk = softmax(this.kNet.forward(y)).toRows();
      const pz = softmax(this.zNet.forward(y)).toRows();
      const m1 = this.mean1.forward(y).toArray();
      const s1 = this.logStd1.forward(y).toArray().map(Math.exp);
      const branch2 = [0, 1].map((zi) => {
        const yz = concatCols([y, oneHot(new Int32Array(ys.length).fill(zi), 2)]);
        return { m: this.mean2.forward(yz).toArray(), s: this.logStd2.forward(yz).toArray().map(Math.exp) };
      });
      return ys.map((yi, i) => ({
        y: yi,
        k: [pk[i][0], pk[i][1]] as [number, number],
        z: [pz[i][0], pz[i][1]] as [number, number],
        x: {
          means: [m1[i], branch2[0].m[i], branch2[1].m[i]] as [number, number, number],
          stds: [s1[i], branch2[0].s[i], branch2[1].s[i]] as [number, number, number],
        },
      }));
    });
  }

  /** Mean and log-std of q(x | y, k, z) for each row, [B, 1] each: branch k's networks picked by onehot(k). */
  private xParams(y: Tensor, k: Int32Array, z: Int32Array): { mean: Tensor; logStd: Tensor } {
    const yz = concatCols([y, oneHot(z, 2)]);
    const kMask = oneHot(k, 2);
    const pick = (first: Tensor, second: Tensor) => reshape(sumCols(mul(kMask, concatCols([first, second]))), [y.rows, 1]);
    return {
      mean: pick(this.mean1.forward(y), this.mean2.forward(yz)),
      logStd: pick(this.logStd1.forward(y), this.logStd2.forward(yz)),
    };
  }

  private score(values: { k: Int32Array; z: Int32Array; x: Tensor }, kLogits: Tensor, zLogits: Tensor, mean: Tensor, logStd: Tensor): GuideSample {
    const isSecond = matmul(oneHot(values.k, 2), this.secondBranch).reshape([values.k.length]);
    const logQScore = add(categoricalLogProb(kLogits, values.k), mul(isSecond, categoricalLogProb(zLogits, values.z)));
    const logQ = add(logQScore, normalLogProb(values.x, mean, logStd));
    return { values, logQ, logQScore };
  }
}

function observations(batch: Batch): Tensor {
  const y = batch.obs;
  if (y.rank !== 2 || y.cols !== 1) throw new ShapeError("batch.obs", "shape [B, 1]", `shape ${describeShape(y.shape)}`);
  return y;
}
