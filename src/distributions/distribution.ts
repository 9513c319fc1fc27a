import { DomainError, ShapeError, describeShape } from "../core/errors.js";
import type { Rng } from "../core/rng.js";
import { Tensor } from "../core/tensor.js";
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
 * Runs fn with distributions' constant parameters allocated in the arena
 * (the model language runs a model's function under it: distributions made
 * inside a model run live as long as the run's other tensors, so a training
 * step allocates no persistent memory).
 */
export function withTransientParams<T>(fn: () => T): T {
  transientDepth++;
  try {
    return fn();
  } finally {
    transientDepth--;
  }
}

/**
 * Tensor for a parameter: Tensors pass through (keeping their gradient);
 * numbers and arrays become constants: persistent, so that a distribution
 * built once (a prior) outlives arena resets, except inside a model run
 * (withTransientParams), where they go to the arena.
 */
export function paramTensor(argument: string, value: ParamInput): Tensor {
  if (value instanceof Tensor) return value;
  const lifetime = transientDepth > 0 ? "arena" : "persistent";
  if (typeof value === "number") return Tensor.from([value], [1], lifetime, undefined, argument);
  if (value.length === 0) throw new DomainError(argument, "at least one value", "an empty array");
  return Tensor.from(value, undefined, lifetime, undefined, argument);
}

/** Throws ShapeError unless t is [B, K]. */
export function assertRank2(argument: string, t: Tensor): void {
  if (t.rank !== 2) throw new ShapeError(argument, "shape [B, K]", `shape ${describeShape(t.shape)}`);
}
