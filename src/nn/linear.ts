import { checkPrecision, dense, type Activation, type Precision } from "../autodiff/ops/linalg.js";
import { assertInteger } from "../core/errors.js";
import type { Tensor } from "../core/tensor.js";
import { resolveInit, zeros, type Init, type InitName } from "./init.js";
import { placeParams, type Module, type Param, type ParamPlacement, type ParamSpecs } from "./module.js";
import type { ParamStore } from "./param-store.js";

export interface LinearOptions extends ParamPlacement {
  /** Weight initialization. Default: glorotUniform. */
  init?: Init | InitName;
  /** Whether the layer has a bias (initialized to zeros). Default: true. */
  bias?: boolean;
  /**
   * Arithmetic of the forward and backward: "f64", or "f32" (f32 products and
   * activations on f32 copies of x and W, f64 parameters, gradients and
   * output; about 1e-7 relative rounding; see Precision). Default: "f64".
   */
  precision?: Precision;
}

/** y = act(x W + b), x [B, nIn], W [nIn, nOut], b [nOut]; parameters `weight` and `bias`. */
export class Linear implements Module {
  readonly weight: Param;
  readonly bias: Param | null;
  readonly precision: Precision;
  private readonly specs: ParamSpecs;

  constructor(
    readonly nIn: number,
    readonly nOut: number,
    options: LinearOptions = {},
  ) {
    assertInteger("nIn", nIn, 1);
    assertInteger("nOut", nOut, 1);
    this.precision = checkPrecision("precision", options.precision ?? "f64");
    const init = resolveInit(options.init ?? "glorotUniform");
    const { specs, result } = placeParams(options, (s) => ({
      weight: s.add("weight", [nIn, nOut], init),
      bias: options.bias === false ? null : s.add("bias", [nOut], zeros),
    }));
    this.specs = specs;
    this.weight = result.weight;
    this.bias = result.bias;
  }

  get params(): ParamStore {
    return this.specs.store;
  }

  /** act(x W + b) with one fused dense kernel in the layer's precision (slope is leakyRelu's negative slope). */
  forward(x: Tensor, activation: Activation = "identity", slope = 0.01): Tensor {
    const b = this.bias ? this.bias.tensor : null;
    return dense(x, this.weight.tensor, b, activation, slope, { precision: this.precision });
  }
}
