// Normal-family ops (and the Bernoulli likelihood, a per-element density of
// the same shape): each is one forward kernel call and one backward kernel
// call accumulating into the inputs that need a gradient. Parameters
// broadcast by index modulo their size (see broadcast-index.ts); a plain
// number for a parameter is a [1] constant (operand.ts).
import { DomainError, ShapeError, describeShape } from "../../core/errors.js";
import { Tensor } from "../../core/tensor.js";
import { gradOf, record } from "../tape.js";
import { assertIndexBroadcast, largest } from "./broadcast-index.js";
import { operand, runtimeOf, type TensorOrNumber } from "./operand.js";

/** How a density over [B, ...] is reduced: "event" sums all non-batch dims -> [B]; "none" keeps the input shape. */
export interface DensityOptions {
  elementwise?: boolean;
}

/** Output shape and (rows, cols) loop bounds for a target tensor. */
function layout(target: Tensor, elementwise: boolean): { shape: number[]; rows: number; cols: number } {
  return elementwise
    ? { shape: target.shape.slice(), rows: target.size, cols: 1 }
    : { shape: [target.rows], rows: target.rows, cols: target.cols };
}

/** Pointer of x's gradient if x needs one, else 0 (the kernels skip 0). */
function gradPtr(x: Tensor): number {
  return x.requiresGrad ? gradOf(x).ptr : 0;
}

/** log N(x; mean, exp(logStd)^2) summed over all non-batch dims -> [B] (elementwise: x.shape). */
export function normalLogProb(x: Tensor, meanIn: TensorOrNumber, logStdIn: TensorOrNumber, { elementwise = false }: DensityOptions = {}): Tensor {
  const mean = operand("mean", meanIn, x.rt);
  const logStd = operand("logStd", logStdIn, x.rt);
  assertIndexBroadcast("mean", mean, x, "x");
  assertIndexBroadcast("logStd", logStd, x, "x");
  const { shape, rows, cols } = layout(x, elementwise);
  const out = Tensor.empty(shape, "arena", x.rt);
  const k = x.rt.k;
  k.normalLogProbForward(x.ptr, mean.ptr, logStd.ptr, out.ptr, rows, cols, mean.size, logStd.size);
  return record(out, [x, mean, logStd], (g) =>
    k.normalLogProbBackward(x.ptr, mean.ptr, logStd.ptr, g.ptr, gradPtr(x), gradPtr(mean), gradPtr(logStd), rows, cols, mean.size, logStd.size),
  );
}

/** z = mean + exp(logStd) * eps (reparameterization; shape of eps, mean/logStd broadcast). */
export function normalRsample(meanIn: TensorOrNumber, logStdIn: TensorOrNumber, eps: Tensor): Tensor {
  const mean = operand("mean", meanIn, eps.rt);
  const logStd = operand("logStd", logStdIn, eps.rt);
  assertIndexBroadcast("mean", mean, eps, "eps");
  assertIndexBroadcast("logStd", logStd, eps, "eps");
  const z = Tensor.empty(eps.shape, "arena", eps.rt);
  const k = eps.rt.k;
  k.normalRsampleForward(mean.ptr, logStd.ptr, eps.ptr, z.ptr, eps.size, mean.size, logStd.size);
  return record(z, [mean, logStd, eps], (g) =>
    k.normalRsampleBackward(logStd.ptr, eps.ptr, g.ptr, gradPtr(mean), gradPtr(logStd), gradPtr(eps), eps.size, mean.size, logStd.size),
  );
}

/** H = sum over non-batch dims of 0.5 log(2 pi e) + logStd -> [B] of the larger of mean/logStd (elementwise: its shape). */
export function normalEntropy(meanIn: TensorOrNumber, logStdIn: TensorOrNumber, { elementwise = false }: DensityOptions = {}): Tensor {
  const rt = runtimeOf(meanIn, logStdIn);
  const mean = operand("mean", meanIn, rt);
  const logStd = operand("logStd", logStdIn, rt);
  const target = largest(mean, logStd);
  assertIndexBroadcast("logStd", logStd, target, "mean");
  assertIndexBroadcast("mean", mean, target, "logStd");
  const { shape, rows, cols } = layout(target, elementwise);
  const out = Tensor.empty(shape, "arena", target.rt);
  const k = target.rt.k;
  k.normalEntropyForward(logStd.ptr, out.ptr, rows, cols, logStd.size);
  return record(out, [logStd], (g) => k.normalEntropyBackward(g.ptr, gradOf(logStd).ptr, rows, cols, logStd.size));
}

/** KL(N(meanQ, sq^2) || N(meanP, sp^2)) = log(sp/sq) + (sq^2 + (meanQ - meanP)^2) / (2 sp^2) - 1/2, summed over non-batch dims -> [B]. */
export function normalKL(
  meanQIn: TensorOrNumber,
  logStdQIn: TensorOrNumber,
  meanPIn: TensorOrNumber,
  logStdPIn: TensorOrNumber,
  { elementwise = false }: DensityOptions = {},
): Tensor {
  const rt = runtimeOf(meanQIn, logStdQIn, meanPIn, logStdPIn);
  const meanQ = operand("meanQ", meanQIn, rt);
  const logStdQ = operand("logStdQ", logStdQIn, rt);
  const meanP = operand("meanP", meanPIn, rt);
  const logStdP = operand("logStdP", logStdPIn, rt);
  const target = largest(meanQ, logStdQ, meanP, logStdP);
  const targetName = target === meanQ ? "meanQ" : target === logStdQ ? "logStdQ" : target === meanP ? "meanP" : "logStdP";
  assertIndexBroadcast("meanQ", meanQ, target, targetName);
  assertIndexBroadcast("logStdQ", logStdQ, target, targetName);
  assertIndexBroadcast("meanP", meanP, target, targetName);
  assertIndexBroadcast("logStdP", logStdP, target, targetName);
  const { shape, rows, cols } = layout(target, elementwise);
  const out = Tensor.empty(shape, "arena", target.rt);
  const k = target.rt.k;
  const sizes = [meanQ.size, logStdQ.size, meanP.size, logStdP.size] as const;
  k.normalKLForward(meanQ.ptr, logStdQ.ptr, meanP.ptr, logStdP.ptr, out.ptr, rows, cols, ...sizes);
  return record(out, [meanQ, logStdQ, meanP, logStdP], (g) =>
    k.normalKLBackward(
      meanQ.ptr, logStdQ.ptr, meanP.ptr, logStdP.ptr, g.ptr,
      gradPtr(meanQ), gradPtr(logStdQ), gradPtr(meanP), gradPtr(logStdP), rows, cols, ...sizes,
    ),
  );
}

/** Row stride of a mixture parameter: [K] or [1, K] -> 0 (shared), [B, K] -> K. */
function mixtureStride(argument: string, p: Tensor, B: number, K: number): number {
  const shared = (p.rank === 1 && p.size === K) || (p.rank === 2 && p.shape[0] === 1 && p.shape[1] === K);
  if (shared) return 0;
  if (p.rank === 2 && p.shape[0] === B && p.shape[1] === K) return K;
  throw new ShapeError(argument, `shape [${K}] or [${B}, ${K}]`, `shape ${describeShape(p.shape)}`);
}

/**
 * log sum_k w_k N(x; means_k, exp(logStds_k)^2) with w = softmax(logWeights)
 * (unnormalized log-weights are normalized here; normalized ones pass
 * unchanged), via log-sum-exp. x [B] or [B, 1]; each parameter [K] or [B, K] -> [B].
 */
export function mixtureNormalLogProb(x: Tensor, logWeights: Tensor, means: Tensor, logStds: Tensor): Tensor {
  if (!(x.rank === 1 || (x.rank === 2 && x.shape[1] === 1))) {
    throw new ShapeError("x", "shape [B] or [B, 1]", `shape ${describeShape(x.shape)}`);
  }
  const B = x.rows;
  const K = logWeights.shape[logWeights.rank - 1];
  if (K < 1) throw new DomainError("logWeights", "K >= 1 components", String(K));
  const sw = mixtureStride("logWeights", logWeights, B, K);
  const sm = mixtureStride("means", means, B, K);
  const ss = mixtureStride("logStds", logStds, B, K);
  const out = Tensor.empty([B], "arena", x.rt);
  const k = x.rt.k;
  k.mixtureNormalLogProbForward(x.ptr, logWeights.ptr, means.ptr, logStds.ptr, out.ptr, B, K, sw, sm, ss);
  return record(out, [x, logWeights, means, logStds], (g) =>
    k.mixtureNormalLogProbBackward(
      x.ptr, logWeights.ptr, means.ptr, logStds.ptr, g.ptr,
      gradPtr(x), gradPtr(logWeights), gradPtr(means), gradPtr(logStds), B, K, sw, sm, ss,
    ),
  );
}

/** log Bernoulli(x; sigmoid(logits)) = x * logits - softplus(logits), summed over non-batch dims -> [B] (elementwise: x.shape). */
export function bernoulliLogProb(x: Tensor, logitsIn: TensorOrNumber, { elementwise = false }: DensityOptions = {}): Tensor {
  const logits = operand("logits", logitsIn, x.rt);
  assertIndexBroadcast("logits", logits, x, "x");
  const { shape, rows, cols } = layout(x, elementwise);
  const out = Tensor.empty(shape, "arena", x.rt);
  const k = x.rt.k;
  k.bernoulliLogProbForward(x.ptr, logits.ptr, out.ptr, rows, cols, logits.size);
  return record(out, [x, logits], (g) =>
    k.bernoulliLogProbBackward(x.ptr, logits.ptr, g.ptr, gradPtr(x), gradPtr(logits), rows, cols, logits.size),
  );
}

/** H = softplus(l) - l * sigmoid(l), summed over non-batch dims -> [B] (elementwise: logits.shape). */
export function bernoulliEntropy(logits: Tensor, { elementwise = false }: DensityOptions = {}): Tensor {
  const { shape, rows, cols } = layout(logits, elementwise);
  const out = Tensor.empty(shape, "arena", logits.rt);
  const k = logits.rt.k;
  k.bernoulliEntropyForward(logits.ptr, out.ptr, rows, cols);
  return record(out, [logits], (g) => k.bernoulliEntropyBackward(logits.ptr, g.ptr, gradOf(logits).ptr, rows, cols));
}

/** KL(Bern(sigmoid(logitsP)) || Bern(sigmoid(logitsQ))) summed over non-batch dims -> [B] of the larger (elementwise: its shape). */
export function bernoulliKL(logitsPIn: TensorOrNumber, logitsQIn: TensorOrNumber, { elementwise = false }: DensityOptions = {}): Tensor {
  const rt = runtimeOf(logitsPIn, logitsQIn);
  const logitsP = operand("logitsP", logitsPIn, rt);
  const logitsQ = operand("logitsQ", logitsQIn, rt);
  const target = largest(logitsP, logitsQ);
  assertIndexBroadcast("logitsP", logitsP, target, "logitsQ");
  assertIndexBroadcast("logitsQ", logitsQ, target, "logitsP");
  const { shape, rows, cols } = layout(target, elementwise);
  const out = Tensor.empty(shape, "arena", target.rt);
  const k = target.rt.k;
  k.bernoulliKLForward(logitsP.ptr, logitsQ.ptr, out.ptr, rows, cols, logitsP.size, logitsQ.size);
  return record(out, [logitsP, logitsQ], (g) =>
    k.bernoulliKLBackward(logitsP.ptr, logitsQ.ptr, g.ptr, gradPtr(logitsP), gradPtr(logitsQ), rows, cols, logitsP.size, logitsQ.size),
  );
}
