import { add } from "../../../autodiff/ops/binary.js";
import { bernoulliLogProb, normalLogProb } from "../../../autodiff/ops/gaussian.js";
import { dense } from "../../../autodiff/ops/linalg.js";
import { sum } from "../../../autodiff/ops/reduce.js";
import { reshape, sliceCols } from "../../../autodiff/ops/shape.js";
import { DomainError, ShapeError, assertInteger, assertPositive, describeShape } from "../../../core/errors.js";
import { Tensor } from "../../../core/tensor.js";
import type { Batch, LatentSite, LatentValues, Model } from "../../../models/model.js";

export interface BayesianVaeOptions {
  /** Size of one observation (784 for 28 x 28 images). Default 784. */
  obsDim?: number;
  /** Size of z. Default 64. */
  latentDim?: number;
  /** Hidden widths of the decoder. Default [256, 256]. */
  hidden?: readonly number[];
  /** LeakyReLU negative slope of the hidden layers. Default 0.2. */
  slope?: number;
  /** Std of the N(0, std^2) prior on every decoder weight and bias. Default 1. */
  weightPriorStd?: number;
}

/** Where one decoder layer's W [in, out] and b [out] sit in the flat global vector theta. */
interface LayerSlot {
  inSize: number;
  outSize: number;
  wAt: number;
  bAt: number;
}

/**
 * VAE with a Bayesian decoder ("BNN" study of document 000): z_n ~ N(0, I_d),
 * theta ~ N(0, s_w^2 I) (all decoder weights and biases, ONE global site),
 * x_n ~ Bernoulli(sigmoid(decoder_theta(z_n))) per pixel (x in [0, 1]), decoder
 * d-256-256-D with LeakyReLU(0.2). Per-datapoint terms: log N(z_n; 0, I) + log p(x_n | z_n, theta).
 */
export class BayesianDecoderVae implements Model {
  readonly name = "bayesian-decoder-vae";
  readonly latents: readonly LatentSite[];
  readonly obsDim: number;
  readonly latentDim: number;
  readonly hidden: readonly number[];
  readonly slope: number;
  readonly weightPriorStd: number;
  /** Number of decoder parameters (the size of theta). */
  readonly thetaDim: number;
  private readonly layers: LayerSlot[];

  constructor({ obsDim = 784, latentDim = 64, hidden = [256, 256], slope = 0.2, weightPriorStd = 1 }: BayesianVaeOptions = {}) {
    assertInteger("obsDim", obsDim, 1);
    assertInteger("latentDim", latentDim, 1);
    if (!Array.isArray(hidden)) throw new DomainError("hidden", "an array of hidden widths", String(hidden));
    hidden.forEach((h, i) => assertInteger(`hidden[${i}]`, h, 1));
    if (!(slope >= 0) || !Number.isFinite(slope)) throw new DomainError("slope", "a finite value >= 0", String(slope));
    assertPositive("weightPriorStd", weightPriorStd);
    this.obsDim = obsDim;
    this.latentDim = latentDim;
    this.hidden = hidden.slice();
    this.slope = slope;
    this.weightPriorStd = weightPriorStd;
    const sizes = [latentDim, ...hidden, obsDim];
    let at = 0;
    this.layers = sizes.slice(1).map((outSize, l) => {
      const inSize = sizes[l];
      const slot = { inSize, outSize, wAt: at, bAt: at + inSize * outSize };
      at += inSize * outSize + outSize;
      return slot;
    });
    this.thetaDim = at;
    this.latents = [
      { name: "z", scope: "local", dim: latentDim, support: { kind: "real" } },
      { name: "theta", scope: "global", dim: this.thetaDim, support: { kind: "real" } },
    ];
  }

  /** He-normal initial decoder weights (zero biases) as a flat theta, e.g. for the variational mean. */
  initialTheta(normals: (n: number) => Float64Array): Float64Array {
    const theta = new Float64Array(this.thetaDim);
    for (const l of this.layers) {
      const e = normals(l.inSize * l.outSize);
      const sd = Math.sqrt(2 / l.inSize);
      for (let k = 0; k < e.length; k++) theta[l.wAt + k] = sd * e[k];
    }
    return theta;
  }

  /** Decoder logits [B, D] for z [B, d] and weights theta [1, P] (each layer dense(h, W, b)). */
  decode(theta: Tensor, z: Tensor): Tensor {
    if (theta.size !== this.thetaDim) throw new ShapeError("theta", `${this.thetaDim} values ([1, ${this.thetaDim}])`, `shape ${describeShape(theta.shape)}`);
    if (z.rank !== 2 || z.cols !== this.latentDim) throw new ShapeError("z", `shape [B, ${this.latentDim}]`, `shape ${describeShape(z.shape)}`);
    const flat = theta.rank === 2 ? theta : reshape(theta, [1, this.thetaDim]);
    const last = this.layers.length - 1;
    let h = z;
    this.layers.forEach((l, i) => {
      const W = reshape(sliceCols(flat, l.wAt, l.bAt), [l.inSize, l.outSize]);
      const b = reshape(sliceCols(flat, l.bAt, l.bAt + l.outSize), [l.outSize]);
      h = dense(h, W, b, i === last ? "identity" : "leakyRelu", this.slope);
    });
    return h;
  }

  /** log N(z_n; 0, I) + sum_pixels log Bernoulli(x_n; sigmoid(logits_n)), Tensor [B]. */
  logJoint(values: LatentValues, batch: Batch): Tensor {
    const z = values.z;
    const theta = values.theta;
    if (!(z instanceof Tensor)) throw new DomainError("values.z", `a Tensor [B, ${this.latentDim}]`, z === undefined ? "nothing" : "an Int32Array");
    if (!(theta instanceof Tensor)) throw new DomainError("values.theta", `a Tensor [1, ${this.thetaDim}]`, theta === undefined ? "nothing" : "an Int32Array");
    const x = batch.obs;
    if (x.cols !== this.obsDim || x.rows !== z.rows) {
      throw new ShapeError("batch.obs", `shape [${z.rows}, ${this.obsDim}] (one image per row of z)`, `shape ${describeShape(x.shape)}`);
    }
    const prior = normalLogProb(z, Tensor.scalar(0), Tensor.scalar(0));
    return add(prior, bernoulliLogProb(x, this.decode(theta, z)));
  }

  /** log N(theta; 0, s_w^2 I) summed, Tensor [1]. */
  logPriorGlobal(values: LatentValues): Tensor {
    const theta = values.theta;
    if (!(theta instanceof Tensor)) throw new DomainError("values.theta", `a Tensor [1, ${this.thetaDim}]`, "nothing");
    return sum(normalLogProb(theta, Tensor.scalar(0), Tensor.scalar(Math.log(this.weightPriorStd))));
  }
}
