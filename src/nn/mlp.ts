import { checkPrecision, type Activation, type Precision } from "../autodiff/ops/linalg.js";
import { DomainError, UnknownNameError, assertInteger } from "../core/errors.js";
import type { Tensor } from "../core/tensor.js";
import type { Init, InitName } from "./init.js";
import { Linear } from "./linear.js";
import { placeParams, type Module, type ParamPlacement, type ParamSpecs } from "./module.js";
import type { ParamStore } from "./param-store.js";

/** The activations the dense kernel implements. */
export const ACTIVATIONS: readonly Activation[] = ["identity", "tanh", "relu", "leakyRelu", "softplus", "sigmoid"];

export interface MLPOptions extends ParamPlacement {
  /** Hidden-layer activation. Default: "tanh". */
  activation?: Activation;
  /** Last-layer activation. Default: "identity". */
  outputActivation?: Activation;
  /** Weight init. Default: heNormal for relu / leakyRelu hidden layers, glorotUniform otherwise. */
  init?: Init | InitName;
  /** Negative slope of leakyRelu. Default: 0.01. */
  slope?: number;
  /**
   * Arithmetic of every layer: "f64", or "f32" (f32 products and activations,
   * f64 parameters, gradients and outputs; about 1e-7 relative rounding per
   * layer; see Precision). Default: "f64".
   */
  precision?: Precision;
}

function checkActivation(argument: string, a: Activation): Activation {
  if (!ACTIVATIONS.includes(a)) throw new UnknownNameError(argument, `one of ${ACTIVATIONS.join(", ")}`, String(a));
  return a;
}

/**
 * Multilayer perceptron h_{l+1} = act_l(h_l W_l + b_l) for sizes
 * [in, hidden..., out]; layer l's parameters are `l.weight` and `l.bias`.
 */
export class MLP implements Module {
  readonly layers: Linear[];
  readonly activation: Activation;
  readonly outputActivation: Activation;
  readonly slope: number;
  readonly precision: Precision;
  private readonly specs: ParamSpecs;

  constructor(
    readonly sizes: readonly number[],
    options: MLPOptions = {},
  ) {
    if (!Array.isArray(sizes) || sizes.length < 2) {
      throw new DomainError("sizes", "at least two layer sizes [in, ..., out]", JSON.stringify(sizes));
    }
    sizes.forEach((d, i) => assertInteger(`sizes[${i}]`, d, 1));
    this.activation = checkActivation("activation", options.activation ?? "tanh");
    this.outputActivation = checkActivation("outputActivation", options.outputActivation ?? "identity");
    this.slope = options.slope ?? 0.01;
    if (!Number.isFinite(this.slope)) throw new DomainError("slope", "a finite number", String(this.slope));
    const precision = checkPrecision("precision", options.precision ?? "f64");
    this.precision = precision;
    const rectified = this.activation === "relu" || this.activation === "leakyRelu";
    const init = options.init ?? (rectified ? "heNormal" : "glorotUniform");
    const { specs, result } = placeParams(options, (s) =>
      sizes.slice(1).map((nOut, l) => new Linear(sizes[l], nOut, { specs: s.scope(String(l)), init, precision })),
    );
    this.specs = specs;
    this.layers = result;
  }

  get params(): ParamStore {
    return this.specs.store;
  }

  get inputSize(): number {
    return this.sizes[0];
  }

  get outputSize(): number {
    return this.sizes[this.sizes.length - 1];
  }

  /** x [B, in] -> [B, out], one fused dense call per layer. */
  forward(x: Tensor): Tensor {
    const last = this.layers.length - 1;
    let h = x;
    this.layers.forEach((layer, l) => {
      h = layer.forward(h, l === last ? this.outputActivation : this.activation, this.slope);
    });
    return h;
  }
}
