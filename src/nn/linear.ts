import { dense, type Activation } from "../autodiff/ops/linalg.js";
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
}

/** y = act(x W + b), x [B, nIn], W [nIn, nOut], b [nOut]; parameters `weight` and `bias`. */
export class Linear implements Module {
  readonly weight: Param;
  readonly bias: Param | null;
  private readonly specs: ParamSpecs;

  constructor(
    readonly nIn: number,
    readonly nOut: number,
    options: LinearOptions = {},
  ) {
    assertInteger("nIn", nIn, 1);
    assertInteger("nOut", nOut, 1);
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

  /** act(x W + b) with one fused dense kernel (slope is leakyRelu's negative slope). */
  forward(x: Tensor, activation: Activation = "identity", slope = 0.01): Tensor {
    return dense(x, this.weight.tensor, this.bias ? this.bias.tensor : null, activation, slope);
  }
}
