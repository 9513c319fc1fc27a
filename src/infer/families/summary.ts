import { segmentMeanRows, segmentSumRows } from "../../autodiff/ops/segments.js";
import type { Activation } from "../../autodiff/ops/linalg.js";
import { DomainError, ShapeError, UnknownNameError, assertInteger, describeShape } from "../../core/errors.js";
import type { Tensor } from "../../core/tensor.js";
import { ACTIVATIONS } from "../../nn/mlp.js";
import type { ParamSpecs } from "../../nn/module.js";
import type { InferenceNet } from "./nets.js";

/** A built summary network s_psi: x [B, inputSize] -> [B, outputSize], recorded on the tape. */
export interface SummaryFn {
  readonly outputSize: number;
  forward(x: Tensor): Tensor;
}

/**
 * A trainable stage between a FeatureMap and an InferenceNet: the inference
 * network sees s_psi(features(x, n)) instead of features(x, n), and psi is
 * trained with the rest (Radev et al. 2020, BayesFlow; Chan et al. 2018).
 * `build` registers psi in `specs` (the caller builds the store) for rows of
 * `inputSize` values.
 */
export interface SummaryNet {
  readonly name: string;
  build(specs: ParamSpecs, inputSize: number): SummaryFn;
}

/**
 * The inference net f_phi(s_psi(x)): builds the summary under scope "summary"
 * and the net under scope "net" of the same collector (one store, one
 * optimizer), the net's input size being the summary's output size. Use it
 * wherever an InferenceNet is taken, e.g.
 * makeFamily(model, data, { kind: "avi", net: withSummary(deepSets({ elementSize: 1, phi: [16], rho: [16] }), mlpNet({ width: 16 })) }).
 */
export function withSummary(summary: SummaryNet, net: InferenceNet): InferenceNet {
  if (!summary || typeof summary.build !== "function") throw new DomainError("summary", "a SummaryNet (deepSets, conv1d, gru)", String(summary));
  if (!net || typeof net.build !== "function") throw new DomainError("net", "an InferenceNet (mlpNet, polynomialNet)", String(net));
  return {
    name: `${net.name} on ${summary.name}`,
    build(specs, inputSize, outputSize) {
      const s = summary.build(specs.scope("summary"), inputSize);
      const f = net.build(specs.scope("net"), s.outputSize, outputSize);
      return (x) => f(s.forward(x));
    },
    ...(net.buildOutput
      ? {
          buildOutput(specs: ParamSpecs, inputSize: number, outputSize: number) {
            const s = summary.build(specs.scope("summary"), inputSize);
            const o = net.buildOutput!(specs.scope("net"), s.outputSize, outputSize);
            return { forward: (x: Tensor) => o.forward(s.forward(x)), initOutput: o.initOutput, ...(o.hidden ? { hidden: (x: Tensor) => o.hidden!(s.forward(x)) } : {}) };
          },
        }
      : {}),
  };
}

/** How the elements of a set or the steps of a sequence are pooled: their mean or their sum. */
export type Pooling = "mean" | "sum";

/** out[b] = mean or sum of rows b k .. b k + k - 1 of h: [B k, C] -> [B, C]. */
export function poolSegments(h: Tensor, k: number, pooling: Pooling): Tensor {
  return pooling === "mean" ? segmentMeanRows(h, k) : segmentSumRows(h, k);
}

/** Throws UnknownNameError naming `argument` unless `value` is one of `allowed`; returns it. */
export function checkChoice<T extends string>(argument: string, value: T, allowed: readonly T[]): T {
  if (!allowed.includes(value)) throw new UnknownNameError(argument, `one of ${allowed.map((a) => `"${a}"`).join(", ")}`, JSON.stringify(value) ?? String(value));
  return value;
}

/** Throws UnknownNameError naming `argument` unless `a` is an activation of the dense kernel. */
export function checkActivation(argument: string, a: Activation): Activation {
  return checkChoice(argument, a, ACTIVATIONS);
}

/** Layer widths: a non-empty (or, with allowEmpty, possibly empty) array of integers >= 1. */
export function checkWidths(argument: string, widths: readonly number[], allowEmpty: boolean): number[] {
  if (!Array.isArray(widths) || (!allowEmpty && widths.length === 0)) {
    throw new DomainError(argument, `an array of layer widths${allowEmpty ? "" : " (at least one)"}`, JSON.stringify(widths) ?? String(widths));
  }
  widths.forEach((w, i) => assertInteger(`${argument}[${i}]`, w, 1));
  return widths.slice();
}

/** `inputSize` = count * size for an integer count; returns count (ShapeError naming the summary's inputSize otherwise). */
export function splitInput(summary: string, inputSize: number, size: number, what: string): number {
  assertInteger(`${summary} inputSize`, inputSize, 1);
  if (inputSize % size !== 0) {
    throw new ShapeError(`${summary} inputSize`, `a multiple of ${what} = ${size}`, String(inputSize));
  }
  return inputSize / size;
}

/** Throws ShapeError unless x is [B, inputSize] (the summary's input rows). */
export function checkSummaryInput(summary: string, x: Tensor, inputSize: number): void {
  if (x.rank !== 2 || x.cols !== inputSize) {
    throw new ShapeError(`x of ${summary}`, `a tensor [B, ${inputSize}]`, `shape ${describeShape(x.shape)}`);
  }
}
