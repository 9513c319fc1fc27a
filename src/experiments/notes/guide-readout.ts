// Reading trained guides at test observations (evaluation code of the notes):
// the network outputs at scalar y, without recording, inside an arena scope.
import { Tensor } from "../../core/tensor.js";
import { runtime } from "../../core/runtime.js";
import { noGrad } from "../../autodiff/tape.js";
import type { Family } from "../../infer/families/family.js";

/** Runs fn(y as [n, 1]) without recording, inside an arena scope; fn must copy out what it keeps. */
export function evaluateAt<T>(ys: readonly number[], fn: (obs: Tensor) => T): T {
  const rt = runtime();
  const mark = rt.arena.mark();
  try {
    return noGrad(() => fn(Tensor.from(ys, [ys.length, 1], "arena", rt, "ys")));
  } finally {
    rt.arena.restore(mark);
  }
}

/** Mean and std of the Normal q(site | y) of an amortized family at each scalar observation y (first dim of the site). */
export function normalMoments(family: Family, ys: readonly number[], site = "x"): { mean: number[]; std: number[] } {
  return evaluateAt(ys, (obs) => {
    const f = family.localFactors({ obs })[site];
    return { mean: f.mean.toRows().map((r) => r[0]), std: f.logStd.toRows().map((r) => Math.exp(r[0])) };
  });
}

/**
 * a, b and c of q(x | y) = N(a y + b, c^2) for a family whose inference
 * network is polynomialNet(1) on a scalar y (note-1's guide): its
 * coefficient, its bias and exp of its shared log-std.
 */
export function affineCoefficients(family: Family): { a: number; b: number; c: number } {
  const store = family.params[0];
  return { a: store.get("net.coef.weight").item(), b: store.get("net.coef.bias").item(), c: Math.exp(store.get("net.logStd").item()) };
}
