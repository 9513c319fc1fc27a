// Log-densities of the scalar (elementwise) families beyond the Normal, one
// loop skeleton for all: out[i] = log p(x[i]; p1[i % n1], p2[i % n2],
// p3[i % n3]) and the accumulating backward dx, dp1, dp2, dp3 (a 0 pointer
// skips that gradient). The family code is a constant in each specialized
// loop (as in binary.ts), so the per-element math is inlined without a switch.
// The forward returns the first index whose x lies outside the support
// (the op turns it into a DomainError), else -1. Parameters are validated
// by the distributions (positive scales, low < high), not here.
//   0 Gamma(a = concentration, b = rate): a log b - lgamma(a) + (a - 1) log x - b x
//   1 Beta(a, b): (a - 1) log x + (b - 1) log(1 - x) - log B(a, b)
//   2 Poisson(a = rate), x in 0, 1, ...: x log a - a - lgamma(x + 1)
//   3 StudentT(a = df, b = loc, c = scale), z = (x - b) / c:
//     lgamma((a + 1)/2) - lgamma(a/2) - log(a pi)/2 - log c - (a + 1)/2 log(1 + z^2/a)
//   4 Laplace(a = loc, b = scale): -log(2 b) - |x - a| / b
//   5 Uniform(a = low, b = high), a <= x <= b: -log(b - a)
import { at, put, addAt } from "./access";
import { digammaScalar, lbetaScalar, lgammaScalar } from "./special-math";

const GAMMA = 0;
const BETA = 1;
const POISSON = 2;
const STUDENT_T = 3;
const LAPLACE = 4;
const UNIFORM = 5;

const LOG_PI: f64 = 1.1447298858494002;
const LOG_2: f64 = 0.6931471805599453;

@inline function wrap(i: i32, n: i32): i32 {
  return i + 1 == n ? 0 : i + 1;
}

@inline function inSupport(f: i32, x: f64, a: f64, b: f64): bool {
  if (f == GAMMA) return x > 0 && x < Infinity;
  if (f == BETA) return x > 0 && x < 1;
  if (f == POISSON) return x >= 0 && x < Infinity && Math.floor(x) == x;
  if (f == UNIFORM) return x >= a && x <= b;
  return isFinite(x);
}

@inline function logDensity(f: i32, x: f64, a: f64, b: f64, c: f64): f64 {
  if (f == GAMMA) return a * Math.log(b) - lgammaScalar(a) + (a - 1.0) * Math.log(x) - b * x;
  if (f == BETA) return (a - 1.0) * Math.log(x) + (b - 1.0) * Math.log1p(-x) - lbetaScalar(a, b);
  if (f == POISSON) return x * Math.log(a) - a - lgammaScalar(x + 1.0);
  if (f == STUDENT_T) {
    const z = (x - b) / c;
    return lgammaScalar(0.5 * (a + 1.0)) - lgammaScalar(0.5 * a) - 0.5 * (Math.log(a) + LOG_PI) - Math.log(c)
      - 0.5 * (a + 1.0) * Math.log1p((z * z) / a);
  }
  if (f == LAPLACE) return -LOG_2 - Math.log(b) - Math.abs(x - a) / b;
  return -Math.log(b - a);
}

// Partial derivatives of the last `partials` call: d/dx, d/da, d/db, d/dc.
let gX: f64 = 0;
let gA: f64 = 0;
let gB: f64 = 0;
let gC: f64 = 0;

@inline function partials(f: i32, x: f64, a: f64, b: f64, c: f64): void {
  gC = 0.0;
  if (f == GAMMA) {
    gX = (a - 1.0) / x - b;
    gA = Math.log(b) - digammaScalar(a) + Math.log(x);
    gB = a / b - x;
  } else if (f == BETA) {
    const dab = digammaScalar(a + b);
    gX = (a - 1.0) / x - (b - 1.0) / (1.0 - x);
    gA = Math.log(x) - digammaScalar(a) + dab;
    gB = Math.log1p(-x) - digammaScalar(b) + dab;
  } else if (f == POISSON) {
    gX = 0.0;
    gA = x / a - 1.0;
    gB = 0.0;
  } else if (f == STUDENT_T) {
    const z = (x - b) / c;
    const t = (z * z) / a;
    const w = (a + 1.0) / (a + z * z); // (a + 1) / (a (1 + t))
    gB = (w * z) / c;
    gX = -gB;
    gC = (w * z * z - 1.0) / c;
    gA = 0.5 * (digammaScalar(0.5 * (a + 1.0)) - digammaScalar(0.5 * a) - 1.0 / a - Math.log1p(t) + w * t);
  } else if (f == LAPLACE) {
    const d = x - a;
    const s: f64 = d > 0 ? 1.0 : d < 0 ? -1.0 : 0.0;
    gX = -s / b;
    gA = s / b;
    gB = (Math.abs(d) / b - 1.0) / b;
  } else {
    const w = 1.0 / (b - a);
    gX = 0.0;
    gA = w;
    gB = -w;
  }
}

@inline function forwardLoop(f: i32, x: usize, p1: usize, p2: usize, p3: usize, out: usize, n: i32, n1: i32, n2: i32, n3: i32): i32 {
  let i1 = 0, i2 = 0, i3 = 0;
  for (let i = 0; i < n; i++) {
    const v = at(x, i), a = at(p1, i1), b = at(p2, i2), c = at(p3, i3);
    if (!inSupport(f, v, a, b)) return i;
    put(out, i, logDensity(f, v, a, b, c));
    i1 = wrap(i1, n1); i2 = wrap(i2, n2); i3 = wrap(i3, n3);
  }
  return -1;
}

@inline function backwardLoop(
  f: i32, x: usize, p1: usize, p2: usize, p3: usize, g: usize,
  dx: usize, d1: usize, d2: usize, d3: usize, n: i32, n1: i32, n2: i32, n3: i32,
): void {
  let i1 = 0, i2 = 0, i3 = 0;
  for (let i = 0; i < n; i++) {
    const gi = at(g, i);
    partials(f, at(x, i), at(p1, i1), at(p2, i2), at(p3, i3));
    if (dx) addAt(dx, i, gi * gX);
    if (d1) addAt(d1, i1, gi * gA);
    if (d2) addAt(d2, i2, gi * gB);
    if (d3) addAt(d3, i3, gi * gC);
    i1 = wrap(i1, n1); i2 = wrap(i2, n2); i3 = wrap(i3, n3);
  }
}

/** out[i] = log p_family(x[i]; p1[i % n1], p2[i % n2], p3[i % n3]); returns the first i with x[i] outside the support, else -1 */
export function scalarDensityForward(family: i32, x: usize, p1: usize, p2: usize, p3: usize, out: usize, n: i32, n1: i32, n2: i32, n3: i32): i32 {
  if (family == GAMMA) return forwardLoop(GAMMA, x, p1, p2, p3, out, n, n1, n2, n3);
  if (family == BETA) return forwardLoop(BETA, x, p1, p2, p3, out, n, n1, n2, n3);
  if (family == POISSON) return forwardLoop(POISSON, x, p1, p2, p3, out, n, n1, n2, n3);
  if (family == STUDENT_T) return forwardLoop(STUDENT_T, x, p1, p2, p3, out, n, n1, n2, n3);
  if (family == LAPLACE) return forwardLoop(LAPLACE, x, p1, p2, p3, out, n, n1, n2, n3);
  return forwardLoop(UNIFORM, x, p1, p2, p3, out, n, n1, n2, n3);
}

/** dx[i] += g[i] d/dx, dp1[i % n1] += g[i] d/dp1, ... of the log-density of scalarDensityForward */
export function scalarDensityBackward(
  family: i32, x: usize, p1: usize, p2: usize, p3: usize, g: usize,
  dx: usize, d1: usize, d2: usize, d3: usize, n: i32, n1: i32, n2: i32, n3: i32,
): void {
  if (family == GAMMA) backwardLoop(GAMMA, x, p1, p2, p3, g, dx, d1, d2, d3, n, n1, n2, n3);
  else if (family == BETA) backwardLoop(BETA, x, p1, p2, p3, g, dx, d1, d2, d3, n, n1, n2, n3);
  else if (family == POISSON) backwardLoop(POISSON, x, p1, p2, p3, g, dx, d1, d2, d3, n, n1, n2, n3);
  else if (family == STUDENT_T) backwardLoop(STUDENT_T, x, p1, p2, p3, g, dx, d1, d2, d3, n, n1, n2, n3);
  else if (family == LAPLACE) backwardLoop(LAPLACE, x, p1, p2, p3, g, dx, d1, d2, d3, n, n1, n2, n3);
  else backwardLoop(UNIFORM, x, p1, p2, p3, g, dx, d1, d2, d3, n, n1, n2, n3);
}
