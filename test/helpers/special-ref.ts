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
