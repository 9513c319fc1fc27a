// Plain-JS references for the special-function kernels, by a different
// method than assembly/special-math.ts: upward recurrence to x >= 15, then
// the Stirling series (Abramowitz & Stegun 6.1.40) to the x^-11 term.

/** log Gamma(x), x > 0. */
export function lgammaRef(x: number): number {
  let shift = 0;
  while (x < 15) {
    shift -= Math.log(x);
    x += 1;
  }
  const r = 1 / (x * x);
  const series = (1 / x) * (1 / 12 - r * (1 / 360 - r * (1 / 1260 - r * (1 / 1680 - r * (1 / 1188 - r * (691 / 360360))))));
  return shift + (x - 0.5) * Math.log(x) - x + 0.5 * Math.log(2 * Math.PI) + series;
}

/** digamma(x), x > 0: the same recurrence, then A&S 6.3.18. */
export function digammaRef(x: number): number {
  let shift = 0;
  while (x < 15) {
    shift -= 1 / x;
    x += 1;
  }
  const r = 1 / (x * x);
  return shift + Math.log(x) - 0.5 / x - r * (1 / 12 - r * (1 / 120 - r * (1 / 252 - r * (1 / 240 - r / 132))));
}

/** log B(a, b). */
export const lbetaRef = (a: number, b: number) => lgammaRef(a) + lgammaRef(b) - lgammaRef(a + b);

/** trigamma(x), x > 0: recurrence to x >= 15, then the asymptotic series to the x^-11 term. */
export function trigammaRef(x: number): number {
  let shift = 0;
  while (x < 15) {
    shift += 1 / (x * x);
    x += 1;
  }
  const r = 1 / (x * x);
  return shift + 1 / x + r / 2 + (r / x) * (1 / 6 - r * (1 / 30 - r * (1 / 42 - r * (1 / 30 - r * (5 / 66)))));
}

/**
 * Regularized lower incomplete gamma P(a, x): the series e^-x x^a sum_n x^n / Gamma(a + n + 1)
 * for x < a + 1, else 1 - Q with Q's Lentz continued fraction (Numerical Recipes 3rd ed. 6.2).
 */
export function gammaPRef(a: number, x: number): number {
  if (x <= 0) return 0;
  const logPrefix = a * Math.log(x) - x - lgammaRef(a);
  if (x < a + 1) {
    let term = 1 / a, sum = term;
    for (let n = 1; n < 10000 && Math.abs(term) > 1e-17 * sum; n++) sum += (term *= x / (a + n));
    return sum * Math.exp(logPrefix);
  }
  const tiny = 1e-300;
  let b = x + 1 - a, c = 1 / tiny, d = 1 / b, h = d;
  for (let i = 1; i < 10000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-16) break;
  }
  return 1 - Math.exp(logPrefix) * h;
}

/** The Gamma(a, 1) quantile z(u; a): bisection on gammaPRef to adjacent doubles. */
export function gammaQuantileRef(u: number, a: number): number {
  let lo = 0, hi = a + 10 * Math.sqrt(a) + 50;
  for (let i = 0; i < 2000 && hi - lo > 0; i++) {
    const mid = 0.5 * (lo + hi);
    if (mid === lo || mid === hi) break;
    if (gammaPRef(a, mid) < u) lo = mid;
    else hi = mid;
  }
  return 0.5 * (lo + hi);
}
