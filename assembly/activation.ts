// Activations of the dense kernels (dense.ts, dense32.ts) as inline helpers;
// internal to the module (not re-exported from index.ts). Codes: 0 identity,
// 1 tanh, 2 relu, 3 leakyRelu(slope), 4 softplus, 5 sigmoid. Derivatives are
// taken from the output y (the pre-activation is never stored), which needs
// slope >= 0 for leakyRelu.

// The per-activation loops below are one inlined body instantiated with a
// constant act, so the switch in activation()/derivative() folds away and
// the inner loops carry no branch on act (or on db, or on the output type).

/** dpre = dy * act'(y) (written unless act is identity, where dpre aliases dy); db += colsum(dpre) if db != 0. */
export function preActivationGrad(
  y: usize, dy: usize, dpre: usize, db: usize, B: i32, n: i32, act: i32, slope: f64,
): void {
  gradDispatch(y, dy, dpre, db, B, n, act, slope, false);
}

/** dpre32 = f32(dy * act'(y)) (always written, f32); db += colsum(dy * act'(y)) in f64 if db != 0. */
export function preActivationGrad32(
  y: usize, dy: usize, dpre32: usize, db: usize, B: i32, n: i32, act: i32, slope: f64,
): void {
  gradDispatch(y, dy, dpre32, db, B, n, act, slope, true);
}

// @ts-ignore: decorator
@inline
function gradDispatch(
  y: usize, dy: usize, dpre: usize, db: usize, B: i32, n: i32, act: i32, slope: f64, out32: bool,
): void {
  if (db == 0) {
    switch (act) {
      case 0: if (out32) gradRows(y, dy, dpre, 0, B, n, 0, slope, out32); break;
      case 1: gradRows(y, dy, dpre, 0, B, n, 1, slope, out32); break;
      case 2: gradRows(y, dy, dpre, 0, B, n, 2, slope, out32); break;
      case 3: gradRows(y, dy, dpre, 0, B, n, 3, slope, out32); break;
      case 4: gradRows(y, dy, dpre, 0, B, n, 4, slope, out32); break;
      case 5: gradRows(y, dy, dpre, 0, B, n, 5, slope, out32); break;
    }
    return;
  }
  switch (act) {
    case 0: gradRows(y, dy, dpre, db, B, n, 0, slope, out32); break;
    case 1: gradRows(y, dy, dpre, db, B, n, 1, slope, out32); break;
    case 2: gradRows(y, dy, dpre, db, B, n, 2, slope, out32); break;
    case 3: gradRows(y, dy, dpre, db, B, n, 3, slope, out32); break;
    case 4: gradRows(y, dy, dpre, db, B, n, 4, slope, out32); break;
    case 5: gradRows(y, dy, dpre, db, B, n, 5, slope, out32); break;
  }
}

/** gradRows over f64 y, dy; dpre is f64 (written unless act == 0) or, with out32, f32 at half the byte offset. */
// @ts-ignore: decorator
@inline
function gradRows(
  y: usize, dy: usize, dpre: usize, db: usize, B: i32, n: i32, act: i32, slope: f64, out32: bool,
): void {
  const bytes = (<usize>B * n) << 3;
  const w = <usize>n << 3;
  const slopeV = f64x2.splat(slope);
  for (let o: usize = 0; o < bytes; o += w) {
    let j = 0;
    // f64x2 pairs for the arithmetic derivatives (softplus' needs an exp: scalar)
    if (act != 4) {
      // f32 output: four at a time, one 16-byte store
      if (out32) {
        for (; j + 4 <= n; j += 4) {
          const p = o + (<usize>j << 3);
          const d0 = act == 0 ? v128.load(dy + p) : f64x2.mul(v128.load(dy + p), derivativeV(v128.load(y + p), act, slopeV));
          const d1 = act == 0 ? v128.load(dy + p, 16) : f64x2.mul(v128.load(dy + p, 16), derivativeV(v128.load(y + p, 16), act, slopeV));
          v128.store(dpre + (p >> 1), v128.shuffle<f32>(f32x4.demote_f64x2_zero(d0), f32x4.demote_f64x2_zero(d1), 0, 1, 4, 5));
          if (db != 0) {
            const q = db + (<usize>j << 3);
            v128.store(q, f64x2.add(v128.load(q), d0));
            v128.store(q, f64x2.add(v128.load(q, 16), d1), 16);
          }
        }
      }
      for (; j + 2 <= n; j += 2) {
        const p = o + (<usize>j << 3);
        const d = act == 0 ? v128.load(dy + p) : f64x2.mul(v128.load(dy + p), derivativeV(v128.load(y + p), act, slopeV));
        if (out32) v128.store64_lane(dpre + (p >> 1), f32x4.demote_f64x2_zero(d), 0);
        else if (act != 0) v128.store(dpre + p, d);
        if (db != 0) {
          const q = db + (<usize>j << 3);
          v128.store(q, f64x2.add(v128.load(q), d));
        }
      }
    }
    for (; j < n; j++) {
      const p = o + (<usize>j << 3);
      const d = act == 0 ? load<f64>(dy + p) : load<f64>(dy + p) * derivative(load<f64>(y + p), act, slope);
      if (out32) store<f32>(dpre + (p >> 1), <f32>d);
      else if (act != 0) store<f64>(dpre + p, d);
      if (db != 0) {
        const q = db + (<usize>j << 3);
        store<f64>(q, load<f64>(q) + d);
      }
    }
  }
}

/** act(z) for relu (2), leakyRelu (3), softplus (4) and identity; tanh and sigmoid take the SIMD paths. */
// @ts-ignore: decorator
@inline
export function activation(z: f64, act: i32, slope: f64): f64 {
  switch (act) {
    case 2:
      return z > 0 ? z : 0;
    case 3:
      return z > 0 ? z : slope * z;
    case 4: // log(1 + e^z) without overflow
      return max(z, 0) + Math.log1p(Math.exp(-Math.abs(z)));
    default:
      return z;
  }
}

/** derivative() on f64x2 lanes for act 0, 1, 2, 3, 5. */
// @ts-ignore: decorator
@inline
function derivativeV(y: v128, act: i32, slope: v128): v128 {
  const one = f64x2.splat(1.0);
  switch (act) {
    case 1:
      return f64x2.sub(one, f64x2.mul(y, y));
    case 2:
      return v128.and(one, f64x2.gt(y, f64x2.splat(0.0)));
    case 3:
      return v128.bitselect(one, slope, f64x2.gt(y, f64x2.splat(0.0)));
    case 5:
      return f64x2.mul(y, f64x2.sub(one, y));
    default:
      return one;
  }
}

/** act'(z) written with y = act(z). */
// @ts-ignore: decorator
@inline
function derivative(y: f64, act: i32, slope: f64): f64 {
  switch (act) {
    case 1:
      return 1 - y * y;
    case 2:
      return y > 0 ? 1 : 0;
    case 3:
      return y > 0 ? 1 : slope;
    case 4: // sigmoid(z) = 1 - e^-y since e^-y = 1 / (1 + e^z); expm1 only where 1 - e^-y cancels
      return y < 0.5 ? -Math.expm1(-y) : 1 - Math.exp(-y);
    case 5:
      return y * (1 - y);
    default:
      return 1;
  }
}
