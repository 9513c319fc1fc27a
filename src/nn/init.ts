import { DomainError, UnknownNameError, assertPositive } from "../core/errors.js";
import type { Rng } from "../core/rng.js";
import type { Tensor } from "../core/tensor.js";

/**
 * Fills a freshly allocated parameter in place from `rng`. Fans follow the
 * dense layout W [in, out]: fanIn = shape[0], fanOut = shape[1] (a 1-D
 * parameter has fanIn = fanOut = its length). Same rng state -> same values.
 */
export type Init = (param: Tensor, rng: Rng) => void;

/** Names accepted wherever an Init is expected. */
export type InitName = "glorotUniform" | "heNormal" | "zeros";

/** (fanIn, fanOut) of a parameter shape. */
export function fans(shape: readonly number[]): [number, number] {
  if (shape.length === 0) return [1, 1];
  const receptive = shape.slice(2).reduce((a, b) => a * b, 1);
  const fanIn = shape[0] * receptive;
  const fanOut = (shape.length > 1 ? shape[1] : shape[0]) * receptive;
  return [fanIn, fanOut];
}

/** Maps every value v of t to f(v) (initialization only: not a hot path). */
function mapValues(t: Tensor, f: (v: number) => number): void {
  const view = t.view();
  for (let i = 0; i < view.length; i++) view[i] = f(view[i]);
}

/** W ~ U(-a, a), a = sqrt(6 / (fanIn + fanOut)) (Glorot & Bengio 2010). */
export const glorotUniform: Init = (param, rng) => {
  const [fanIn, fanOut] = fans(param.shape);
  const a = Math.sqrt(6 / (fanIn + fanOut));
  rng.fillUniform(param.ptr, param.size);
  mapValues(param, (u) => (2 * u - 1) * a);
};

/** W ~ N(0, 2 / fanIn) (He et al. 2015), for ReLU layers. */
export const heNormal: Init = (param, rng) => {
  const std = Math.sqrt(2 / fans(param.shape)[0]);
  rng.fillNormal(param.ptr, param.size);
  mapValues(param, (z) => z * std);
};

/** W ~ N(mean, std^2). */
export function normal(std: number, mean = 0): Init {
  assertPositive("std", std);
  if (!Number.isFinite(mean)) throw new DomainError("mean", "a finite number", String(mean));
  return (param, rng) => {
    rng.fillNormal(param.ptr, param.size);
    mapValues(param, (z) => mean + z * std);
  };
}

/** W = c everywhere (consumes no random numbers). */
export function constant(c: number): Init {
  if (!Number.isFinite(c)) throw new DomainError("c", "a finite number", String(c));
  return (param) => param.rt.k.fill(param.ptr, param.size, c);
}

/** W = 0 everywhere. */
export const zeros: Init = constant(0);

const NAMED: Record<InitName, Init> = { glorotUniform, heNormal, zeros };

/** An Init from a name or an Init function. */
export function resolveInit(init: Init | InitName, argument = "init"): Init {
  if (typeof init === "function") return init;
  const f = Object.hasOwn(NAMED, init) ? NAMED[init as InitName] : undefined;
  if (!f) throw new UnknownNameError(argument, `one of ${Object.keys(NAMED).join(", ")} or an Init function`, String(init));
  return f;
}
