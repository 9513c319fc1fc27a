// Shared checks of ConditionalDensity implementations (src/infer/families/):
// normalization over a grid (2-D Simpson), rsample's logQ equals logProb of
// its own draw, sample moments against closed forms or the grid moments,
// and gradients of logProb (in u and c), of rsample (in c, fixed noise) and
// of either in the density's own parameters by central finite differences.
import { expect } from "vitest";
import { Tensor } from "../../src/core/tensor.js";
import { Rng } from "../../src/core/rng.js";
import { runtime } from "../../src/core/runtime.js";
import { backward, clearTape, noGrad, startRecording, stopRecording } from "../../src/autodiff/tape.js";
import { concatCols, reshape } from "../../src/autodiff/ops/shape.js";
import type { ParamStore } from "../../src/nn/param-store.js";
import type { ConditionalDensity } from "../../src/infer/families/density.js";
import { grid, meanAndStdErr, simpson } from "./quadrature.js";
import { gradCheck } from "./gradcheck.js";

/** A context tensor [rows, P] repeating one conditioning row. */
export function repeatContext(row: ArrayLike<number>, rows: number): Tensor {
  const P = row.length;
  const v = new Float64Array(rows * P);
  for (let r = 0; r < rows; r++) v.set(row as ArrayLike<number>, r * P);
  return Tensor.from(v, [rows, P], "persistent");
}

/**
 * Mass, mean and covariance of exp(logProb(u | c)) over the square [a, b]^2
 * (a 2-D density, one conditioning row) by Simpson's rule on (n + 1)^2 points.
 */
export function gridMoments2d(q: ConditionalDensity, row: ArrayLike<number>, a: number, b: number, n = 200) {
  if (q.dim !== 2) throw new Error("gridMoments2d needs dim 2");
  const xs = grid(a, b, n);
  const m = n + 1;
  const u = new Float64Array(m * m * 2);
  for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) {
    u[(i * m + j) * 2] = xs[i];
    u[(i * m + j) * 2 + 1] = xs[j];
  }
  const lp = noGrad(() => {
    const rt = runtime();
    const mark = rt.arena.mark();
    const out = q.logProb(Tensor.from(u, [m * m, 2]), repeatContext(row, m * m)).toArray();
    rt.arena.restore(mark);
    return out;
  });
  const integrate = (f: (p: number, x: number, y: number) => number) => {
    const inner = xs.map((_, i) => simpson(xs.map((__, j) => f(Math.exp(lp[i * m + j]), xs[i], xs[j])), a, b));
    return simpson(inner, a, b);
  };
  const mass = integrate((p) => p);
  const mean = [integrate((p, x) => p * x), integrate((p, _x, y) => p * y)];
  const cov = [
    integrate((p, x) => p * x * x) - mean[0] ** 2,
    integrate((p, x, y) => p * x * y) - mean[0] * mean[1],
    integrate((p, _x, y) => p * y * y) - mean[1] ** 2,
  ];
  return { mass, mean, cov };
}

/** rsample's logQ equals logProb of the draw (same context), row by row, to `tol`. */
export function expectSampleLogProbConsistent(q: ConditionalDensity, context: Tensor, seed = 3, tol = 1e-9): void {
  noGrad(() => {
    const d = q.rsample(context, new Rng(seed));
    const again = q.logProb(d.u, context).toArray();
    const lq = d.logQ.toArray();
    for (let i = 0; i < lq.length; i++) expect(Math.abs(lq[i] - again[i])).toBeLessThan(tol * Math.max(1, Math.abs(again[i])));
  });
}

/** Draws `rows` samples (one per context row) and returns them row-major. */
export function drawSamples(q: ConditionalDensity, row: ArrayLike<number>, rows: number, seed = 5): Float64Array {
  return noGrad(() => {
    const ctx = repeatContext(row, rows);
    const out = Float64Array.from(q.rsample(ctx, new Rng(seed)).u.toArray());
    ctx.dispose();
    return out;
  });
}

/** Gradient of sum(w * logProb(u, c)) in u and c against central differences. */
export function expectLogProbGradients(q: ConditionalDensity, rows: number, { seed = 1, tol = 1e-6, eps = 1e-6 } = {}): number {
  const err = gradCheck((u, c) => q.logProb(u, c), [{ shape: [rows, q.dim] }, { shape: [rows, q.contextSize], transform: (v) => 0.5 * v }], { seed, tol, eps });
  expect(err).toBeLessThan(tol);
  return err;
}

/** Sample mean and covariance [c00, c01, c11] of 2-D draws (row-major), each with its standard error. */
export function sampleMoments2d(u: ArrayLike<number>) {
  const n = u.length / 2;
  const coord = (j: number) => Float64Array.from({ length: n }, (_, i) => u[2 * i + j]);
  const [x, y] = [coord(0), coord(1)];
  const mx = meanAndStdErr(x);
  const my = meanAndStdErr(y);
  const products = (a: Float64Array, ma: number, b: Float64Array, mb: number) => meanAndStdErr(a.map((v, i) => (v - ma) * (b[i] - mb)));
  return {
    mean: [mx, my],
    cov: [products(x, mx.mean, x, mx.mean), products(x, mx.mean, y, my.mean), products(y, my.mean, y, my.mean)],
  };
}

/** The sample moments of 2-D draws agree with a closed-form mean and covariance [c00, c01, c11] within z standard errors. */
export function expectSampleMoments2d(u: ArrayLike<number>, mean: readonly number[], cov: readonly number[], z = 4): void {
  const s = sampleMoments2d(u);
  s.mean.forEach((m, j) => expect(Math.abs(m.mean - mean[j])).toBeLessThan(z * m.se));
  s.cov.forEach((c, j) => expect(Math.abs(c.mean - cov[j])).toBeLessThan(z * c.se));
}

/** Gradient of sum(w * u) + sum(w' * logQ) of rsample (same seed each evaluation) in the context, against central differences. */
export function expectRsampleGradients(q: ConditionalDensity, rows: number, { seed = 1, tol = 1e-6, eps = 1e-6 } = {}): number {
  const draw = (c: Tensor) => {
    const d = q.rsample(c, new Rng(seed + 100));
    return concatCols([d.u, reshape(d.logQ, [rows, 1])]);
  };
  const err = gradCheck(draw, [{ shape: [rows, q.contextSize], transform: (v) => 0.5 * v }], { seed, tol, eps });
  expect(err).toBeLessThan(tol);
  return err;
}

/**
 * Gradient of sum(w * f()) in every parameter of `store` (the density's own
 * parameters, e.g. a flow's conditioners) against central differences; f is
 * re-evaluated with each parameter moved by +-eps. Returns the largest error.
 */
export function expectParamGradients(store: ParamStore, f: () => Tensor, { seed = 2, tol = 1e-6, eps = 1e-6 } = {}): number {
  const rt = runtime();
  const weights = noGrad(() => new Rng(seed).normal(f().shape, "persistent"));
  const w = weights.toArray();
  store.zeroGrad();
  startRecording();
  const out = f();
  stopRecording();
  backward(out, weights);
  clearTape();
  const analytic = store.grads.toArray().slice(0, store.size);
  store.zeroGrad();
  const objective = () => {
    const mark = rt.arena.mark();
    const v = noGrad(f).toArray();
    rt.arena.restore(mark);
    return v.reduce((s, x, i) => s + x * w[i], 0);
  };
  let worst = 0;
  const values = store.values;
  for (let i = 0; i < store.size; i++) {
    const v0 = values.view()[i];
    values.view()[i] = v0 + eps;
    const fp = objective();
    values.view()[i] = v0 - eps;
    const fm = objective();
    values.view()[i] = v0;
    const numeric = (fp - fm) / (2 * eps);
    const err = Math.abs(analytic[i] - numeric) / Math.max(1, Math.abs(analytic[i]), Math.abs(numeric));
    if (!(err < tol)) expect.fail(`parameter ${store.locate(i).name}[${store.locate(i).index}]: analytic ${analytic[i]}, numeric ${numeric}, err ${err}`);
    worst = Math.max(worst, err);
  }
  weights.dispose();
  return worst;
}

/** Moves every parameter of `store` by N(0, scale^2) (a non-identity flow for the checks). */
export function perturbParams(store: ParamStore, seed: number, scale: number): void {
  const noise = new Rng(seed).normal([store.size]).toArray();
  const v = store.values.view();
  for (let i = 0; i < store.size; i++) v[i] += scale * noise[i];
}
