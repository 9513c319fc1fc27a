import { DomainError, ShapeError, describeShape } from "../core/errors.js";
import type { Rng } from "../core/rng.js";
import { Tensor } from "../core/tensor.js";

/**
 * What every distribution offers (Pyro-style): `sample` draws without a
 * gradient, `rsample` (where a reparameterization exists) draws so that
 * gradients flow into the parameters, `logProb` returns one log-density per
 * batch entry ([B]; elementwise families: the value's shape), `entropy` where
 * a closed form exists.
 */
export interface Distribution {
  sample(rng: Rng): Tensor;
  rsample?(rng: Rng): Tensor;
  logProb(value: Tensor): Tensor;
  entropy?(): Tensor;
}

/** A number, a flat array, nested rows or a Tensor, as parameters are given. */
export type ParamInput = number | readonly number[] | readonly (readonly number[])[] | Tensor;

/**
 * Tensor for a parameter: Tensors pass through (keeping their gradient);
 * numbers and arrays become persistent constants, so that a distribution
 * built once (a prior) outlives arena resets.
 */
export function paramTensor(argument: string, value: ParamInput): Tensor {
  if (value instanceof Tensor) return value;
  if (typeof value === "number") return Tensor.from([value], [1], "persistent", undefined, argument);
  if (value.length === 0) throw new DomainError(argument, "at least one value", "an empty array");
  return Tensor.from(value, undefined, "persistent", undefined, argument);
}

/** Throws ShapeError unless t is [B, K]. */
export function assertRank2(argument: string, t: Tensor): void {
  if (t.rank !== 2) throw new ShapeError(argument, "shape [B, K]", `shape ${describeShape(t.shape)}`);
}
