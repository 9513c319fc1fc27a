import type { Precision } from "../autodiff/ops/linalg.js";
import { isRecording } from "../autodiff/tape.js";
import { DomainError, ShapeError, assertInteger, describeShape } from "../core/errors.js";
import { Rng } from "../core/rng.js";
import type { Tensor } from "../core/tensor.js";
import type { ProbModel } from "../model/model.js";
import type { Likelihood } from "../models/likelihood.js";
import { VaeModel, type DecoderOptions, type PassListener, type PassSource } from "../models/vae.js";
import type { MLP } from "../nn/mlp.js";
import type { ParamStore } from "../nn/param-store.js";
import { makeFamily, type Family } from "./families/family.js";
import { mlpNet, type InferenceNet, type NormalFactor } from "./families/nets.js";

export interface VaeOptions {
  /** Size of one observation x (D). */
  obsDim: number;
  /** Size of the latent z (Z). Default 1. */
  latentDim?: number;
  /** Hidden width H of the default networks (decoder Z-H-H-D, encoder D-H-H-2Z, tanh). Default 50. */
  hidden?: number;
  /** The decoder MLP (hidden widths, activation). Default: [H, H], tanh. */
  decoder?: DecoderOptions;
  /** p(x | decoder output). Default gaussianLikelihood() (learned noise scale, initially 0.5). */
  likelihood?: Likelihood;
  /** The encoder's inference network. Default mlpNet({ width: H, depth: 2, activation: "tanh", heads: "split" }): one MLP D-H-H-2Z. */
  encoder?: InferenceNet;
  /** Arithmetic of the default networks' dense layers (parameters stay f64). Default "f64". */
  precision?: Precision;
  /** Seed or generator: the decoder is initialized from rng.fork(0), the encoder from rng.fork(1). Default 0. */
  rng?: Rng | number;
}

/**
 * A variational autoencoder as the pair the engine trains: `model`, the
 * generative model in the model language (VaeModel: z ~ N(0, I) local in
 * the plate, x ~ likelihood(decoder(z)), the decoder a module of the model),
 * and `guide`, the amortized encoder q_phi(z | x) = N(mu_phi(x), diag
 * exp(2 s_phi(x))): the library's Gaussian family (Family, kind "avi") with
 * the encoder as its inference network. fit({ model: vae.model, guide:
 * vae.guide, ... }) trains both; schedules may update either alone.
 * Encoder and decoder passes are reported to `passListener` (PassCounter).
 */
export class VAE implements PassSource {
  readonly model: ProbModel;
  readonly guide: Family;
  /** The generative model's object (decode, likelihood, decoder store). */
  readonly generative: VaeModel;
  readonly obsDim: number;
  readonly latentDim: number;
  private listener: PassListener | null = null;

  constructor(options: VaeOptions) {
    const { obsDim, latentDim = 1, hidden = 50 } = options ?? ({} as VaeOptions);
    assertInteger("hidden", hidden, 1);
    const rng = options.rng instanceof Rng ? options.rng : new Rng(options.rng ?? 0);
    this.generative = new VaeModel({
      obsDim,
      latentDim,
      decoder: { hidden: [hidden, hidden], ...options.decoder },
      likelihood: options.likelihood,
      precision: options.precision,
      rng: rng.fork(0),
    });
    this.obsDim = obsDim;
    this.latentDim = latentDim;
    this.model = this.generative.model;
    const net = options.encoder ?? mlpNet({ width: hidden, depth: 2, activation: "tanh", heads: "split", precision: options.precision });
    if (!net || typeof net.build !== "function") throw new DomainError("encoder", "an InferenceNet (mlpNet(...), ...)", String(net));
    this.guide = makeFamily(this.model, null, { kind: "avi", net: this.counted(net), rng: rng.fork(1) });
  }

  /** Listener of every encoder and decoder pass (PassCounter.attach sets it). */
  get passListener(): PassListener | null {
    return this.listener;
  }

  set passListener(listener: PassListener | null) {
    this.listener = listener;
    this.generative.passListener = listener;
  }

  /** theta: the decoder MLP and the likelihood's parameters, one store. */
  get decoderParams(): ParamStore {
    return this.generative.decoderParams;
  }

  /** phi: the encoder's store (the guide's only store). */
  get encoderParams(): ParamStore {
    return this.guide.localStore;
  }

  get decoderNet(): MLP {
    return this.generative.decoderNet;
  }

  /** Decoder output f_theta(z): [B, Z] -> [B, D]. */
  decode(z: Tensor): Tensor {
    return this.generative.decode(z);
  }

  /** The encoder's q_phi(z | x) as (mean, log std): [B, D] -> two [B, Z]. */
  encode(x: Tensor): NormalFactor {
    if (x.rank !== 2 || x.cols !== this.obsDim) throw new ShapeError("x", `[B, ${this.obsDim}]`, describeShape(x.shape));
    return this.guide.localFactors({ obs: x }).z;
  }

  /** Frees both stores. */
  dispose(): void {
    this.generative.dispose();
    this.guide.dispose();
  }

  /** The encoder net with every pass reported to the listener. */
  private counted(net: InferenceNet): InferenceNet {
    return {
      name: net.name,
      build: (specs, F, d) => {
        const fn = net.build(specs, F, d);
        return (x) => {
          this.listener?.("encoder", x.rows, isRecording());
          return fn(x);
        };
      },
    };
  }
}

/** vae({ obsDim, latentDim, hidden, decoder, likelihood, encoder, rng }): a VAE object holding the model and its amortized guide (see VAE). */
export function vae(options: VaeOptions): VAE {
  return new VAE(options);
}
