import { DomainError, ShapeError, describeShape } from "../core/errors.js";
import type { Rng } from "../core/rng.js";
import { runtime, type Runtime } from "../core/runtime.js";
import { Tensor, shapeSize } from "../core/tensor.js";
import { keep } from "../core/scope.js";
import { add } from "../autodiff/ops/binary.js";
import { reshape } from "../autodiff/ops/shape.js";
import { noGrad } from "../autodiff/tape.js";
import { assertIndexBroadcast, assertShapeBroadcast, largest } from "../autodiff/ops/broadcast-index.js";
import type { Support } from "./support.js";

/**
 * What every distribution offers (Pyro / torch.distributions style):
 * - `support`: the values it takes (a model site's support is its distribution's);
 * - `batchShape`, `eventShape`: a draw of the distribution's own shape is
 *   [...batchShape, ...eventShape]; `logProb(value)` sums over the event
 *   dims and returns one value per batch entry (elementwise families, such as
 *   Normal, have eventShape [] so logProb keeps the value's shape);
 * - `sample(rng, shape?)` draws without a gradient; `rsample` (when
 *   `reparameterized`) draws as a differentiable function of the parameters.
 *   `shape` is the full shape of the draw; the parameters broadcast by index
 *   against it (a scalar, a row, or the full shape): a model plate asks for
 *   [B, d] from a distribution with parameters [1] or [1, d];
 * - `entropy` where it has a closed form (KL pairs are in kl.ts).
 * Discrete distributions return integer-valued f64 tensors from sample and
 * accept them in logProb.
 */
export interface Distribution {
  readonly support: Support;
  readonly batchShape: readonly number[];
  readonly eventShape: readonly number[];
  /** True when rsample exists (pathwise gradients); false for discrete families. */
  readonly reparameterized: boolean;
  sample(rng: Rng, shape?: readonly number[]): Tensor;
  rsample?(rng: Rng, shape?: readonly number[]): Tensor;
  logProb(value: Tensor): Tensor;
  entropy?(): Tensor;
}

/** A number, a flat array, nested rows or a Tensor, as parameters are given. */
export type ParamInput = number | readonly number[] | readonly (readonly number[])[] | Tensor;

let transientDepth = 0;

/**
 * Runs fn with distributions' constant array parameters allocated in the
 * arena (the model language runs a model's function under it: distributions
 * made inside a model run live as long as the run's other tensors, so a
 * training step allocates no persistent memory).
 */
export function withTransientParams<T>(fn: () => T): T {
  transientDepth++;
  try {
    return fn();
  } finally {
    transientDepth--;
  }
}

/** Persistent [1] tensors of plain-number parameters, one per (runtime, value): a model that builds `new Normal(0, 1)` every step allocates nothing. */
const scalarConstants = new WeakMap<Runtime, Map<number, Tensor>>();

function scalarConstant(value: number, argument: string): Tensor {
  const rt = runtime();
  let cache = scalarConstants.get(rt);
  if (!cache) scalarConstants.set(rt, (cache = new Map()));
  let t = cache.get(value);
  if (!t) {
    // kept: a constant first made inside a tidy() scope must outlive it (the cache hands it out again)
    t = keep(Tensor.from([value], [1], "persistent", rt, argument));
    cache.set(value, t);
  }
  return t;
}

/**
 * Tensor for a parameter: Tensors pass through (keeping their gradient);
 * numbers and arrays become constants, so that a distribution built once (a
 * prior) outlives arena resets. A number gives a shared cached [1] constant
 * (never dispose it); an array gives a new persistent tensor, except inside a
 * model run (withTransientParams), where it goes to the arena.
 */
export function paramTensor(argument: string, value: ParamInput): Tensor {
  if (value instanceof Tensor) return value;
  const lifetime = transientDepth > 0 ? "arena" : "persistent";
  if (typeof value === "number") return scalarConstant(value, argument);
  if (value.length === 0) throw new DomainError(argument, "at least one value", "an empty array");
  return Tensor.from(value, undefined, lifetime, undefined, argument);
}

/** paramTensor whose values must be finite and > 0 (one Wasm scan; DomainError naming the argument, value and index). */
export function positiveParam(argument: string, value: ParamInput): Tensor {
  const t = paramTensor(argument, value);
  const bad = t.rt.k.firstOutsideInterval(t.ptr, t.size, 0, Infinity, 0);
  if (bad >= 0) throw new DomainError(argument, "finite values > 0", `${t.view()[bad]} at index ${bad}`);
  return t;
}

/** Throws ShapeError unless t is [B, K]. */
export function assertRank2(argument: string, t: Tensor): void {
  if (t.rank !== 2) throw new ShapeError(argument, "shape [B, K]", `shape ${describeShape(t.shape)}`);
}

/**
 * The largest of the named parameters (the batch shape of an elementwise
 * family), each checked to broadcast by index against it (ShapeError naming it).
 */
export function broadcastParams(params: readonly (readonly [string, Tensor])[]): Tensor {
  const target = largest(...params.map(([, t]) => t));
  const targetName = params.find(([, t]) => t === target)![0];
  for (const [name, t] of params) assertIndexBroadcast(name, t, target, targetName);
  return target;
}

/** Throws ShapeError unless every parameter broadcasts by index against a draw of `shape` (a valid shape). */
export function assertDrawShape(shape: readonly number[], params: readonly (readonly [string, Tensor])[]): void {
  if (shape.length === 0 || !shape.every((d) => Number.isInteger(d) && d >= 1)) {
    throw new ShapeError("shape", "positive integer dimensions", describeShape(shape));
  }
  for (const [name, t] of params) assertShapeBroadcast(name, t.shape, shape, "the draw shape");
}

/** t broadcast to `shape` (t's shape is a suffix of it, or t has its size): a differentiable copy or view. */
export function expandTo(t: Tensor, shape: readonly number[]): Tensor {
  if (t.size === shapeSize(shape)) return t.shape.length === shape.length && t.shape.every((d, i) => d === shape[i]) ? t : reshape(t, shape);
  return add(Tensor.zeros(shape, "arena", t.rt), t);
}

/**
 * Throws DomainError naming `value` unless every entry lies in the support
 * (one Wasm scan). `closed`: interval bounds are included (a Bernoulli's
 * [0, 1] intensities).
 */
export function assertInSupport(value: Tensor, support: Support, { closed = false }: { closed?: boolean } = {}): void {
  const k = value.rt.k;
  const n = value.size;
  let bad: number;
  switch (support.kind) {
    case "real":
      bad = k.firstNonFinite(value.ptr, n);
      break;
    case "positive":
      bad = k.firstOutsideInterval(value.ptr, n, 0, Infinity, 0);
      break;
    case "interval":
      bad = k.firstOutsideInterval(value.ptr, n, support.low, support.high, closed ? 1 : 0);
      break;
    case "boolean":
      bad = closed ? k.firstOutsideInterval(value.ptr, n, 0, 1, 1) : k.firstNotInteger(value.ptr, n, 0, 1);
      break;
    case "count":
      bad = k.firstNotInteger(value.ptr, n, 0, Infinity);
      break;
    case "categorical":
      bad = k.firstNotInteger(value.ptr, n, 0, support.K - 1);
      break;
    case "simplex": {
      const K = value.shape[value.rank - 1];
      bad = k.firstOffSimplex(value.ptr, n / K, K, SIMPLEX_TOLERANCE);
      break;
    }
  }
  if (bad >= 0) throw new DomainError("value", describeValues(support, closed), `${value.view()[bad]} at index ${bad}`);
}

/** "values > 0", "values in (0, 1)", "integers in [0, 3)", ... as assertInSupport checks them. */
function describeValues(s: Support, closed: boolean): string {
  switch (s.kind) {
    case "real":
      return "finite values";
    case "positive":
      return "values > 0";
    case "interval":
      return closed ? `values in [${s.low}, ${s.high}]` : `values in (${s.low}, ${s.high})`;
    case "boolean":
      return closed ? "values in [0, 1]" : "values 0 or 1";
    case "count":
      return "integers >= 0";
    case "categorical":
      return `integers in [0, ${s.K})`;
    case "simplex":
      return `rows on the simplex (entries in (0, 1] summing to 1 within ${SIMPLEX_TOLERANCE})`;
  }
}

/** How far a simplex row's sum may be from 1. */
export const SIMPLEX_TOLERANCE = 1e-9;

/**
 * The common part of the elementwise families (event shape [], parameters
 * broadcast by index): the batch shape, fixed at construction from the
 * parameters' broadcast, and `sample` as `rsample` without a gradient
 * (families whose sampler differs override it).
 */
export abstract class ElementwiseDistribution implements Distribution {
  abstract readonly support: Support;
  abstract readonly reparameterized: boolean;
  readonly eventShape: readonly number[] = [];
  readonly batchShape: readonly number[];

  /** `params`: [name, tensor] pairs, checked to broadcast against the largest (ShapeError naming the parameter). */
  constructor(protected readonly params: readonly (readonly [string, Tensor])[]) {
    this.batchShape = broadcastParams(params).shape;
  }

  /** rsample without gradient. */
  sample(rng: Rng, shape: readonly number[] = this.batchShape): Tensor {
    return noGrad(() => this.rsample(rng, shape));
  }

  abstract rsample(rng: Rng, shape?: readonly number[]): Tensor;
  abstract logProb(value: Tensor): Tensor;
}
