// f64x2 elementary functions for the activation and density kernels (helpers,
// not exported from index.ts). AssemblyScript's Math.exp is musl's scalar exp
// with branches per call; these evaluate the same formulas on two lanes at
// once without branches (both sides of a select are computed).
//
// exp: musl / FreeBSD e_exp.c. x = k ln2 + r, |r| <= ln2/2 (Cody-Waite split
// of ln2 in hi + lo), exp(r) = 1 + r + r c(r) / (2 - c(r)) with the degree-10
// Remez polynomial c of that file (< 1 ulp), times 2^k built from exponent
// bits. k comes from the round-to-nearest of x/ln2 + 1.5 * 2^52 (the integer
// lands in the low mantissa bits); 2^k is applied as 2^k1 2^(k-k1), k1 = round(k/2), so
// results stay correct down to the subnormals and up to the overflow to inf.

// @ts-ignore: decorator
@lazy const LN2_HI: f64 = 6.93147180369123816490e-01;
// @ts-ignore: decorator
@lazy const LN2_LO: f64 = 1.90821492927058770002e-10;
// @ts-ignore: decorator
@lazy const INV_LN2: f64 = 1.44269504088896338700e+00;
// @ts-ignore: decorator
@lazy const P1: f64 = 1.66666666666666019037e-01;
// @ts-ignore: decorator
@lazy const P2: f64 = -2.77777777770155933842e-03;
// @ts-ignore: decorator
@lazy const P3: f64 = 6.61375632143793436117e-05;
// @ts-ignore: decorator
@lazy const P4: f64 = -1.65339022054652515390e-06;
// @ts-ignore: decorator
@lazy const P5: f64 = 4.13813679705723846039e-08;
/** 1.5 * 2^52: adding it rounds to an integer held in the low mantissa bits. */
// @ts-ignore: decorator
@lazy const SHIFT: f64 = 6755399441055744.0;
// @ts-ignore: decorator
@lazy const SHIFT_BITS: i64 = 0x4338000000000000;

/** e^r (1 + r c / (2 - c)) on both lanes for the reduced argument r = hi - lo, |r| <= ln2 / 2. */
// @ts-ignore: decorator
@inline
function expReduced(hi: v128, lo: v128): v128 {
  const r = f64x2.sub(hi, lo);
  const rr = f64x2.mul(r, r);
  let p = f64x2.add(f64x2.splat(P4), f64x2.mul(rr, f64x2.splat(P5)));
  p = f64x2.add(f64x2.splat(P3), f64x2.mul(rr, p));
  p = f64x2.add(f64x2.splat(P2), f64x2.mul(rr, p));
  p = f64x2.add(f64x2.splat(P1), f64x2.mul(rr, p));
  const c = f64x2.sub(r, f64x2.mul(rr, p));
  const q = f64x2.div(f64x2.mul(r, c), f64x2.sub(f64x2.splat(2.0), c));
  return f64x2.add(f64x2.splat(1.0), f64x2.add(f64x2.sub(q, lo), hi));
}

/** e^x on both lanes (< 1 ulp away from the overflow / underflow edges; NaN in, NaN out). */
// @ts-ignore: decorator
@inline
export function expV(x: v128): v128 {
  // |x| > 1400 saturates either way; the clamp keeps k / 2 + 1023 in the exponent field (1..2047)
  // pmin / pmax are single instructions (min / max with NaN checks are not) and keep NaN in x
  const xc = f64x2.pmax(f64x2.pmin(x, f64x2.splat(1400.0)), f64x2.splat(-1400.0));
  const kd = f64x2.add(f64x2.mul(xc, f64x2.splat(INV_LN2)), f64x2.splat(SHIFT));
  const k = f64x2.sub(kd, f64x2.splat(SHIFT));
  const y = expReduced(f64x2.sub(xc, f64x2.mul(k, f64x2.splat(LN2_HI))), f64x2.mul(k, f64x2.splat(LN2_LO)));
  // k = k1 + k2 with k1 = round(k / 2), both turned into exponent bits by the
  // same shift trick (i64x2 add / shl only: an arithmetic i64 shift has no SSE instruction)
  const kd1 = f64x2.add(f64x2.mul(k, f64x2.splat(0.5)), f64x2.splat(SHIFT));
  const kd2 = f64x2.add(f64x2.sub(k, f64x2.sub(kd1, f64x2.splat(SHIFT))), f64x2.splat(SHIFT));
  const bias = i64x2.splat(1023 - SHIFT_BITS);
  const s1 = i64x2.shl(i64x2.add(kd1, bias), 52);
  const s2 = i64x2.shl(i64x2.add(kd2, bias), 52);
  // NaN: the clamp keeps it, r is NaN, so y and the result are NaN
  return f64x2.mul(f64x2.mul(y, s1), s2);
}

/** e^x on both lanes for -708 <= x <= 709 only (no clamp, one scaling by 2^k): tanh's inner exp. */
// @ts-ignore: decorator
@inline
function expNormalV(x: v128): v128 {
  const kd = f64x2.add(f64x2.mul(x, f64x2.splat(INV_LN2)), f64x2.splat(SHIFT));
  const k = f64x2.sub(kd, f64x2.splat(SHIFT));
  const y = expReduced(f64x2.sub(x, f64x2.mul(k, f64x2.splat(LN2_HI))), f64x2.mul(k, f64x2.splat(LN2_LO)));
  return f64x2.mul(y, i64x2.shl(i64x2.add(kd, i64x2.splat(1023 - SHIFT_BITS)), 52));
}

// tanh: one formula for all x, no branch pair. With t = 2|x| (capped at 40,
// where tanh rounds to 1), t = k ln2 + r with k = floor(t / ln2), 0 <= r < ln2,
// h = r / 2 and g = tanh(h) (so e^r = (1 + g) / (1 - g)),
//   tanh(|x|) = (2^k e^r - 1) / (2^k e^r + 1) = (m (1 + g) + g) / (m (1 + g) + 1),
// m = (2^k - 1) / 2: one division, no exp, and every term >= 0 (h >= 0), so
// nothing cancels; for k = 0 it is g itself (accurate near 0). g = h P(h^2) /
// Q(h^2), P of degree 2, Q of degree 3, P(0) = Q(0) = 1: a rational fit of
// tanh on [0, ln2/2] (Lawson-weighted least squares in 50-digit arithmetic,
// max relative error 1.1e-18; the [7/7] Pade of e^r needs one more term in P).
// Only the ratio P / Q enters, so the numerator and denominator use them unnormalized.
// @ts-ignore: decorator
@lazy const TP1: f64 = 0.12118716240636759636;
// @ts-ignore: decorator
@lazy const TP2: f64 = 0.0020178264812794232641;
// @ts-ignore: decorator
@lazy const TQ1: f64 = 0.45452049573970050282;
// @ts-ignore: decorator
@lazy const TQ2: f64 = 0.020191325061230544302;
// @ts-ignore: decorator
@lazy const TQ3: f64 = 0.000095962888057702806707;

/** tanh(x) on both lanes. */
// @ts-ignore: decorator
@inline
export function tanhV(x: v128): v128 {
  // h = r / 2 = |x| - k ln2 / 2 (the factors 2 sit in the constants)
  const a = f64x2.pmin(f64x2.abs(x), f64x2.splat(20.0));
  // k = floor(2|x| / ln2) by the shift trick on 2|x| / ln2 - 1/2 (h may dip an ulp below 0)
  const kd = f64x2.add(f64x2.sub(f64x2.mul(a, f64x2.splat(2 * INV_LN2)), f64x2.splat(0.5)), f64x2.splat(SHIFT));
  const k = f64x2.sub(kd, f64x2.splat(SHIFT));
  const h = f64x2.sub(f64x2.sub(a, f64x2.mul(k, f64x2.splat(LN2_HI / 2))), f64x2.mul(k, f64x2.splat(LN2_LO / 2)));
  const hh = f64x2.mul(h, h);
  const one = f64x2.splat(1.0);
  const qe = f64x2.add(one, f64x2.mul(hh, f64x2.add(f64x2.splat(TQ1), f64x2.mul(hh, f64x2.add(f64x2.splat(TQ2), f64x2.mul(hh, f64x2.splat(TQ3)))))));
  const pe = f64x2.mul(h, f64x2.add(one, f64x2.mul(hh, f64x2.add(f64x2.splat(TP1), f64x2.mul(hh, f64x2.splat(TP2))))));
  // m = (2^k - 1) / 2 = 2^(k-1) - 1/2, 2^(k-1) from the low mantissa bits of kd (0 <= k <= 57)
  const m = f64x2.sub(i64x2.shl(i64x2.add(kd, i64x2.splat(1022 - SHIFT_BITS)), 52), f64x2.splat(0.5));
  const c = f64x2.mul(m, f64x2.add(qe, pe));
  const q = f64x2.div(f64x2.add(c, pe), f64x2.add(c, qe));
  // tanh is odd: the result for |x| takes the sign bit of x (so -0 -> -0; NaN stays NaN)
  return v128.or(q, v128.and(x, i64x2.splat(0x8000000000000000)));
}

/** sigma(x) = 1 / (1 + e^-x) on both lanes: e = e^-|x|, then 1 / (1 + e) or e / (1 + e). */
// @ts-ignore: decorator
@inline
export function sigmoidV(x: v128): v128 {
  const e = expV(f64x2.neg(f64x2.abs(x)));
  const one = f64x2.splat(1.0);
  const num = v128.bitselect(one, e, f64x2.ge(x, f64x2.splat(0.0)));
  return f64x2.div(num, f64x2.add(one, e));
}

// log: musl / FreeBSD e_log.c. x = 2^k (1 + f) with 1 + f in [sqrt(2)/2,
// sqrt(2)), s = f / (2 + f), log(1 + f) = f - f^2/2 + s (f^2/2 + R(s^2))
// with the degree-14 Remez polynomial R of that file (< 1 ulp). Positive
// normal inputs only (the Box-Muller radius: u in [2^-53, 1]).
// @ts-ignore: decorator
@lazy const LG1: f64 = 6.666666666666735130e-01;
// @ts-ignore: decorator
@lazy const LG2: f64 = 3.999999999940941908e-01;
// @ts-ignore: decorator
@lazy const LG3: f64 = 2.857142874366239149e-01;
// @ts-ignore: decorator
@lazy const LG4: f64 = 2.222219843214978396e-01;
// @ts-ignore: decorator
@lazy const LG5: f64 = 1.818357216161805012e-01;
// @ts-ignore: decorator
@lazy const LG6: f64 = 1.531383769920937332e-01;
// @ts-ignore: decorator
@lazy const LG7: f64 = 1.479819860511658591e-01;
/** 2^52 as bits and as a value: asDouble(TWO52_BITS + n) - 2^52 = n for 0 <= n < 2^52. */
// @ts-ignore: decorator
@lazy const TWO52_BITS: i64 = 0x4330000000000000;
// @ts-ignore: decorator
@lazy const TWO52: f64 = 4503599627370496.0;

/** log(x) on both lanes for positive normal x. */
// @ts-ignore: decorator
@inline
export function logPositiveV(x: v128): v128 {
  // shift the mantissa range so that 1 + f lands in [sqrt(2)/2, sqrt(2))
  const ix = i64x2.add(x, i64x2.splat(<i64>(0x3ff00000 - 0x3fe6a09e) << 32));
  const kd = f64x2.sub(
    i64x2.add(i64x2.shr_u(ix, 52), i64x2.splat(TWO52_BITS)),
    f64x2.splat(TWO52 + 1023.0),
  );
  const m = i64x2.add(v128.and(ix, i64x2.splat(0x000fffffffffffff)), i64x2.splat(<i64>0x3fe6a09e << 32));
  const f = f64x2.sub(m, f64x2.splat(1.0));
  const hfsq = f64x2.mul(f64x2.splat(0.5), f64x2.mul(f, f));
  const s = f64x2.div(f, f64x2.add(f64x2.splat(2.0), f));
  const z = f64x2.mul(s, s);
  const w = f64x2.mul(z, z);
  const t1 = f64x2.mul(w, f64x2.add(f64x2.splat(LG2), f64x2.mul(w, f64x2.add(f64x2.splat(LG4), f64x2.mul(w, f64x2.splat(LG6))))));
  const t2 = f64x2.mul(z, f64x2.add(f64x2.splat(LG1), f64x2.mul(w, f64x2.add(f64x2.splat(LG3), f64x2.mul(w, f64x2.add(f64x2.splat(LG5), f64x2.mul(w, f64x2.splat(LG7))))))));
  const r = f64x2.add(t2, t1);
  // s (hfsq + R) + k ln2_lo - hfsq + f + k ln2_hi
  const lo = f64x2.add(f64x2.mul(s, f64x2.add(hfsq, r)), f64x2.mul(kd, f64x2.splat(LN2_LO)));
  return f64x2.add(f64x2.add(f64x2.sub(lo, hfsq), f), f64x2.mul(kd, f64x2.splat(LN2_HI)));
}

// sin / cos kernels of musl (__sin.c, __cos.c) on [-pi/4, pi/4].
// @ts-ignore: decorator
@lazy const S1: f64 = -1.66666666666666324348e-01;
// @ts-ignore: decorator
@lazy const S2: f64 = 8.33333333332248946124e-03;
// @ts-ignore: decorator
@lazy const S3: f64 = -1.98412698298579493134e-04;
// @ts-ignore: decorator
@lazy const S4: f64 = 2.75573137070700676789e-06;
// @ts-ignore: decorator
@lazy const S5: f64 = -2.50507602534068634195e-08;
// @ts-ignore: decorator
@lazy const S6: f64 = 1.58969099521155010221e-10;
// @ts-ignore: decorator
@lazy const C1: f64 = 4.16666666666666019037e-02;
// @ts-ignore: decorator
@lazy const C2: f64 = -1.38888888888741095749e-03;
// @ts-ignore: decorator
@lazy const C3: f64 = 2.48015872894767294178e-05;
// @ts-ignore: decorator
@lazy const C4: f64 = -2.75573143513906633035e-07;
// @ts-ignore: decorator
@lazy const C5: f64 = 2.08757232129817482790e-09;
// @ts-ignore: decorator
@lazy const C6: f64 = -1.13596475577881948265e-11;
// @ts-ignore: decorator
@lazy const TWO_PI_V: f64 = 6.283185307179586;

/**
 * sin and cos of r in [-pi/4, pi/4] (musl kernels), rotated by quadrant q
 * (low bits of the i64 lanes of qBits): returns sin(r + q pi/2) and stores
 * cos(r + q pi/2) at cosOut (two f64).
 */
// @ts-ignore: decorator
@inline
function sinCosQuadrantV(x: v128, q: v128, cosOut: usize): v128 {
  const z = f64x2.mul(x, x);
  const w = f64x2.mul(z, z);
  // __sin(x, 0, 0) = x + x z (S1 + z r), r = S2 + z (S3 + z S4) + z w (S5 + z S6)
  const rs = f64x2.add(
    f64x2.add(f64x2.splat(S2), f64x2.mul(z, f64x2.add(f64x2.splat(S3), f64x2.mul(z, f64x2.splat(S4))))),
    f64x2.mul(f64x2.mul(z, w), f64x2.add(f64x2.splat(S5), f64x2.mul(z, f64x2.splat(S6)))),
  );
  const raw = f64x2.add(x, f64x2.mul(f64x2.mul(z, x), f64x2.add(f64x2.splat(S1), f64x2.mul(z, rs))));
  // sin r has the sign of r on [-pi/4, pi/4]: copying it keeps sin(-0) = -0
  const sn = v128.or(f64x2.abs(raw), v128.and(x, i64x2.splat(0x8000000000000000)));
  // __cos(x, 0) = w1 + (((1 - w1) - hz) + z r), hz = z / 2, w1 = 1 - hz
  const rc = f64x2.add(
    f64x2.mul(z, f64x2.add(f64x2.splat(C1), f64x2.mul(z, f64x2.add(f64x2.splat(C2), f64x2.mul(z, f64x2.splat(C3)))))),
    f64x2.mul(f64x2.mul(w, w), f64x2.add(f64x2.splat(C4), f64x2.mul(z, f64x2.add(f64x2.splat(C5), f64x2.mul(z, f64x2.splat(C6)))))),
  );
  const hz = f64x2.mul(f64x2.splat(0.5), z);
  const w1 = f64x2.sub(f64x2.splat(1.0), hz);
  const cs = f64x2.add(w1, f64x2.add(f64x2.sub(f64x2.sub(f64x2.splat(1.0), w1), hz), f64x2.mul(z, rc)));
  // odd q swaps sin and cos; sin flips sign for q = 2, 3 (mod 4), cos for q = 1, 2
  const swap = i64x2.eq(v128.and(q, i64x2.splat(1)), i64x2.splat(1));
  const sinSign = i64x2.shl(v128.and(q, i64x2.splat(2)), 62);
  const cosSign = i64x2.shl(v128.and(i64x2.add(q, i64x2.splat(1)), i64x2.splat(2)), 62);
  v128.store(cosOut, v128.xor(v128.bitselect(sn, cs, swap), cosSign));
  return v128.xor(v128.bitselect(cs, sn, swap), sinSign);
}

/**
 * sin(2 pi u) and cos(2 pi u) for u in [0, 1) (Box-Muller's angle): quadrant
 * q = round(4u), exact remainder f = u - q/4 in [-1/8, 1/8], then the musl
 * kernels at x = 2 pi f rotated by q. Returns sin; cos goes to cosOut.
 */
// @ts-ignore: decorator
@inline
export function sinCosTurnV(u: v128, cosOut: usize): v128 {
  const qd = f64x2.add(f64x2.mul(u, f64x2.splat(4.0)), f64x2.splat(SHIFT));
  const f = f64x2.sub(u, f64x2.mul(f64x2.sub(qd, f64x2.splat(SHIFT)), f64x2.splat(0.25)));
  return sinCosQuadrantV(f64x2.mul(f, f64x2.splat(TWO_PI_V)), i64x2.sub(qd, i64x2.splat(SHIFT_BITS)), cosOut);
}

// pi/2 in three pieces (musl __rem_pio2): PIO2_1 and PIO2_2 have 33 bits, so
// q PIO2_1 and q PIO2_2 are exact for |q| < 2^20.
// @ts-ignore: decorator
@lazy const PIO2_1: f64 = 1.57079632673412561417e+00;
// @ts-ignore: decorator
@lazy const PIO2_2: f64 = 6.07710050630396597660e-11;
// @ts-ignore: decorator
@lazy const PIO2_2T: f64 = 2.02226624879595063154e-21;
// @ts-ignore: decorator
@lazy const INV_PIO2: f64 = 6.36619772367581382433e-01;
/** Above this |x| (or for inf / NaN) sinCosV leaves the lanes to the caller's scalar Math.sin / cos. */
// @ts-ignore: decorator
@lazy export const SINCOS_MAX: f64 = 1.0e5;

/**
 * sin(x) on both lanes (cos(x) stored at cosOut) for |x| <= SINCOS_MAX:
 * q = round(x 2/pi), r = x - q pi/2 in three pieces (absolute error ~1e-27
 * in r), then the musl kernels rotated by q.
 */
// @ts-ignore: decorator
@inline
export function sinCosV(x: v128, cosOut: usize): v128 {
  const qd = f64x2.add(f64x2.mul(x, f64x2.splat(INV_PIO2)), f64x2.splat(SHIFT));
  const q = f64x2.sub(qd, f64x2.splat(SHIFT));
  const r = f64x2.sub(
    f64x2.sub(f64x2.sub(x, f64x2.mul(q, f64x2.splat(PIO2_1))), f64x2.mul(q, f64x2.splat(PIO2_2))),
    f64x2.mul(q, f64x2.splat(PIO2_2T)),
  );
  return sinCosQuadrantV(r, i64x2.sub(qd, i64x2.splat(SHIFT_BITS)), cosOut);
}
