// Scalar special functions for x > 0, shared by the special, density and
// variate kernels (imported, not exported from index.ts).
//
// lgamma: the Lanczos-type series of Numerical Recipes, 3rd ed., sec. 6.1
// (gammln: g = 671/128, 14 coefficients; relative error of Gamma below
// 1e-15 for x > 0), so |error| of lgamma is about 1e-15 max(1, |lgamma|).
// digamma / trigamma: the recurrences psi(x) = psi(x + 1) - 1/x and
// psi1(x) = psi1(x + 1) + 1/x^2 up to x >= 10, then the asymptotic series
// (Abramowitz & Stegun 6.3.18, 6.4.12) whose first omitted term is below
// 1e-16 there.

// @ts-ignore: decorator
@lazy const LG_C0: f64 = 57.1562356658629235;
// @ts-ignore: decorator
@lazy const LG_C1: f64 = -59.5979603554754912;
// @ts-ignore: decorator
@lazy const LG_C2: f64 = 14.1360979747417471;
// @ts-ignore: decorator
@lazy const LG_C3: f64 = -0.491913816097620199;
// @ts-ignore: decorator
@lazy const LG_C4: f64 = 0.339946499848118887e-4;
// @ts-ignore: decorator
@lazy const LG_C5: f64 = 0.465236289270485756e-4;
// @ts-ignore: decorator
@lazy const LG_C6: f64 = -0.983744753048795646e-4;
// @ts-ignore: decorator
@lazy const LG_C7: f64 = 0.158088703224912494e-3;
// @ts-ignore: decorator
@lazy const LG_C8: f64 = -0.210264441724104883e-3;
// @ts-ignore: decorator
@lazy const LG_C9: f64 = 0.217439618115212643e-3;
// @ts-ignore: decorator
@lazy const LG_C10: f64 = -0.164318106536763890e-3;
// @ts-ignore: decorator
@lazy const LG_C11: f64 = 0.844182239838527433e-4;
// @ts-ignore: decorator
@lazy const LG_C12: f64 = -0.261908384015814087e-4;
// @ts-ignore: decorator
@lazy const LG_C13: f64 = 0.368991826595316234e-5;
/** sqrt(2 pi). */
// @ts-ignore: decorator
@lazy const SQRT_2PI: f64 = 2.5066282746310005;

/** log Gamma(x) for x > 0 (NR3 gammln). */
// @ts-ignore: decorator
@inline
export function lgammaScalar(x: f64): f64 {
  const t = x + 5.2421875; // x + g, g = 671/128
  const head = (x + 0.5) * Math.log(t) - t;
  let y = x;
  let ser = 0.999999999999997092;
  ser += LG_C0 / ++y; ser += LG_C1 / ++y; ser += LG_C2 / ++y; ser += LG_C3 / ++y;
  ser += LG_C4 / ++y; ser += LG_C5 / ++y; ser += LG_C6 / ++y; ser += LG_C7 / ++y;
  ser += LG_C8 / ++y; ser += LG_C9 / ++y; ser += LG_C10 / ++y; ser += LG_C11 / ++y;
  ser += LG_C12 / ++y; ser += LG_C13 / ++y;
  return head + Math.log((SQRT_2PI * ser) / x);
}

/** psi(x) = d/dx log Gamma(x) for x > 0. */
// @ts-ignore: decorator
@inline
export function digammaScalar(x: f64): f64 {
  let acc = 0.0;
  while (x < 10.0) {
    acc -= 1.0 / x;
    x += 1.0;
  }
  const r = 1.0 / (x * x);
  // ln x - 1/(2x) - sum_k B_2k / (2k x^2k), k = 1..7
  const series = r * (1.0 / 12 - r * (1.0 / 120 - r * (1.0 / 252 - r * (1.0 / 240 - r * (1.0 / 132 - r * (691.0 / 32760 - r / 12))))));
  return acc + Math.log(x) - 0.5 / x - series;
}

/** psi1(x) = d^2/dx^2 log Gamma(x) for x > 0. */
// @ts-ignore: decorator
@inline
export function trigammaScalar(x: f64): f64 {
  let acc = 0.0;
  while (x < 10.0) {
    acc += 1.0 / (x * x);
    x += 1.0;
  }
  const inv = 1.0 / x;
  const r = inv * inv;
  // 1/x + 1/(2x^2) + sum_k B_2k / x^(2k+1), k = 1..7
  const series = inv * r * (1.0 / 6 - r * (1.0 / 30 - r * (1.0 / 42 - r * (1.0 / 30 - r * (5.0 / 66 - r * (691.0 / 2730 - r * 7.0 / 6))))));
  return acc + inv + 0.5 * r + series;
}

/** log B(a, b) = lgamma(a) + lgamma(b) - lgamma(a + b). */
// @ts-ignore: decorator
@inline
export function lbetaScalar(a: f64, b: f64): f64 {
  return lgammaScalar(a) + lgammaScalar(b) - lgammaScalar(a + b);
}
