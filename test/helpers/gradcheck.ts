import { expect } from "vitest";
import { Tensor } from "../../src/core/tensor.js";
import { Rng } from "../../src/core/rng.js";
import { runtime } from "../../src/core/runtime.js";
import { backward, clearTape, noGrad, startRecording, stopRecording } from "../../src/autodiff/tape.js";

export interface GradInput {
  shape: number[];
  /** Values; default: standard normals from the seed. */
  values?: number[];
  /** Map sampled values through this (e.g. Math.abs for positive inputs). */
  transform?: (v: number) => number;
  /** Integer/label inputs: no gradient is checked. */
  constant?: boolean;
}

/**
 * Checks the tape's gradient of L = sum(w * f(inputs)) (w random, fixed) w.r.t.
 * every non-constant input against central finite differences:
 * err = |analytic - numeric| / max(1, |analytic|, |numeric|) < tol.
 * Returns the largest error found.
 */
export function gradCheck(
  f: (...inputs: Tensor[]) => Tensor,
  specs: GradInput[],
  { seed = 1, eps = 1e-6, tol = 1e-6 }: { seed?: number; eps?: number; tol?: number } = {},
): number {
  const rt = runtime();
  const rng = new Rng(seed);
  const inputs = specs.map((s) => {
    const t = s.values ? Tensor.from(s.values, s.shape, "persistent") : rng.normal(s.shape, "persistent");
    if (!s.values && s.transform) t.set(t.toArray().map(s.transform));
    t.requiresGrad = !s.constant;
    return t;
  });
  const weights = noGrad(() => {
    const out = f(...inputs);
    return rng.normal(out.shape, "persistent");
  });
  const w = weights.toArray();
  const objective = () => {
    const mark = rt.arena.mark();
    const out = noGrad(() => f(...inputs)).toArray();
    rt.arena.restore(mark);
    return out.reduce((s, v, i) => s + v * w[i], 0);
  };

  startRecording();
  const out = f(...inputs);
  stopRecording();
  backward(out, weights);
  const analytic = inputs.map((t) => (t.grad ? t.grad.toArray() : new Array(t.size).fill(0)));
  clearTape();

  let worst = 0;
  inputs.forEach((t, k) => {
    if (specs[k].constant) return;
    for (let i = 0; i < t.size; i++) {
      const v = t.view()[i];
      t.view()[i] = v + eps;
      const fp = objective();
      t.view()[i] = v - eps;
      const fm = objective();
      t.view()[i] = v;
      const numeric = (fp - fm) / (2 * eps);
      const a = analytic[k][i];
      const err = Math.abs(a - numeric) / Math.max(1, Math.abs(a), Math.abs(numeric));
      worst = Math.max(worst, err);
      if (!(err < tol)) {
        expect.fail(`input ${k} index ${i}: analytic ${a}, numeric ${numeric}, err ${err}`);
      }
    }
  });
  [...inputs, weights].forEach((t) => t.dispose());
  return worst;
}

/** Shapes that exercise 1x1, odd sizes (SIMD tails) and ordinary sizes. */
export const CHECK_SHAPES: number[][] = [
  [1, 1],
  [1, 3],
  [3, 1],
  [3, 5],
  [4, 7],
  [2, 8],
];
