// Implicit reparameterization of Gamma draws (src/autodiff/ops/implicit-gamma.ts,
// assembly/gamma-grad.ts): dz/da against a finite difference of the inverse
// CDF at fixed u, and Monte Carlo gradients of expectations against closed forms.
import { describe, it, expect } from "vitest";
import { Tensor, Rng, Gamma, sum, mul, square } from "../../src/index.js";
import { gammaPathwise } from "../../src/autodiff/ops/implicit-gamma.js";
import { backward, startRecording, stopRecording } from "../../src/autodiff/tape.js";
import { log } from "../../src/autodiff/ops/unary.js";
import { gammaQuantileRef, trigammaRef } from "../helpers/special-ref.js";
import { meanAndStdErr } from "../helpers/quadrature.js";
import { lossGrads } from "../helpers/pathwise.js";

/** Relative tolerance on dz/da: measured worst 7e-4 (saddle point, a = 8.5, u = 0.001), ~1e-4 for the rational fit, 1e-9 for the series. */
const TOL = 1e-3;

/** The tape's dz_i/da_i for z_i drawn from Gamma(a_i, 1) (one concentration per draw). */
function implicitGrad(a: number[], z: number[]): number[] {
  const at = Tensor.from(a, [a.length], "persistent");
  at.requiresGrad = true;
  startRecording();
  const out = gammaPathwise(at, null, Tensor.from(z, [z.length]));
  stopRecording();
  backward(out, Tensor.full([z.length], 1));
  const g = at.grad!.toArray();
  at.dispose();
  return g;
}

/** Per-draw gradients d f(x_i) / d a of x_i ~ Gamma(a, rate), n draws (a repeated per draw), and the summed d / d rate. */
function perDrawGrads(a: number, rate: number, n: number, f: (x: Tensor) => Tensor, seed: number): { da: number[]; drate: number } {
  const { grads } = lossGrads([{ values: new Array(n).fill(a), shape: [n] }, { values: [rate], shape: [1] }], (at, bt) =>
    sum(f(new Gamma(at, bt).rsample(new Rng(seed), [n]))),
  );
  return { da: grads[0], drate: grads[1][0] };
}

describe("Gamma rsample (implicit reparameterization)", () => {
  const us = [0.02, 0.1, 0.3, 0.5, 0.7, 0.9, 0.98];
  it.each([0.3, 1, 2.5, 10, 50, 500])("dz/da matches a finite difference of the inverse CDF at fixed u (a = %f)", (a) => {
    const z = us.map((u) => gammaQuantileRef(u, a));
    const h = 1e-4 * a;
    const fd = us.map((u) => (gammaQuantileRef(u, a + h) - gammaQuantileRef(u, a - h)) / (2 * h));
    const g = implicitGrad(z.map(() => a), z);
    g.forEach((gi, i) => expect(Math.abs(gi - fd[i]) / Math.abs(fd[i]), `u = ${us[i]}: implicit ${gi}, fd ${fd[i]}`).toBeLessThan(TOL));
  });
  it("dz/da is finite and >= 0 down to the clamped draws of tiny concentrations", () => {
    const g = implicitGrad([0.05, 0.05, 0.3, 200], [2.2250738585072014e-308, 1e-30, 1e-12, 200]);
    g.forEach((v) => expect(Number.isFinite(v) && v >= 0).toBe(true));
  });
  it.each([[0.3, 1], [2.5, 2], [10, 0.5]])("d/da E[x] = 1/b and d/db E[x] = -a/b^2 by Monte Carlo (a = %f, b = %f)", (a, b) => {
    const n = 20000;
    const { da, drate } = perDrawGrads(a, b, n, (x) => x, 5);
    const { mean, se } = meanAndStdErr(da);
    expect(Math.abs(mean - 1 / b)).toBeLessThan(4 * se);
    expect(Math.abs(drate / n + a / b ** 2)).toBeLessThan(0.03 * (a / b ** 2));
  });
  it.each([0.3, 1, 2.5, 10])("d/da E[log x] = trigamma(a) by Monte Carlo (a = %f)", (a) => {
    const { da } = perDrawGrads(a, 1.7, 20000, log, 6);
    const { mean, se } = meanAndStdErr(da);
    expect(Math.abs(mean - trigammaRef(a))).toBeLessThan(4 * se);
  });
  it("rsample equals sample (same stream, same numbers) and is reparameterized", () => {
    const d = new Gamma([0.4, 3], [2, 0.5]);
    expect(d.reparameterized).toBe(true);
    expect(d.rsample(new Rng(9), [50, 2]).toArray()).toEqual(d.sample(new Rng(9), [50, 2]).toArray());
  });
  it("gradients flow through rsample to Tensor parameters on the tape (finite, nonzero)", () => {
    const { value, grads } = lossGrads([{ values: [0.7, 2.5], shape: [2] }, { values: [1.3], shape: [1] }], (a, b) =>
      sum(square(mul(new Gamma(a, b).rsample(new Rng(4), [16, 2]), Tensor.from([1, -2])))),
    );
    expect(Number.isFinite(value)).toBe(true);
    grads.flat().forEach((g) => expect(Number.isFinite(g) && g !== 0).toBe(true));
  });
});
