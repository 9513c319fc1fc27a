import { ParamStore, Rng, inits } from "../../src/index.js";

/** A store with parameters "a" [2, 3] and "b" [size - 6] filled with seeded normals. */
export function makeStore(size = 13, seed = 1): ParamStore {
  return ParamStore.build(
    [
      { name: "a", shape: [2, 3], init: inits.normal(1) },
      { name: "b", shape: [size - 6], init: inits.normal(1) },
    ],
    new Rng(seed),
  );
}

/** Deterministic pseudo-gradients for step t (plain JS, independent of the Wasm PRNG). */
export function fakeGrad(n: number, t: number): number[] {
  return Array.from({ length: n }, (_, i) => Math.sin(1.7 * i + 0.9 * t + 0.3) * (1 + 0.1 * i));
}

export function maxRelErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]) / Math.max(1, Math.abs(b[i])));
  return worst;
}
