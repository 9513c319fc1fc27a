import { normalLogProb, normalRsample } from "../autodiff/ops/gaussian.js";
import { add } from "../autodiff/ops/binary.js";
import { repeatRows, sliceCols } from "../autodiff/ops/shape.js";
import { checkPrecision, type Precision } from "../autodiff/ops/linalg.js";
import { isRecording } from "../autodiff/tape.js";
import { DomainError, ShapeError, assertInteger, describeShape } from "../core/errors.js";
import { Rng } from "../core/rng.js";
import { Tensor } from "../core/tensor.js";
import type { Guide, GuideSample } from "./guide.js";
import { constant } from "../nn/init.js";
import { MLP } from "../nn/mlp.js";
import { ParamSpecs, type Param } from "../nn/module.js";
import type { ParamStore } from "../nn/param-store.js";
import type { Batch, LatentSite, LatentValues, Model } from "./model.js";

/** Which network ran a pass. */
export type Network = "encoder" | "decoder";

/**
 * Told about every network pass: `rows` datapoints (rows of the input)
 * went forward; `withBackward` when the pass was recorded for a gradient
 * (inside valueAndGrad, so a backward pass over the same rows follows).
 */
export type PassListener = (network: Network, rows: number, withBackward: boolean) => void;

export interface VAEOptions {
  /** Size of one observation x (D). */
  obsDim: number;
  /** Size of the latent z (Z). Default 1. */
  latentDim?: number;
  /** Hidden width H of both MLPs (two hidden tanh layers). Default 50. */
  hidden?: number;
  /** Initial log of the decoder noise scale. Default log(0.5). */
  initLogSigma?: number;
  /** Seed or generator for the initialization (decoder first, then encoder). Default 0. */
  rng?: Rng | number;
  /** Arithmetic of both MLPs' dense layers (see Precision; parameters stay f64). Default "f64". */
  precision?: Precision;
}

/**
 * Variational autoencoder with a Gaussian decoder:
 *   p(z) = N(0, I_Z),  p_theta(x | z) = N(x; f_theta(z), diag(exp(2 logSigma))),
 * f_theta an MLP Z-H-H-D with tanh hidden layers, logSigma [D] learned;
 * encoder q_phi(z | x) = N(mu_phi(x), diag(exp(2 s_phi(x)))) from an MLP D-H-H-2Z.
 * Decoder parameters (theta: f and logSigma) and encoder parameters (phi) live
 * in two separate stores so that schedules can update either alone.
 */
export class VAE implements Model {
  readonly name = "vae";
  readonly latents: readonly LatentSite[];
  readonly obsDim: number;
  readonly latentDim: number;
  readonly hidden: number;
  readonly decoderNet: MLP;
  readonly encoderNet: MLP;
  readonly logSigma: Param;
  /** theta: decoder MLP + noise scale. */
  readonly decoderParams: ParamStore;
  /** phi: encoder MLP. */
  readonly encoderParams: ParamStore;
  /** The amortized Gaussian guide q_phi(z | x) (params: [encoderParams]). */
  readonly encoder: GaussianEncoder;
  /** Notified of every encoder / decoder pass (the training loop's pass counter). */
  passListener: PassListener | null = null;
  private readonly zero: Tensor;

  constructor(options: VAEOptions) {
    const { obsDim, latentDim = 1, hidden = 50, initLogSigma = Math.log(0.5) } = options ?? ({} as VAEOptions);
    assertInteger("obsDim", obsDim, 1);
    assertInteger("latentDim", latentDim, 1);
    assertInteger("hidden", hidden, 1);
    if (!Number.isFinite(initLogSigma)) throw new DomainError("initLogSigma", "a finite number", String(initLogSigma));
    const precision = checkPrecision("precision", options.precision ?? "f64");
    const rng = options.rng instanceof Rng ? options.rng : new Rng(options.rng ?? 0);
    this.obsDim = obsDim;
    this.latentDim = latentDim;
    this.hidden = hidden;
    this.latents = [{ name: "z", scope: "local", dim: latentDim, support: { kind: "real" } }];
    const dec = new ParamSpecs();
    this.decoderNet = new MLP([latentDim, hidden, hidden, obsDim], { specs: dec.scope("decoder"), activation: "tanh", precision });
    this.logSigma = dec.add("logSigma", [obsDim], constant(initLogSigma));
    this.decoderParams = dec.build(rng.fork(0));
    const enc = new ParamSpecs();
    this.encoderNet = new MLP([obsDim, hidden, hidden, 2 * latentDim], { specs: enc.scope("encoder"), activation: "tanh", precision });
    this.encoderParams = enc.build(rng.fork(1));
    this.encoder = new GaussianEncoder(this);
    this.zero = Tensor.zeros([1], "persistent");
  }

  /** Decoder mean f_theta(z): [B, Z] -> [B, D]. */
  decode(z: Tensor): Tensor {
    assertShape2("z", z, this.latentDim);
    this.passListener?.("decoder", z.rows, isRecording());
    return this.decoderNet.forward(z);
  }

  /** Encoder output (mean, log std) of q_phi(z | x): [B, D] -> two [B, Z]. */
  encode(x: Tensor): { mean: Tensor; logStd: Tensor } {
    assertShape2("x", x, this.obsDim);
    this.passListener?.("encoder", x.rows, isRecording());
    const h = this.encoderNet.forward(x);
    const Z = this.latentDim;
    return { mean: sliceCols(h, 0, Z), logStd: sliceCols(h, Z, 2 * Z) };
  }

  /** log p_theta(x | z) -> [B]. */
  logLikelihood(z: Tensor, x: Tensor): Tensor {
    assertShape2("x", x, this.obsDim);
    if (x.rows !== z.rows) throw new ShapeError("z", `${x.rows} rows (one per row of x)`, describeShape(z.shape));
    return normalLogProb(x, this.decode(z), this.logSigma.tensor);
  }

  /** log p(z) = log N(z; 0, I) -> [B]. */
  logPrior(z: Tensor): Tensor {
    return normalLogProb(z, this.zero, this.zero);
  }

  /** log p_theta(x, z) = log p(z) + log p_theta(x | z) -> [B]. */
  logJoint(values: LatentValues, batch: Batch): Tensor {
    const z = values.z;
    if (!(z instanceof Tensor)) throw new DomainError("values.z", "a Tensor [B, Z]", z === undefined ? "undefined" : "an Int32Array");
    return add(this.logPrior(z), this.logLikelihood(z, batch.obs));
  }

  /** n draws z ~ N(0, I), x ~ p_theta(x | z) (arena tensors). */
  sampleJoint(n: number, rng: Rng): { values: LatentValues; batch: Batch } {
    assertInteger("n", n, 1);
    const z = rng.normal([n, this.latentDim]);
    const eps = rng.normal([n, this.obsDim]);
    const x = normalRsample(this.decode(z), this.logSigma.tensor, eps);
    return { values: { z }, batch: { obs: x } };
  }

  /** Frees both parameter stores. */
  dispose(): void {
    this.decoderParams.dispose();
    this.encoderParams.dispose();
    this.zero.dispose();
  }
}

/** The VAE's encoder as a Guide: z = mu(x) + exp(s(x)) eps, logQ = log N(z; mu(x), exp(s(x))^2). */
export class GaussianEncoder implements Guide {
  readonly params: readonly ParamStore[];

  constructor(readonly vae: VAE) {
    this.params = [vae.encoderParams];
  }

  sample(batch: Batch, rng: Rng): GuideSample {
    return this.sampleRepeated(batch, 1, rng);
  }

  /**
   * K draws per datapoint from ONE encoder pass over the B rows: row b*K + k
   * of values.z / logQ is draw k for datapoint b (the layout of repeatRows).
   */
  sampleRepeated(batch: Batch, K: number, rng: Rng): GuideSample {
    assertInteger("K", K, 1);
    const { mean, logStd } = this.vae.encode(batch.obs);
    const m = K === 1 ? mean : repeatRows(mean, K);
    const s = K === 1 ? logStd : repeatRows(logStd, K);
    const z = normalRsample(m, s, rng.normal(m.shape));
    return { values: { z }, logQ: normalLogProb(z, m, s), logQScore: null };
  }

  logProb(values: LatentValues, batch: Batch): Tensor {
    const z = values.z;
    if (!(z instanceof Tensor)) throw new DomainError("values.z", "a Tensor [B, Z]", "not a Tensor");
    const { mean, logStd } = this.vae.encode(batch.obs);
    return normalLogProb(z, mean, logStd);
  }
}

function assertShape2(argument: string, t: Tensor, cols: number): void {
  if (t.rank !== 2 || t.cols !== cols) throw new ShapeError(argument, `[B, ${cols}]`, describeShape(t.shape));
}
