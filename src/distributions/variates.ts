// Gamma and Poisson variates from the Rng's Philox streams: rejection rounds
// run in Wasm (assembly/variates.ts), this side only draws the fresh normals
// and uniforms for the elements still pending after each round. Every
// element's draws depend on the seed, the shape and the parameters only, so
// the same seed gives the same numbers. No gradient (sample, not rsample).
import { DomainError } from "../core/errors.js";
import type { Rng } from "../core/rng.js";
import { Tensor } from "../core/tensor.js";

/** Rounds after which a sampler gives up (acceptance is >= 0.95 for Gamma and >= 0.5 for PTRS, so never reached with valid parameters). */
const MAX_ROUNDS = 200;

/**
 * Rejection rounds over n elements: `round(idx, m)` draws for the m pending
 * elements listed in idx and returns how many stay pending.
 */
function rejectionRounds(rt: Tensor["rt"], n: number, argument: string, round: (idx: number, m: number) => number): void {
  const idx = rt.arena.alloc(n * 4);
  rt.k.iotaI32(idx, n);
  let m = n;
  for (let r = 0; m > 0; r++) {
    if (r === MAX_ROUNDS) throw new DomainError(argument, "finite values > 0", `values the sampler rejected ${MAX_ROUNDS} times`);
    m = round(idx, m);
  }
}

/**
 * x ~ Gamma(concentration, rate) of `shape` (parameters broadcast by index;
 * rate null = 1): Marsaglia & Tsang (2000) on Gamma(a + 1) for a < 1 then
 * x (1 - u)^(1/a), clamped to >= 2.2e-308 (the open support). Draws per round:
 * normals then uniforms for the pending elements; then n uniforms for the boost.
 */
export function sampleGamma(rng: Rng, concentration: Tensor, rate: Tensor | null, shape: readonly number[]): Tensor {
  const rt = concentration.rt;
  const out = Tensor.empty(shape, "arena", rt);
  const n = out.size;
  const mark = rt.arena.mark();
  rejectionRounds(rt, n, "concentration", (idx, m) => {
    const eps = rt.arena.alloc(m * 8);
    const u = rt.arena.alloc(m * 8);
    rng.fillNormal(eps, m);
    rng.fillUniform(u, m);
    return rt.k.gammaRound(concentration.ptr, concentration.size, idx, m, eps, u, out.ptr);
  });
  const boost = rt.arena.alloc(n * 8);
  rng.fillUniform(boost, n);
  rt.k.gammaFinish(out.ptr, n, concentration.ptr, concentration.size, rate ? rate.ptr : 0, rate ? rate.size : 1, boost);
  rt.arena.restore(mark);
  return out;
}

/**
 * x ~ Poisson(rate) of `shape` (rate broadcast by index), integer-valued f64:
 * inversion for rate < 10, Hormann's PTRS (1993) above. Draws per round: two
 * uniform blocks (u, v) for the pending elements.
 */
export function samplePoisson(rng: Rng, rate: Tensor, shape: readonly number[]): Tensor {
  const rt = rate.rt;
  const out = Tensor.empty(shape, "arena", rt);
  const mark = rt.arena.mark();
  rejectionRounds(rt, out.size, "rate", (idx, m) => {
    const u = rt.arena.alloc(m * 8);
    const v = rt.arena.alloc(m * 8);
    rng.fillUniform(u, m);
    rng.fillUniform(v, m);
    return rt.k.poissonRound(rate.ptr, rate.size, idx, m, u, v, out.ptr);
  });
  rt.arena.restore(mark);
  return out;
}
