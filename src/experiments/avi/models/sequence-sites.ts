import type { Rng } from "../../../core/rng.js";

/** n standard normals from rng as a JS array (data simulation; arena scratch released). */
export function normals(rng: Rng, n: number): Float64Array {
  const arena = rng.rt.arena;
  const m = arena.mark();
  const v = rng.normal([n]).toFloat64Array();
  arena.restore(m);
  return v;
}
