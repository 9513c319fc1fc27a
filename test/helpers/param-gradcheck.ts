import { expect } from "vitest";
import { Rng } from "../../src/core/rng.js";
import { runtime } from "../../src/core/runtime.js";
import type { Tensor } from "../../src/core/tensor.js";
import type { ParamStore } from "../../src/nn/param-store.js";
import { backward, clearTape, noGrad, startRecording, stopRecording } from "../../src/autodiff/tape.js";

/**
 * Checks the tape's gradient of L = sum(w * forward()) (w random, fixed) w.r.t.
 * every parameter of `store` against central finite differences:
 * err = |analytic - numeric| / max(1, |analytic|, |numeric|) < tol.
 * Returns the largest error found (the store's gradients are zeroed after).
 */
export function paramGradCheck(store: ParamStore, forward: () => Tensor, { seed = 3, eps = 1e-6, tol = 1e-6 } = {}): number {
  const rt = runtime();
  const w = noGrad(() => new Rng(seed).normal(forward().shape, "persistent"));
  const wv = w.toArray();
  store.zeroGrad();
  startRecording();
  const y = forward();
  stopRecording();
  backward(y, w);
  clearTape();
  const analytic = store.grads.toArray();
  const objective = () => {
    const mark = rt.arena.mark();
    const v = noGrad(forward).toArray();
    rt.arena.restore(mark);
    return v.reduce((s, vi, i) => s + vi * wv[i], 0);
  };
  let worst = 0;
  for (let i = 0; i < store.size; i++) {
    const v0 = store.values.view()[i];
    store.values.view()[i] = v0 + eps;
    const fp = objective();
    store.values.view()[i] = v0 - eps;
    const fm = objective();
    store.values.view()[i] = v0;
    const numeric = (fp - fm) / (2 * eps);
    const err = Math.abs(analytic[i] - numeric) / Math.max(1, Math.abs(analytic[i]), Math.abs(numeric));
    worst = Math.max(worst, err);
    if (!(err < tol)) expect.fail(`parameter index ${i}: analytic ${analytic[i]}, numeric ${numeric}, err ${err}`);
  }
  w.dispose();
  store.zeroGrad();
  return worst;
}
