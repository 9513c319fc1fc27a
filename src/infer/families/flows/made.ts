// MADE (Germain, Gregor, Murray & Larochelle 2015, "MADE: Masked Autoencoder
// for Distribution Estimation"): a feed-forward network over x in R^dim whose
// output for variable j depends on the variables before j in its order only,
// enforced by fixed 0/1 masks on the weights built from unit degrees (Sec. 4):
//   input x_j has degree o(j) in 1..dim (o = the order), a context input 0;
//   hidden unit k has a degree d(k) and sees the inputs with degree <= d(k)
//   (mask d(k) >= d_in(i));
//   the outputs of variable j see the hidden units with d(k) < o(j)
//   (strict: output j never depends on x_j or any later variable).
// Conditional MADE (as in MAF, Papamakarios et al. 2017, Sec. 3.4): the
// context inputs have degree 0, so every hidden unit sees all of them.
import { maskedDense } from "../../../autodiff/ops/masked.js";
import type { Activation } from "../../../autodiff/ops/linalg.js";
import { concatCols } from "../../../autodiff/ops/shape.js";
import { ShapeError, assertInteger, describeShape } from "../../../core/errors.js";
import { Tensor } from "../../../core/tensor.js";
import { zeros } from "../../../nn/init.js";
import type { Param, ParamSpecs } from "../../../nn/module.js";

export interface MadeOptions {
  /** Widths of the hidden layers (at least one). */
  hidden: readonly number[];
  /** Conditioning inputs (connected to every hidden unit); 0 for none. */
  context: number;
  /** Order of the variables: x_0 first (false) or x_{dim-1} first (true). */
  reversed: boolean;
  /** Hidden-layer activation (the output layer is linear). */
  activation: Activation;
}

/** Degree of variable j (its position in the order, 1-based). */
export function variableDegree(j: number, dim: number, reversed: boolean): number {
  return reversed ? dim - j : j + 1;
}

/**
 * Degrees of the units of every layer: the inputs (dim variables, then
 * `context` zeros), each hidden layer's units cycling over lo..dim-1, and the
 * 2 dim outputs (shift of each variable, then its log-scale). lo = 0 when
 * there is a context or dim = 1: units of degree 0 see the context only, so
 * the first variable's shift and scale depend on the context too (with
 * dim = 1, on nothing else); otherwise lo = 1. A hidden layer narrower than
 * dim - lo misses some degrees (still autoregressive, less expressive).
 */
export function madeDegrees(dim: number, hidden: readonly number[], context: number, reversed: boolean): Int32Array[] {
  const variables = Array.from({ length: dim }, (_, j) => variableDegree(j, dim, reversed));
  const lo = context > 0 || dim === 1 ? 0 : 1;
  const input = Int32Array.from([...variables, ...new Array<number>(context).fill(0)]);
  const layers = hidden.map((width) => Int32Array.from({ length: width }, (_, k) => lo + (k % (dim - lo))));
  const output = Int32Array.from([...variables, ...variables]);
  return [input, ...layers, output];
}

/** The 0/1 mask [in, out] (row-major) between two layers of degrees: strict for the output layer. */
export function madeMask(from: Int32Array, to: Int32Array, strict: boolean): Float64Array {
  const mask = new Float64Array(from.length * to.length);
  for (let i = 0; i < from.length; i++) {
    for (let k = 0; k < to.length; k++) mask[i * to.length + k] = (strict ? to[k] > from[i] : to[k] >= from[i]) ? 1 : 0;
  }
  return mask;
}

/**
 * A (conditional) MADE from R^dim (plus `context` inputs) to the shift and
 * log-scale of each variable, [rows, 2 dim]: masked dense layers with the
 * hidden activation, then a linear masked output layer initialized to zero
 * (shift 0, log-scale 0: the identity step of a flow). Parameters `k.weight`,
 * `k.bias` (k = 0..hidden.length, the last being the output layer) are
 * registered in `specs`; the masks are constant persistent tensors.
 */
export class Made {
  readonly degrees: Int32Array[];
  private readonly weights: Param[];
  private readonly biases: Param[];
  private readonly masks: Tensor[];

  constructor(
    specs: ParamSpecs,
    readonly dim: number,
    readonly options: MadeOptions,
  ) {
    assertInteger("dim", dim, 1);
    assertInteger("context", options.context, 0);
    this.degrees = madeDegrees(dim, options.hidden, options.context, options.reversed);
    const last = this.degrees.length - 2;
    this.masks = this.degrees.slice(1).map((to, k) => {
      const from = this.degrees[k];
      return Tensor.from(madeMask(from, to, k === last), [from.length, to.length], "persistent");
    });
    this.weights = this.masks.map((m, k) => specs.add(`${k}.weight`, m.shape, k === last ? zeros : "glorotUniform"));
    this.biases = this.masks.map((m, k) => specs.add(`${k}.bias`, [m.shape[1]], zeros));
  }

  /** (shift | log-scale) [rows, 2 dim] of x [rows, dim] given the context [rows, context] (null when context = 0). */
  forward(x: Tensor, context: Tensor | null): Tensor {
    if (x.rank !== 2 || x.cols !== this.dim) throw new ShapeError("x", `a tensor [rows, ${this.dim}]`, `shape ${describeShape(x.shape)}`);
    const E = this.options.context;
    if (E > 0 && !(context && context.rank === 2 && context.rows === x.rows && context.cols === E)) {
      throw new ShapeError("context", `a tensor [${x.rows}, ${E}]`, context ? `shape ${describeShape(context.shape)}` : "null");
    }
    let h = E > 0 ? concatCols([x, context!]) : x;
    const last = this.masks.length - 1;
    this.masks.forEach((mask, k) => {
      h = maskedDense(h, this.weights[k].tensor, mask, this.biases[k].tensor, k === last ? "identity" : this.options.activation);
    });
    return h;
  }
}
