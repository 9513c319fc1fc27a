// Coupling normalizing flows as DensityFamily members (density.ts): one
// parameterized stack shared by RealNVP and the neural spline flow
// (flows.ts), which differ only in the elementwise coupling transform.
//
// Context layout (contextSize(dim) = 2 dim + e):
//   c = (mean [dim], logStd [dim], embedding [e]).
// The flow T = T_{L-1} o ... o T_0 acts on a standard normal and the base
// affine map comes LAST:
//   u = mean + exp(logStd) * T(eps; embedding),  eps ~ N(0, I),
//   log q(u | c) = log N(z_0; 0, I) + sum_l log |det dT_l^-1| - sum_j logStd_j,
//   z_L = (u - mean) exp(-logStd),  z_l = T_l^-1(z_{l+1}).
// So the coupling layers work on a standardized scale (where a spline's
// [-B, B] covers the bulk), and with T = identity q is exactly
// N(mean, diag exp(2 logStd)). Every conditioner's last layer starts at zero,
// which makes every T_l the identity whatever its input: initialContext(mean,
// logStd) (embedding 0) gives exactly that Gaussian.
// Layer l's conditioner maps (z[:, kept_l], embedding) to the parameters of
// the transformed columns; the untouched columns are the same on both sides,
// so sampling and density evaluation both cost one conditioner pass per layer.
import type { CouplingOutput } from "../../autodiff/ops/coupling.js";
import { add, mul, sub } from "../../autodiff/ops/binary.js";
import { normalLogProb, normalRsample } from "../../autodiff/ops/gaussian.js";
import { gatherCols } from "../../autodiff/ops/gather.js";
import type { Activation } from "../../autodiff/ops/linalg.js";
import { sumCols } from "../../autodiff/ops/reduce.js";
import { concatCols, repeatRows, reshape, sliceCols } from "../../autodiff/ops/shape.js";
import { exp, neg } from "../../autodiff/ops/unary.js";
import { DomainError, ShapeError, UnknownNameError, assertFiniteArray, assertInteger, assertKnownOptions, describeShape } from "../../core/errors.js";
import type { Tensor } from "../../core/tensor.js";
import { Linear } from "../../nn/linear.js";
import { ACTIVATIONS, MLP } from "../../nn/mlp.js";
import type { ParamSpecs } from "../../nn/module.js";
import { assertContext, type ConditionalDensity, type DensityFamily } from "./density.js";

/** The options every coupling flow takes. */
export interface CouplingFlowOptions {
  /** Coupling layers L (>= 1). Default: 8. */
  layers?: number;
  /** Hidden widths of each layer's conditioner MLP. Default: [64, 64]. */
  hidden?: readonly number[];
  /** Embedding values e at the end of the context, fed to every conditioner (>= 0). Default: 8. */
  embedding?: number;
  /** Hidden activation of the conditioners. Default: "relu". */
  activation?: Activation;
}

export const COUPLING_FLOW_OPTIONS = ["layers", "hidden", "embedding", "activation"] as const;

/** The elementwise bijection of a coupling layer: parameters per transformed column, and the op. */
export interface CouplingTransform {
  readonly perColumn: number;
  apply(x: Tensor, params: Tensor, transformed: Int32Array, inverse: boolean): CouplingOutput;
}

/** Which columns condition (kept) and which are transformed in one layer. */
export interface CouplingMask {
  kept: Int32Array;
  transformed: Int32Array;
}

/**
 * Masks of L layers over dim columns: layer 2m transforms the set S_m and
 * layer 2m + 1 its complement, with S_m the even columns for even m and the
 * first floor(dim / 2) columns for odd m (alternating checkerboard and
 * half-split masks, Dinh et al. 2017, so every pair of columns meets within
 * four layers). dim 1: every layer transforms column 0 and keeps none.
 */
export function couplingMasks(dim: number, layers: number): CouplingMask[] {
  assertInteger("dim", dim, 1);
  assertInteger("layers", layers, 1);
  return Array.from({ length: layers }, (_, l) => {
    const m = Math.floor(l / 2);
    const inS = (j: number) => (m % 2 === 0 ? j % 2 === 0 : j < Math.floor(dim / 2));
    const cols = Array.from({ length: dim }, (_, j) => j);
    const transformed = dim === 1 ? cols : cols.filter((j) => inS(j) === (l % 2 === 0));
    return { kept: Int32Array.from(cols.filter((j) => !transformed.includes(j))), transformed: Int32Array.from(transformed) };
  });
}

/**
 * A conditioner: input [rows, nIn] -> [rows, nOut], an MLP with a
 * zero-initialized last layer (outputs 0 at the start); with nIn = 0 (a 1-D
 * flow without embedding) a free zero-initialized row repeated per row.
 */
function conditioner(specs: ParamSpecs, nIn: number, hidden: readonly number[], nOut: number, activation: Activation) {
  if (nIn === 0) {
    const bias = specs.add("bias", [nOut], "zeros");
    return (_input: Tensor | null, rows: number) => repeatRows(reshape(bias.tensor, [1, nOut]), rows);
  }
  const body = hidden.length > 0 ? new MLP([nIn, ...hidden], { activation, outputActivation: activation, specs: specs.scope("hidden") }) : null;
  const out = new Linear(hidden.length > 0 ? hidden[hidden.length - 1] : nIn, nOut, { init: "zeros", specs: specs.scope("out") });
  return (input: Tensor | null) => out.forward(body ? body.forward(input!) : input!);
}

/** Validated options with their defaults. */
function resolveOptions(options: CouplingFlowOptions, extra: readonly string[]) {
  assertKnownOptions("options", options, [...COUPLING_FLOW_OPTIONS, ...extra]);
  const layers = options.layers ?? 8;
  assertInteger("layers", layers, 1);
  const hidden = options.hidden ?? [64, 64];
  if (!Array.isArray(hidden)) throw new DomainError("hidden", "an array of layer widths", String(hidden));
  hidden.forEach((h, i) => assertInteger(`hidden[${i}]`, h, 1));
  const embedding = options.embedding ?? 8;
  assertInteger("embedding", embedding, 0);
  const activation = options.activation ?? "relu";
  if (!ACTIVATIONS.includes(activation)) throw new UnknownNameError("activation", `one of ${ACTIVATIONS.join(", ")}`, String(activation));
  return { layers, hidden: hidden.slice(), embedding, activation };
}

/**
 * A coupling flow family (see the file comment for the context layout and
 * the density): `name` is the family's, `label` describes a built density.
 */
export function couplingFlow(
  name: string,
  label: string,
  transform: CouplingTransform,
  options: CouplingFlowOptions,
  extraOptions: readonly string[] = [],
): DensityFamily {
  const { layers, hidden, embedding: e, activation } = resolveOptions(options, extraOptions);
  const contextSize = (dim: number) => {
    assertInteger("dim", dim, 1);
    return 2 * dim + e;
  };
  return {
    name,
    contextSize,
    build(specs, dim) {
      const P = contextSize(dim);
      const masks = couplingMasks(dim, layers);
      const conditioners = masks.map((m, l) =>
        conditioner(specs.scope(`coupling${l}`), m.kept.length + e, hidden, m.transformed.length * transform.perColumn, activation),
      );
      const split = (c: Tensor) => {
        assertContext("context", c, P);
        return { mean: sliceCols(c, 0, dim), logStd: sliceCols(c, dim, 2 * dim), embedding: e > 0 ? sliceCols(c, 2 * dim, P) : null };
      };
      /** z -> T_l(z) (or T_l^-1(z)) with its log |det J| per row. */
      const layer = (l: number, z: Tensor, embedding: Tensor | null, inverse: boolean) => {
        const { kept, transformed } = masks[l];
        const parts = kept.length > 0 ? [gatherCols(z, kept)] : [];
        if (embedding) parts.push(embedding);
        const input = parts.length === 0 ? null : parts.length === 1 ? parts[0] : concatCols(parts);
        return transform.apply(z, conditioners[l](input, z.rows), transformed, inverse);
      };
      const density: ConditionalDensity = {
        name: label,
        dim,
        contextSize: P,
        rsample(context, rng) {
          const { mean, logStd, embedding } = split(context);
          const eps = rng.normal([context.rows, dim]);
          let z = eps;
          let logDet = sumCols(logStd);
          for (let l = 0; l < layers; l++) {
            const o = layer(l, z, embedding, false);
            z = o.value;
            logDet = add(logDet, o.logDet);
          }
          // log q(u) = log N(eps) - log |det du/deps|
          return { u: normalRsample(mean, logStd, z), logQ: sub(normalLogProb(eps, 0, 0), logDet), logQScore: null };
        },
        logProb(u, context) {
          const { mean, logStd, embedding } = split(context);
          if (u.rank !== 2 || u.cols !== dim || u.rows !== context.rows) {
            throw new ShapeError("u", `a tensor [${context.rows}, ${dim}] (rows of context, dim)`, `shape ${describeShape(u.shape)}`);
          }
          let z = mul(sub(u, mean), exp(neg(logStd)));
          let logDet = neg(sumCols(logStd));
          for (let l = layers - 1; l >= 0; l--) {
            const o = layer(l, z, embedding, true);
            z = o.value;
            logDet = add(logDet, o.logDet);
          }
          return add(normalLogProb(z, 0, 0), logDet);
        },
      };
      return density;
    },
    initialContext(mean, logStd) {
      if (logStd.length !== mean.length) throw new ShapeError("logStd", `${mean.length} values (one per entry of mean)`, `${logStd.length} values`);
      contextSize(mean.length);
      assertFiniteArray("mean", mean);
      assertFiniteArray("logStd", logStd);
      const c = new Float64Array(2 * mean.length + e); // embedding 0
      c.set(Array.from(mean), 0);
      c.set(Array.from(logStd), mean.length);
      return c;
    },
  };
}
