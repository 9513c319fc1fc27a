// Scalar distribution functions the calibration tests need (evaluation code,
// plain JS): log Gamma, the chi-square upper tail, binomial probabilities
// and quantiles from a table of log factorials.
import { DomainError, assertInteger } from "../../core/errors.js";

const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905,
  -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

/** log Gamma(x) for x > 0 by the Lanczos approximation (g = 7, 9 terms; relative error ~1e-15). */
export function logGamma(x: number): number {
  if (!(x > 0)) throw new DomainError("x", "a number > 0", String(x));
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const z = x - 1;
  let a = LANCZOS[0];
  const t = z + 7.5;
  for (let i = 1; i < 9; i++) a += LANCZOS[i] / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

/**
 * Upper regularized incomplete gamma Q(a, x) = Gamma(a, x) / Gamma(a): the
 * series for x < a + 1, Lentz's continued fraction otherwise (Numerical
 * Recipes, 3rd ed., section 6.2), to ~1e-14.
 */
export function regularizedGammaQ(a: number, x: number): number {
  if (!(a > 0)) throw new DomainError("a", "a number > 0", String(a));
  if (!(x >= 0)) throw new DomainError("x", "a number >= 0", String(x));
  if (x === 0) return 1;
  const logPrefactor = a * Math.log(x) - x - logGamma(a);
  if (x < a + 1) {
    let term = 1 / a;
    let sum = term;
    for (let n = 1; n < 10_000 && Math.abs(term) > Math.abs(sum) * 1e-16; n++) {
      term *= x / (a + n);
      sum += term;
    }
    return Math.max(0, 1 - sum * Math.exp(logPrefactor));
  }
  const tiny = 1e-300;
  let b = x + 1 - a;
  let c = 1 / tiny;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 10_000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return Math.min(1, Math.exp(logPrefactor) * h);
}

/** P(X >= x) for X ~ chi-square with df degrees of freedom: Q(df / 2, x / 2). */
export function chiSquareSurvival(x: number, df: number): number {
  if (!(df > 0)) throw new DomainError("df", "degrees of freedom > 0", String(df));
  return regularizedGammaQ(df / 2, Math.max(0, x) / 2);
}

/** log k! for k = 0..n (cumulative sums of log k). */
export function logFactorials(n: number): Float64Array {
  assertInteger("n", n, 0);
  const out = new Float64Array(n + 1);
  for (let k = 2; k <= n; k++) out[k] = out[k - 1] + Math.log(k);
  return out;
}

/** log Binomial(k; n, p) = log C(n, k) + k log p + (n - k) log(1 - p), from a table of log factorials (>= n entries). */
export function logBinomialPmf(k: number, n: number, p: number, logFact: Float64Array): number {
  if (k < 0 || k > n) return -Infinity;
  if (p <= 0) return k === 0 ? 0 : -Infinity;
  if (p >= 1) return k === n ? 0 : -Infinity;
  return logFact[n] - logFact[k] - logFact[n - k] + k * Math.log(p) + (n - k) * Math.log1p(-p);
}

/** The binomial CDF P(X <= k), k = 0..n, for X ~ Binomial(n, p), as a table of n + 1 values. */
export function binomialCdf(n: number, p: number, logFact: Float64Array = logFactorials(n)): Float64Array {
  assertInteger("n", n, 0);
  if (!(p >= 0 && p <= 1)) throw new DomainError("p", "a probability in [0, 1]", String(p));
  const cdf = new Float64Array(n + 1);
  let s = 0;
  for (let k = 0; k <= n; k++) {
    s += Math.exp(logBinomialPmf(k, n, p, logFact));
    cdf[k] = Math.min(1, s);
  }
  cdf[n] = 1;
  return cdf;
}

/** Smallest k with P(X <= k) >= q from a CDF table (R's qbinom, with its relative fuzz of 64 eps against rounding). */
export function quantileFromCdf(cdf: Float64Array, q: number): number {
  const target = q * (1 - 64 * Number.EPSILON);
  let lo = 0;
  let hi = cdf.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cdf[mid] >= target) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
