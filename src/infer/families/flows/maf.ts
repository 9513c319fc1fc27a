// Masked autoregressive flows as DensityFamily members (density.ts): MAF
// (Papamakarios, Pavlakou & Murray 2017, "Masked Autoregressive Flow for
// Density Estimation") and IAF (Kingma, Salimans, Jozefowicz, Chen, Sutskever
// & Welling 2016, "Improved Variational Inference with Inverse Autoregressive
// Flow"). Both stack L affine autoregressive layers, each a conditional MADE
// (made.ts) giving a shift m and a log-scale s per variable, the order of the
// variables reversed from one layer to the next. Sampling maps eps ~ N(0, I)
// through layers 0..L-1 and then the base affine map of the context:
//   u = mean + exp(logStd) * flow(eps),
// so the MADEs always work on standardized values and the flow at its
// zero-initialized start is the identity: q = N(mean, diag exp(2 logStd)).
//
// The two differ in which variable the MADE reads:
//   MAF layer (density direction):  e_j = (v_j - m_j(v_<j)) exp(-s_j(v_<j)),
//   IAF layer (sampling direction): v_j = e_j exp(s_j(e_<j)) + m_j(e_<j).
// A pass whose MADE reads the pass's input is one network evaluation; the
// other direction solves the triangular system by substitution, dim passes
// (after pass t the first t variables in the layer's order are exact). So
// MAF: logProb one pass per layer, rsample dim passes per layer; IAF:
// rsample one pass per layer, logProb of an arbitrary u dim passes per
// layer. In an ELBO the guide's logQ comes with its own draw (rsample
// returns it from eps), so an IAF guide never pays the dim passes there.
// Gradients through the dim passes are exact: the pass map's Jacobian in its
// own input is strictly triangular (nilpotent), so dim chained passes give
// (I - N)^-1 of the implicit function theorem. The log-scales are the MADE's
// raw outputs (unconstrained, as in the MAF paper; no clamp or gating).
import { add, sub } from "../../../autodiff/ops/binary.js";
import { normalLogProb } from "../../../autodiff/ops/gaussian.js";
import type { Activation } from "../../../autodiff/ops/linalg.js";
import { shiftLogScale, type AffineDirection } from "../../../autodiff/ops/masked.js";
import { sliceCols } from "../../../autodiff/ops/shape.js";
import { DomainError, ShapeError, UnknownNameError, assertFiniteArray, assertInteger, assertKnownOptions, describeShape } from "../../../core/errors.js";
import type { Rng } from "../../../core/rng.js";
import { Tensor } from "../../../core/tensor.js";
import { ACTIVATIONS } from "../../../nn/mlp.js";
import type { ParamSpecs } from "../../../nn/module.js";
import { assertContext, type ConditionalDensity, type DensityDraw, type DensityFamily } from "../density.js";
import { Made } from "./made.js";

export interface AutoregressiveFlowOptions {
  /** Autoregressive layers (MADEs), the order reversed between layers. Default: 5. */
  layers?: number;
  /** Hidden widths of every MADE. Default: [64]. */
  hidden?: readonly number[];
  /**
   * Context values after (mean, logStd) fed to every MADE as conditioning
   * input (connected to all hidden units), so that a context row (a free
   * F-VI row or an inference network's output) shapes the flow and not only
   * its location and scale. Default: 8; 0 makes the flow's shape shared by
   * all rows.
   */
  embedding?: number;
  /** Hidden activation of the MADEs. Default: "tanh". */
  activation?: Activation;
}

type FlowKind = "MAF" | "IAF";
type Resolved = Required<AutoregressiveFlowOptions>;

const OPTION_NAMES = ["layers", "hidden", "embedding", "activation"];

function resolveOptions(options: AutoregressiveFlowOptions): Resolved {
  assertKnownOptions("options", options, OPTION_NAMES);
  const { layers = 5, hidden = [64], embedding = 8, activation = "tanh" } = options;
  assertInteger("layers", layers, 1);
  if (!Array.isArray(hidden) || hidden.length === 0) throw new DomainError("hidden", "a non-empty array of layer widths", JSON.stringify(hidden));
  hidden.forEach((w, i) => assertInteger(`hidden[${i}]`, w, 1));
  assertInteger("embedding", embedding, 0);
  if (!ACTIVATIONS.includes(activation)) throw new UnknownNameError("activation", `one of ${ACTIVATIONS.join(", ")}`, JSON.stringify(activation));
  return { layers, hidden: hidden.slice(), embedding, activation };
}

/** A built MAF or IAF over R^dim; besides the density, the two maps of the flow with their log-determinants. */
export class AutoregressiveFlow implements ConditionalDensity {
  readonly name: string;
  readonly contextSize: number;
  private readonly made: Made[];

  constructor(
    readonly kind: FlowKind,
    specs: ParamSpecs,
    readonly dim: number,
    readonly options: Resolved,
  ) {
    assertInteger("dim", dim, 1);
    this.contextSize = 2 * dim + options.embedding;
    this.name = `${kind} (${options.layers} layers, hidden [${options.hidden.join(", ")}], embedding ${options.embedding})`;
    this.made = Array.from({ length: options.layers }, (_, l) => new Made(specs.scope(String(l)), dim, {
      hidden: options.hidden,
      context: options.embedding,
      reversed: l % 2 === 1,
      activation: options.activation,
    }));
  }

  /** u = mean + exp(logStd) * flow(eps): eps [rows, dim] -> u, with logDet = log |det du/deps| [rows]. */
  generate(eps: Tensor, context: Tensor): { u: Tensor; logDet: Tensor } {
    this.assertRows("eps", eps, assertContext("context", context, this.contextSize));
    const e = this.embeddingOf(context);
    let v = eps;
    let logDet: Tensor | null = null;
    for (let l = 0; l < this.made.length; l++) {
      const step = this.layer(l, v, e, "generate");
      v = step.value;
      logDet = logDet ? add(logDet, step.logDet) : step.logDet;
    }
    const base = shiftLogScale(v, context, "generate");
    return { u: base.value, logDet: add(logDet!, base.logDet) };
  }

  /** The inverse of generate: u [rows, dim] -> eps, with logDet = log |det deps/du| [rows]. */
  normalize(u: Tensor, context: Tensor): { eps: Tensor; logDet: Tensor } {
    this.assertRows("u", u, assertContext("context", context, this.contextSize));
    const e = this.embeddingOf(context);
    const base = shiftLogScale(u, context, "normalize");
    let v = base.value;
    let logDet = base.logDet;
    for (let l = this.made.length - 1; l >= 0; l--) {
      const step = this.layer(l, v, e, "normalize");
      v = step.value;
      logDet = add(logDet, step.logDet);
    }
    return { eps: v, logDet };
  }

  /** u = generate(eps), eps ~ N(0, I); logQ = log N(eps; 0, I) - log |det du/deps|. */
  rsample(context: Tensor, rng: Rng): DensityDraw {
    const rows = assertContext("context", context, this.contextSize);
    const eps = rng.normal([rows, this.dim]);
    const { u, logDet } = this.generate(eps, context);
    return { u, logQ: sub(normalLogProb(eps, 0, 0), logDet), logQScore: null };
  }

  /** log q(u | c) = log N(normalize(u); 0, I) + log |det deps/du|. */
  logProb(u: Tensor, context: Tensor): Tensor {
    const { eps, logDet } = this.normalize(u, context);
    return add(normalLogProb(eps, 0, 0), logDet);
  }

  /**
   * Layer l in `direction`: one MADE pass when the MADE reads the layer's
   * input (MAF normalize, IAF generate), else dim passes of substitution
   * where it reads the current estimate of the output (started at 0).
   */
  private layer(l: number, x: Tensor, e: Tensor | null, direction: AffineDirection): { value: Tensor; logDet: Tensor } {
    const made = this.made[l];
    if ((this.kind === "MAF") === (direction === "normalize")) return shiftLogScale(x, made.forward(x, e), direction);
    let y = Tensor.zeros(x.shape, "arena", x.rt);
    let step!: { value: Tensor; logDet: Tensor };
    for (let t = 0; t < this.dim; t++) {
      step = shiftLogScale(x, made.forward(y, e), direction);
      y = step.value;
    }
    return step;
  }

  private embeddingOf(context: Tensor): Tensor | null {
    const E = this.options.embedding;
    return E > 0 ? sliceCols(context, 2 * this.dim, 2 * this.dim + E) : null;
  }

  private assertRows(argument: string, t: Tensor, rows: number): void {
    if (t.rank !== 2 || t.rows !== rows || t.cols !== this.dim) {
      throw new ShapeError(argument, `a tensor [${rows}, ${this.dim}] (rows of context, dim)`, `shape ${describeShape(t.shape)}`);
    }
  }
}

/** A DensityFamily whose build returns the flow itself (generate / normalize available). */
export interface AutoregressiveFlowFamily extends DensityFamily {
  build(specs: ParamSpecs, dim: number): AutoregressiveFlow;
}

function autoregressiveFamily(kind: FlowKind, options: AutoregressiveFlowOptions): AutoregressiveFlowFamily {
  const resolved = resolveOptions(options);
  const name = `${kind} (${resolved.layers} layers)`;
  return {
    name,
    contextSize(dim) {
      assertInteger("dim", dim, 1);
      return 2 * dim + resolved.embedding;
    },
    build(specs, dim) {
      return new AutoregressiveFlow(kind, specs, dim, resolved);
    },
    initialContext(mean, logStd) {
      const dim = mean.length;
      assertInteger("mean.length", dim, 1);
      if (logStd.length !== dim) throw new ShapeError("logStd", `${dim} values (the length of mean)`, `${logStd.length} values`);
      assertFiniteArray("mean", mean);
      assertFiniteArray("logStd", logStd);
      // (mean, logStd, embedding 0): with the zero-initialized output layers the flow is the identity
      const c = new Float64Array(2 * dim + resolved.embedding);
      c.set(mean, 0);
      c.set(logStd, dim);
      return c;
    },
  };
}

/**
 * Masked Autoregressive Flow (Papamakarios et al. 2017) over R^dim given a
 * context row c = (mean [dim], logStd [dim], embedding [E]):
 *   log q(u | c) = log N(eps; 0, I) - sum_j logStd_j - sum_l sum_j s_lj,
 *   eps = T_0^-1 ... T_{L-1}^-1((u - mean) exp(-logStd)),
 *   T_l^-1(v)_j = (v_j - m_lj(v_<j, e)) exp(-s_lj(v_<j, e)).
 * logProb: one MADE pass per layer; rsample: dim passes per layer. contextSize(dim) = 2 dim + E.
 */
export function maf(options: AutoregressiveFlowOptions = {}): AutoregressiveFlowFamily {
  return autoregressiveFamily("MAF", options);
}

/**
 * Inverse Autoregressive Flow (Kingma et al. 2016; affine form, shift and
 * log-scale, instead of the paper's gated update) over R^dim given c =
 * (mean, logStd, embedding):
 *   u = mean + exp(logStd) T_{L-1}(... T_0(eps)),  T_l(z)_j = z_j exp(s_lj(z_<j, e)) + m_lj(z_<j, e),
 *   log q(u | c) = log N(eps; 0, I) - sum_j logStd_j - sum_l sum_j s_lj.
 * rsample (draw and its logQ): one MADE pass per layer; logProb of an
 * arbitrary u: dim passes per layer. contextSize(dim) = 2 dim + E.
 */
export function iaf(options: AutoregressiveFlowOptions = {}): AutoregressiveFlowFamily {
  return autoregressiveFamily("IAF", options);
}
