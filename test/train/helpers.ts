import { Rng } from "../../src/core/rng.js";

/** A tiny known-truth data set: z ~ N(0, 1), x = (z, sin(2 z)) + N(0, 0.1^2 I) in R^2, seeded. */
export function curveData(n: number, seed: number): number[][] {
  const rng = new Rng(seed);
  const e = rng.normal([n, 3]).toRows();
  return e.map(([z, a, b]) => [z + 0.1 * a, Math.sin(2 * z) + 0.1 * b]);
}
