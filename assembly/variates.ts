// Non-uniform variates from Philox uniforms / normals drawn by the JS side
// (src/core/rng.ts), so that the stream stays the Rng's. Rejection samplers
// run in rounds: a round takes one candidate per pending element (its index
// in idx, i32), writes the accepted values and compacts the indices still
// pending to the front of idx; the caller draws fresh numbers for those and
// repeats. Parameters broadcast by flat index modulo their size.
import { at, put } from "./access";
import { lgammaScalar } from "./special-math";

/** Smallest positive normal f64: samples are clamped into the open support. */
const TINY: f64 = 2.2250738585072014e-308;
/** Largest f64 below 1. */
const ONE_MINUS_ULP: f64 = 0.99999999999999989;

@inline function index(idx: usize, j: i32): i32 {
  return load<i32>(idx + (<usize>j << 2));
}

@inline function setIndex(idx: usize, j: i32, i: i32): void {
  store<i32>(idx + (<usize>j << 2), i);
}

/** idx[j] = j for j < n (the first round's pending list) */
export function iotaI32(idx: usize, n: i32): void {
  for (let j = 0; j < n; j++) setIndex(idx, j, j);
}

/**
 * One round of Marsaglia & Tsang (2000, ACM TOMS 26(3)) for Gamma(a', 1),
 * a' = a < 1 ? a + 1 : a: d = a' - 1/3, c = 1/sqrt(9d), v = (1 + c eps)^3,
 * accept d v if v > 0 and (u < 1 - 0.0331 eps^4 or log u < eps^2/2 + d (1 - v + log v)).
 * eps, u: one normal and one uniform per pending element (j < m). Returns the number still pending.
 */
export function gammaRound(a: usize, na: i32, idx: usize, m: i32, eps: usize, u: usize, out: usize): i32 {
  let pending = 0;
  for (let j = 0; j < m; j++) {
    const i = index(idx, j);
    let ai = at(a, i % na);
    if (ai < 1.0) ai += 1.0;
    const d = ai - 1.0 / 3.0;
    const c = 1.0 / Math.sqrt(9.0 * d);
    const e = at(eps, j);
    const t = 1.0 + c * e;
    if (t > 0) {
      const v = t * t * t;
      const uj = at(u, j);
      const e2 = e * e;
      if (uj < 1.0 - 0.0331 * e2 * e2 || Math.log(uj) < 0.5 * e2 + d * (1.0 - v + Math.log(v))) {
        put(out, i, d * v);
        continue;
      }
    }
    setIndex(idx, pending++, i);
  }
  return pending;
}

/**
 * out[i] = max(g (a < 1 ? (1 - u[i])^(1/a) : 1) / rate, TINY): the boost of
 * Gamma(a + 1) to Gamma(a) (Marsaglia & Tsang, sec. 6) and the rate
 * (rate = 0 pointer: rate 1).
 */
export function gammaFinish(out: usize, n: i32, a: usize, na: i32, rate: usize, nr: i32, u: usize): void {
  for (let i = 0; i < n; i++) {
    const ai = at(a, i % na);
    let x = at(out, i);
    if (ai < 1.0) x *= Math.exp(Math.log1p(-at(u, i)) / ai);
    if (rate) x /= at(rate, i % nr);
    put(out, i, Math.max(x, TINY));
  }
}

/** out[i] = x / (x + y) clamped into (0, 1): Beta(a, b) from x ~ Gamma(a), y ~ Gamma(b) */
export function betaFromGammas(x: usize, y: usize, out: usize, n: i32): void {
  for (let i = 0; i < n; i++) {
    const a = at(x, i);
    put(out, i, Math.min(Math.max(a / (a + at(y, i)), TINY), ONE_MINUS_ULP));
  }
}

/** out[r, k] = max(g[r, k] / sum_j g[r, j], TINY): Dirichlet rows from independent Gamma(a_k) draws */
export function simplexFromGammas(g: usize, out: usize, rows: i32, K: i32): void {
  for (let r = 0; r < rows; r++) {
    let s = 0.0;
    for (let k = 0; k < K; k++) s += at(g, r * K + k);
    for (let k = 0; k < K; k++) put(out, r * K + k, Math.max(at(g, r * K + k) / s, TINY));
  }
}

/**
 * One round of Poisson(lam) sampling. lam < 10: inversion by sequential
 * search on u (always accepted). lam >= 10: PTRS, the transformed rejection
 * of Hormann (1993, Insurance: Math. and Econ. 12) on (u, v), as in numpy.
 * Returns the number still pending.
 */
export function poissonRound(lam: usize, nl: i32, idx: usize, m: i32, u: usize, v: usize, out: usize): i32 {
  let pending = 0;
  for (let j = 0; j < m; j++) {
    const i = index(idx, j);
    const l = at(lam, i % nl);
    if (l < 10.0) {
      const target = at(u, j);
      let k = 0.0, p = Math.exp(-l), cdf = p;
      while (target > cdf && k < 1000.0) {
        k += 1.0;
        p *= l / k;
        cdf += p;
      }
      put(out, i, k);
      continue;
    }
    const sl = Math.sqrt(l);
    const b = 0.931 + 2.53 * sl;
    const a = -0.059 + 0.02483 * b;
    const invAlpha = 1.1239 + 1.1328 / (b - 3.4);
    const vr = 0.9277 - 3.6224 / (b - 2.0);
    const uu = at(u, j) - 0.5;
    const vv = at(v, j);
    const us = 0.5 - Math.abs(uu);
    const k = Math.floor(((2.0 * a) / us + b) * uu + l + 0.43);
    if (us >= 0.07 && vv <= vr) {
      put(out, i, k);
      continue;
    }
    if (k >= 0 && !(us < 0.013 && vv > us)) {
      const lhs = Math.log(vv) + Math.log(invAlpha) - Math.log(a / (us * us) + b);
      if (lhs <= -l + k * Math.log(l) - lgammaScalar(k + 1.0)) {
        put(out, i, k);
        continue;
      }
    }
    setIndex(idx, pending++, i);
  }
  return pending;
}

/** out[i] = -sign(w) log(1 - 2|w|), w = u[i] + 2^-54 - 1/2 in (-1/2, 1/2): standard Laplace by inversion */
export function laplaceFromUniform(u: usize, out: usize, n: i32): void {
  for (let i = 0; i < n; i++) {
    const w = at(u, i) + 5.551115123125783e-17 - 0.5;
    const e = -Math.log1p(-2.0 * Math.abs(w));
    put(out, i, w < 0 ? -e : e);
  }
}
