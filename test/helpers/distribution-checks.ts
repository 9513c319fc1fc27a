// Shared numeric checks of 1-D densities and samplers: quadrature of
// exp(logProb) (mass, mean, variance, entropy, KL) and sample moments with
// tolerances from their standard errors.
import { expect } from "vitest";
import { Tensor } from "../../src/core/tensor.js";
import type { Distribution } from "../../src/distributions/distribution.js";
import { grid, meanAndStdErr, simpson } from "./quadrature.js";

/** log p on n + 1 grid points over [a, b] (n even). */
export function logDensityOnGrid(d: Distribution, a: number, b: number, n = 20000): { xs: number[]; lp: number[] } {
  const xs = grid(a, b, n);
  return { xs, lp: d.logProb(Tensor.from(xs)).toArray() };
}

/** Mass, mean and variance of exp(logProb) over [a, b] by Simpson's rule. */
export function quadratureMoments(d: Distribution, a: number, b: number, n = 20000): { mass: number; mean: number; variance: number } {
  const { xs, lp } = logDensityOnGrid(d, a, b, n);
  const p = lp.map(Math.exp);
  const mass = simpson(p, a, b);
  const mean = simpson(p.map((v, i) => v * xs[i]), a, b);
  const second = simpson(p.map((v, i) => v * xs[i] * xs[i]), a, b);
  return { mass, mean, variance: second - mean * mean };
}

/** -integral p log p over [a, b]. */
export function quadratureEntropy(d: Distribution, a: number, b: number, n = 20000): number {
  const { lp } = logDensityOnGrid(d, a, b, n);
  return simpson(lp.map((v) => -Math.exp(v) * v), a, b);
}

/** integral p log(p / q) over [a, b]. */
export function quadratureKL(p: Distribution, q: Distribution, a: number, b: number, n = 20000): number {
  const { lp } = logDensityOnGrid(p, a, b, n);
  const { lp: lq } = logDensityOnGrid(q, a, b, n);
  return simpson(lp.map((v, i) => Math.exp(v) * (v - lq[i])), a, b);
}

/**
 * Sample mean and variance within 4 standard errors of the closed forms
 * (the variance's standard error from the sample's fourth central moment).
 */
export function expectSampleMoments(x: ArrayLike<number>, mean: number, variance: number): void {
  const { mean: m, se, variance: v } = meanAndStdErr(x);
  const n = x.length;
  let m4 = 0;
  for (let i = 0; i < n; i++) m4 += (x[i] - m) ** 4;
  m4 /= n;
  expect(Math.abs(m - mean)).toBeLessThan(4 * se);
  expect(Math.abs(v - variance)).toBeLessThan(4 * Math.sqrt((m4 - v * v) / n));
}

/** Every k-th value starting at j (column j of a row-major [n, k] draw). */
export function column(values: ArrayLike<number>, j: number, k: number): number[] {
  const out: number[] = [];
  for (let i = j; i < values.length; i += k) out.push(values[i]);
  return out;
}
