import { mul } from "../../autodiff/ops/binary.js";
import { scale, tanh } from "../../autodiff/ops/unary.js";
import { concatCols, repeatRows, reshape, sliceCols } from "../../autodiff/ops/shape.js";
import { checkPrecision, dense, type Activation, type Precision } from "../../autodiff/ops/linalg.js";
import { DomainError, assertInteger, assertKnownOptions } from "../../core/errors.js";
import type { Tensor } from "../../core/tensor.js";
import { constant, zeros } from "../../nn/init.js";
import { Linear } from "../../nn/linear.js";
import { MLP } from "../../nn/mlp.js";
import type { ParamSpecs } from "../../nn/module.js";

/** Mean and log-std of a diagonal Normal factor for each row of a batch, each [B, d]. */
export interface NormalFactor {
  mean: Tensor;
  logStd: Tensor;
}

/** An inference function f_phi: features [B, F] -> (mean, logStd) [B, d]. */
export type InferenceFn = (features: Tensor) => NormalFactor;

/**
 * A recipe for an inference function: `build` registers its parameters in
 * `specs` (the family builds the store) for input size F and output size d.
 */
export interface InferenceNet {
  readonly name: string;
  build(specs: ParamSpecs, inputSize: number, outputSize: number): InferenceFn;
  /**
   * Optional: a network with ONE output of P values per row (the conditioning
   * vector of any DensityFamily, or a categorical site's logits), used by
   * autoGuide for families other than the diagonal Gaussian.
   */
  buildOutput?(specs: ParamSpecs, inputSize: number, outputSize: number): OutputNet;
}

/** A network features [B, F] -> [B, P] whose last layer can be set after the store is built. */
export interface OutputNet {
  forward(features: Tensor): Tensor;
  /**
   * Sets the last layer's bias to `bias` and scales its weights by
   * `weightScale` (call after the store is built): the output starts near
   * `bias` for every input (a guide initialized near the prior).
   */
  initOutput(bias: ArrayLike<number>, weightScale: number): void;
  /** Optional: the hidden layers' activations [B, width] for an input (diagnostics: dead units). */
  hidden?(features: Tensor): { activation: Activation; values: Tensor }[];
}

/** [1, d] or [d] -> [B, d] (differentiable), so that every factor is per row. */
export function expandRows(t: Tensor, B: number, d: number): Tensor {
  return repeatRows(t.rank === 2 && t.rows === 1 ? t : reshape(t, [1, d]), B);
}

export interface MlpNetOptions {
  /** Hidden width k (>= 1). */
  width: number;
  /** Hidden layers. Default: 2 (the 1-k-k-1 networks of the A-VI study). */
  depth?: number;
  activation?: Activation;
  /**
   * "separate": two MLPs (mean, log-std); "trunk": one shared trunk with two
   * linear heads; "split": ONE MLP F-k-...-k-2d whose output is split into
   * mean (first d columns) and log-std (the VAE encoder of Kingma & Welling
   * 2014). Default: "separate".
   */
  heads?: "separate" | "trunk" | "split";
  /** Softly bound the log-std output to (-b, b) by b tanh(raw / b) (keeps a small network from diverging to huge scales). Default: unbounded. */
  logStdBound?: number;
  /** Arithmetic of the dense layers (parameters stay f64; see Precision). Default: "f64". */
  precision?: Precision;
}

/** A-VI inference networks: mean(x), logStd(x) by MLPs of width k (two networks, a trunk with two heads, or one MLP with a split output). */
export function mlpNet(options: MlpNetOptions): InferenceNet {
  assertKnownOptions("options", options, ["width", "depth", "activation", "heads", "logStdBound", "precision"]);
  const { width, depth = 2, activation = "relu", heads = "separate", logStdBound, precision: precisionOption } = options ?? ({} as MlpNetOptions);
  assertInteger("width", width, 1);
  if (logStdBound !== undefined && !(logStdBound > 0 && Number.isFinite(logStdBound))) {
    throw new DomainError("logStdBound", "a finite number > 0", String(logStdBound));
  }
  const bound = (raw: Tensor) => (logStdBound === undefined ? raw : scale(tanh(scale(raw, 1 / logStdBound)), logStdBound));
  assertInteger("depth", depth, 1);
  if (heads !== "separate" && heads !== "trunk" && heads !== "split") throw new DomainError("heads", '"separate", "trunk" or "split"', JSON.stringify(heads));
  const precision = checkPrecision("precision", precisionOption ?? "f64");
  const hidden = Array.from({ length: depth }, () => width);
  return {
    name: `MLP ${heads} width ${width}`,
    build(specs, F, d) {
      if (heads === "separate") {
        const m = new MLP([F, ...hidden, d], { specs: specs.scope("mean"), activation, precision });
        const s = new MLP([F, ...hidden, d], { specs: specs.scope("logStd"), activation, init: "glorotUniform", precision });
        return (x) => ({ mean: m.forward(x), logStd: bound(s.forward(x)) });
      }
      if (heads === "split") {
        const net = new MLP([F, ...hidden, 2 * d], { specs: specs.scope("split"), activation, precision });
        return (x) => {
          const h = net.forward(x);
          return { mean: sliceCols(h, 0, d), logStd: bound(sliceCols(h, d, 2 * d)) };
        };
      }
      const trunk = new MLP([F, ...hidden], { specs: specs.scope("trunk"), activation, outputActivation: activation, precision });
      const mh = new Linear(width, d, { specs: specs.scope("meanHead"), precision });
      const sh = new Linear(width, d, { specs: specs.scope("logStdHead"), init: zeros, precision });
      return (x) => {
        const h = trunk.forward(x);
        return { mean: mh.forward(h), logStd: bound(sh.forward(h)) };
      };
    },
    buildOutput(specs, F, P) {
      const net = new MLP([F, ...hidden, P], { specs: specs.scope("output"), activation, precision });
      return {
        forward: (x) => net.forward(x),
        initOutput(bias, weightScale) {
          const last = net.layers[net.layers.length - 1];
          const w = last.weight.tensor;
          w.set(w.toArray().map((v) => v * weightScale));
          last.bias?.tensor.set(Array.from(bias));
        },
        hidden(x) {
          const out: { activation: Activation; values: Tensor }[] = [];
          let h = x;
          for (const layer of net.layers.slice(0, -1)) {
            h = layer.forward(h, activation);
            out.push({ activation, values: h });
          }
          return out;
        },
      };
    },
  };
}

/** Initial values of a polynomialNet's parameters (each default 0). */
export interface PolynomialNetOptions {
  init?: {
    /** Every coefficient a_j, j >= 1. */
    coefficients?: number;
    /** The constant term a_0. */
    bias?: number;
    /** The shared log-std. */
    logStd?: number;
  };
}

/**
 * Polynomial mean f(x) = a_0 + sum_{j<=degree} a_j x^j (per feature column)
 * with one shared log-std (the avi-linear study; degree 0 is the Const family,
 * degree 1 on a scalar x is q(z | x) = N(a x + b, c^2)). The parameters start
 * at 0 unless `init` says otherwise.
 */
export function polynomialNet(degree: number, { init = {} }: PolynomialNetOptions = {}): InferenceNet {
  assertInteger("degree", degree, 0);
  for (const [name, v] of Object.entries(init)) {
    if (v !== undefined && !Number.isFinite(v)) throw new DomainError(`init.${name}`, "a finite number", String(v));
  }
  const start = (v: number | undefined) => (v === undefined || v === 0 ? zeros : constant(v));
  return {
    name: `polynomial degree ${degree}`,
    build(specs, F, d) {
      const logStd = specs.add("logStd", [1, d], start(init.logStd));
      if (degree === 0) {
        const bias = specs.add("bias", [1, d], start(init.bias));
        return (x) => ({ mean: expandRows(bias.tensor, x.rows, d), logStd: expandRows(logStd.tensor, x.rows, d) });
      }
      const coef = specs.scope("coef");
      const weight = coef.add("weight", [F * degree, d], start(init.coefficients));
      const bias = coef.add("bias", [d], start(init.bias));
      return (x) => {
        const powers = [x];
        for (let j = 1; j < degree; j++) powers.push(mul(powers[j - 1], x));
        const mean = dense(degree > 1 ? concatCols(powers) : x, weight.tensor, bias.tensor);
        return { mean, logStd: expandRows(logStd.tensor, x.rows, d) };
      };
    },
  };
}
