import { dense } from "../../../autodiff/ops/linalg.js";
import { reshape } from "../../../autodiff/ops/shape.js";
import { DomainError, ShapeError, UnknownNameError, assertInteger, assertPositive, describeShape } from "../../../core/errors.js";
import { Tensor } from "../../../core/tensor.js";
import { Bernoulli } from "../../../distributions/bernoulli.js";
import { DiagNormal } from "../../../distributions/normal.js";
import { defineModel, type ProbModel } from "../../../model/model.js";

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

/** One decoder layer's two global sites: W [in, out] (a [1, in * out] value) and b [out] (a [1, out] value). */
export interface DecoderLayerSites {
  readonly weight: string;
  readonly bias: string;
  readonly inSize: number;
  readonly outSize: number;
}

/** Values of the decoder's weight and bias sites by name, each [1, size]. */
export type DecoderWeights = Readonly<Record<string, Tensor>>;

/**
 * VAE with a Bayesian decoder ("BNN" study of document 000), in the model
 * language: every decoder weight matrix and bias vector is a GLOBAL latent
 * site with prior N(0, s_w^2 I) (layer l: sites "w{l}" and "b{l}"), and in the
 * plate of images z_n ~ N(0, I_d) (local) and
 * x_n ~ Bernoulli(sigmoid(decoder_W(z_n))) per pixel (x in [0, 1]), decoder
 * d-256-256-D with LeakyReLU(0.2). A mean-field Gaussian family puts one free
 * factor on each global site (the decoder weights' posterior) and F-VI /
 * A-VI factors on z.
 */
export class BayesianDecoderVae {
  readonly model: ProbModel;
  readonly obsDim: number;
  readonly latentDim: number;
  readonly hidden: readonly number[];
  readonly slope: number;
  readonly weightPriorStd: number;
  /** The decoder's layers as pairs of global sites, input to output. */
  readonly layers: readonly DecoderLayerSites[];
  /** Number of decoder parameters (the sum of the global sites' sizes). */
  readonly thetaDim: number;
  private readonly zero: Tensor;
  private readonly logPriorStd: Tensor;

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
    this.layers = sizes.slice(1).map((outSize, l) => ({ weight: `w${l}`, bias: `b${l}`, inSize: sizes[l], outSize }));
    this.thetaDim = this.layers.reduce((s, l) => s + l.inSize * l.outSize + l.outSize, 0);
    this.zero = Tensor.zeros([1], "persistent");
    this.logPriorStd = Tensor.full([1], Math.log(weightPriorStd), "persistent");
    this.model = defineModel("bayesian-decoder-vae", (m) => {
      const weights: Record<string, Tensor> = {};
      for (const l of this.layers) {
        weights[l.weight] = m.sample(l.weight, new DiagNormal(this.zero, this.logPriorStd), { dim: l.inSize * l.outSize });
        weights[l.bias] = m.sample(l.bias, new DiagNormal(this.zero, this.logPriorStd), { dim: l.outSize });
      }
      m.plate("images", () => {
        const z = m.sample("z", new DiagNormal(this.zero, this.zero), { dim: latentDim });
        m.observe("x", new Bernoulli(this.decode(weights, z)));
      });
    });
  }

  /** He-normal initial weights (zero biases) by site name, e.g. for the variational means; `normals(n)` gives n standard normals. */
  initialWeights(normals: (n: number) => Float64Array): Record<string, Float64Array> {
    const out: Record<string, Float64Array> = {};
    for (const l of this.layers) {
      const e = normals(l.inSize * l.outSize);
      const sd = Math.sqrt(2 / l.inSize);
      out[l.weight] = e.map((v) => sd * v);
      out[l.bias] = new Float64Array(l.outSize);
    }
    return out;
  }

  /** Decoder logits [B, D] for z [B, d] and the weight sites' values (each layer dense(h, W, b)). */
  decode(weights: DecoderWeights, z: Tensor): Tensor {
    if (z.rank !== 2 || z.cols !== this.latentDim) throw new ShapeError("z", `shape [B, ${this.latentDim}]`, `shape ${describeShape(z.shape)}`);
    const last = this.layers.length - 1;
    let h = z;
    this.layers.forEach((l, i) => {
      const W = reshape(siteValue(weights, l.weight, l.inSize * l.outSize), [l.inSize, l.outSize]);
      const b = reshape(siteValue(weights, l.bias, l.outSize), [l.outSize]);
      h = dense(h, W, b, i === last ? "identity" : "leakyRelu", this.slope);
    });
    return h;
  }

  /** Frees the prior's constants. */
  dispose(): void {
    this.zero.dispose();
    this.logPriorStd.dispose();
  }
}

function siteValue(weights: DecoderWeights, name: string, size: number): Tensor {
  const t = weights[name];
  if (!(t instanceof Tensor)) throw new UnknownNameError(`weights.${name}`, `a Tensor [1, ${size}]`, t === undefined ? "nothing" : String(t));
  if (t.size !== size) throw new ShapeError(`weights.${name}`, `${size} values ([1, ${size}])`, `shape ${describeShape(t.shape)}`);
  return t;
}
