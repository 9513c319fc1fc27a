import { assertPositive } from "../core/errors.js";
import type { ParamStore } from "../nn/param-store.js";

/** ||g||_2 over the gradient buffers of all stores (one kernel call per store). */
export function gradNorm(stores: ParamStore | readonly ParamStore[]): number {
  let total = 0;
  for (const s of asList(stores)) total += s.rt.k.sumSquares(s.grads.ptr, s.size);
  return Math.sqrt(total);
}

/**
 * g <- g * min(1, maxNorm / ||g||_2) jointly over all stores (Pascanu et al.
 * 2013); returns the norm before clipping. A non-finite norm is returned
 * without scaling: the optimizer's step then refuses the update.
 */
export function clipGradNorm(stores: ParamStore | readonly ParamStore[], maxNorm: number): number {
  assertPositive("maxNorm", maxNorm);
  const norm = gradNorm(stores);
  if (Number.isFinite(norm) && norm > maxNorm) {
    const c = maxNorm / norm;
    for (const s of asList(stores)) s.rt.k.scaleInPlace(s.grads.ptr, s.size, c);
  }
  return norm;
}

function asList(stores: ParamStore | readonly ParamStore[]): readonly ParamStore[] {
  return Array.isArray(stores) ? stores : [stores as ParamStore];
}
