import { checkPrecision, type Activation, type Precision } from "../autodiff/ops/linalg.js";
import { isRecording } from "../autodiff/tape.js";
import { DomainError, ShapeError, assertInteger, describeShape } from "../core/errors.js";
import { Rng } from "../core/rng.js";
import { Tensor } from "../core/tensor.js";
import type { Distribution } from "../distributions/distribution.js";
import { DiagNormal } from "../distributions/normal.js";
import { defineModel, type ProbModel } from "../model/model.js";
import { MLP } from "../nn/mlp.js";
import { ParamSpecs } from "../nn/module.js";
import type { ParamStore } from "../nn/param-store.js";
import { gaussianLikelihood, type Likelihood } from "./likelihood.js";

/** Which network ran a pass. */
export type Network = "encoder" | "decoder";

/**
 * Told about every network pass: `rows` datapoints (rows of the input)
 * went forward; `withBackward` when the pass was recorded for a gradient
 * (inside valueAndGrad, so a backward pass over the same rows follows).
 */
export type PassListener = (network: Network, rows: number, withBackward: boolean) => void;

/** Anything whose network passes can be counted (a VAE, its decoder model). */
export interface PassSource {
  passListener: PassListener | null;
}

export interface DecoderOptions {
  /** Hidden widths of the decoder MLP Z-hidden...-D. Default [50, 50]. */
  hidden?: readonly number[];
  /** Hidden-layer activation. Default "tanh". */
  activation?: Activation;
}

export interface VaeModelOptions {
  /** Size of one observation x (D). */
  obsDim: number;
  /** Size of the latent z (Z). Default 1. */
  latentDim?: number;
  decoder?: DecoderOptions;
  /** p(x | decoder output). Default gaussianLikelihood() (learned noise scale, initially 0.5). */
  likelihood?: Likelihood;
  /** Arithmetic of the decoder's dense layers (parameters stay f64). Default "f64". */
  precision?: Precision;
  /** Seed or generator of the decoder's initialization. Default 0. */
  rng?: Rng | number;
}

/**
 * The generative model of a VAE, written once in the model language:
 *
 *   theta: m.module("decoder", f_theta)           (the MLP and the likelihood's parameters, one store)
 *   plate n:  z_n ~ N(0, I_Z)                     (local latent, [B, Z])
 *             x_n ~ likelihood(f_theta(z_n))      (observed, [B, D])
 *
 * Kingma & Welling 2014. `model` gives the engine everything (site list, log
 * p(x, z) of given values, draws from the joint); the decoder's parameters
 * are the model's learnable parameters, trained by fit().
 */
export class VaeModel implements PassSource {
  readonly model: ProbModel;
  readonly obsDim: number;
  readonly latentDim: number;
  readonly likelihood: Likelihood;
  /** f_theta: Z -> decoder output (D means, or D logits). */
  readonly decoderNet: MLP;
  /** theta: the decoder MLP and the likelihood's parameters (e.g. "logSigma"). */
  readonly decoderParams: ParamStore;
  /** Notified of every decoder pass (the training loop's pass counter). */
  passListener: PassListener | null = null;
  private readonly observation: (decoded: Tensor) => Distribution;
  private readonly zero: Tensor;

  constructor(options: VaeModelOptions) {
    const { obsDim, latentDim = 1, decoder = {} } = options ?? ({} as VaeModelOptions);
    assertInteger("obsDim", obsDim, 1);
    assertInteger("latentDim", latentDim, 1);
    const hidden = decoder.hidden ?? [50, 50];
    if (!Array.isArray(hidden)) throw new DomainError("decoder.hidden", "an array of hidden widths", String(hidden));
    hidden.forEach((h, i) => assertInteger(`decoder.hidden[${i}]`, h, 1));
    const precision = checkPrecision("precision", options.precision ?? "f64");
    const likelihood = options.likelihood ?? gaussianLikelihood();
    if (!likelihood || typeof likelihood.build !== "function") throw new DomainError("likelihood", "a Likelihood (gaussianLikelihood(), bernoulliLikelihood(), ...)", String(likelihood));
    const rng = options.rng instanceof Rng ? options.rng : new Rng(options.rng ?? 0);
    this.obsDim = obsDim;
    this.latentDim = latentDim;
    this.likelihood = likelihood;
    const specs = new ParamSpecs();
    this.decoderNet = new MLP([latentDim, ...hidden, obsDim], { specs: specs.scope("decoder"), activation: decoder.activation ?? "tanh", precision });
    this.observation = likelihood.build(specs, obsDim);
    this.decoderParams = specs.build(rng);
    this.zero = Tensor.zeros([1], "persistent");
    const Z = latentDim;
    this.model = defineModel("vae", (m) => {
      m.module("decoder", this.decoderNet);
      m.plate("data", () => {
        const z = m.sample("z", new DiagNormal(this.zero, this.zero), { dim: Z });
        m.observe("x", this.observation(this.decode(z)));
      });
    });
  }

  /** Decoder output f_theta(z): [B, Z] -> [B, D]. */
  decode(z: Tensor): Tensor {
    if (z.rank !== 2 || z.cols !== this.latentDim) throw new ShapeError("z", `[B, ${this.latentDim}]`, describeShape(z.shape));
    this.passListener?.("decoder", z.rows, isRecording());
    return this.decoderNet.forward(z);
  }

  /** p_theta(x | z) for z [B, Z]: the likelihood at the decoder's output. */
  observationDistribution(z: Tensor): Distribution {
    return this.observation(this.decode(z));
  }

  /** Frees the decoder's store. */
  dispose(): void {
    this.decoderParams.dispose();
    this.zero.dispose();
  }
}

/** vaeModel({ obsDim, latentDim, decoder, likelihood }): a VAE's generative model in the language (see VaeModel). */
export function vaeModel(options: VaeModelOptions): VaeModel {
  return new VaeModel(options);
}
