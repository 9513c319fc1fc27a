// f32x4 elementary functions for the f32 activation kernels (helpers; the
// array kernels in assembly/unary32.ts export them for tests and callers).
// Branch-free: both sides of a select are computed, four lanes at a time.
//
// exp: Cephes expf. x = k ln2 + r, |r| <= ln2/2 (ln2 split in C1 + C2 so
// k C1 is exact), e^r = 1 + r + r^2 P(r) with P of degree 5 (< 1 ulp), times
// 2^k applied as 2^k1 2^(k-k1), k1 = k >> 1, so subnormal results and the
// overflow to inf stay right. k comes from the add-1.5*2^23 rounding trick.
// tanh: Eigen's generic_fast_tanh_float: x clamped to +-7.9053111, odd
// rational x P(x^2) / Q(x^2) of degrees 13 / 6, x itself for |x| < 4e-4.
// sigmoid: e / (1 + e) or 1 / (1 + e) with e = e^-|x|.

// @ts-ignore: decorator
@lazy const LOG2E: f32 = 1.44269504088896341;
// @ts-ignore: decorator
@lazy const C1: f32 = 0.693359375;
// @ts-ignore: decorator
@lazy const C2: f32 = -2.12194440e-4;
/** 1.5 * 2^23: adding it rounds an f32 of magnitude < 2^22 to an integer. */
// @ts-ignore: decorator
@lazy const SHIFT: f32 = 12582912.0;

/** e^x on four f32 lanes (Cephes expf, < 2 ulp; NaN stays NaN, +-inf -> inf / 0). */
// @ts-ignore: decorator
@inline
export function expV4(x: v128): v128 {
  // pmin / pmax keep a NaN x (the comparison is false) and are one instruction each
  x = f32x4.pmax(f32x4.pmin(x, f32x4.splat(88.8)), f32x4.splat(-104.0));
  const kf = f32x4.sub(f32x4.add(f32x4.mul(x, f32x4.splat(LOG2E)), f32x4.splat(SHIFT)), f32x4.splat(SHIFT));
  let r = f32x4.sub(x, f32x4.mul(kf, f32x4.splat(C1)));
  r = f32x4.sub(r, f32x4.mul(kf, f32x4.splat(C2)));
  let p = f32x4.add(f32x4.mul(f32x4.splat(1.9875691500e-4), r), f32x4.splat(1.3981999507e-3));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(8.3334519073e-3));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(4.1665795894e-2));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.6666665459e-1));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(5.0000001201e-1));
  const y = f32x4.add(f32x4.add(f32x4.mul(p, f32x4.mul(r, r)), r), f32x4.splat(1.0));
  const k = i32x4.trunc_sat_f32x4_s(kf);
  const k1 = i32x4.shr_s(k, 1);
  const bias = i32x4.splat(127);
  const s1 = i32x4.shl(i32x4.add(k1, bias), 23);
  const s2 = i32x4.shl(i32x4.add(i32x4.sub(k, k1), bias), 23);
  return f32x4.mul(f32x4.mul(y, s1), s2);
}

/** tanh on four f32 lanes (Eigen's rational; tanh(-0) = -0, NaN stays NaN). */
// @ts-ignore: decorator
@inline
export function tanhV4(x: v128): v128 {
  const c = f32x4.pmax(f32x4.pmin(x, f32x4.splat(7.90531110763549805)), f32x4.splat(-7.90531110763549805));
  const z = f32x4.mul(c, c);
  let p = f32x4.add(f32x4.mul(f32x4.splat(-2.76076847742355e-16), z), f32x4.splat(2.00018790482477e-13));
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(-8.60467152213735e-11));
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(5.12229709037114e-8));
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(1.48572235717979e-5));
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(6.37261928875436e-4));
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(4.89352455891786e-3));
  let q = f32x4.add(f32x4.mul(f32x4.splat(1.19825839466702e-6), z), f32x4.splat(1.18534705686654e-4));
  q = f32x4.add(f32x4.mul(q, z), f32x4.splat(2.26843463243900e-3));
  q = f32x4.add(f32x4.mul(q, z), f32x4.splat(4.89352518554385e-3));
  const r = f32x4.div(f32x4.mul(c, p), q);
  const tiny = f32x4.lt(f32x4.abs(x), f32x4.splat(0.0004));
  return v128.bitselect(x, r, tiny);
}

/** 1 / (1 + e^-x) on four f32 lanes, from e = e^-|x| so nothing overflows. */
// @ts-ignore: decorator
@inline
export function sigmoidV4(x: v128): v128 {
  const e = expV4(f32x4.neg(f32x4.abs(x)));
  const inv = f32x4.div(f32x4.splat(1.0), f32x4.add(f32x4.splat(1.0), e));
  return v128.bitselect(inv, f32x4.mul(e, inv), f32x4.ge(x, f32x4.splat(0.0)));
}
