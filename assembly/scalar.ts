// Numerically stable scalar functions shared by kernel families (imported,
// not exported from index.ts: they are building blocks, not kernels).

/** Byte address of element i of an f64 array at p. */
@inline
export function at(p: usize, i: i32): usize {
  return p + (<usize>i << 3);
}

/** sigma(x) = 1 / (1 + e^-x), evaluated without overflow for either sign. */
@inline
export function sigmoidScalar(x: f64): f64 {
  if (x >= 0) return 1.0 / (1.0 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1.0 + e);
}

/** softplus(x) = log(1 + e^x) = max(x, 0) + log1p(e^-|x|). */
@inline
export function softplusScalar(x: f64): f64 {
  return Math.max(x, 0.0) + Math.log1p(Math.exp(-Math.abs(x)));
}

/** Sum of the two lanes of an f64x2. */
@inline
export function hsum(v: v128): f64 {
  return f64x2.extract_lane(v, 0) + f64x2.extract_lane(v, 1);
}
