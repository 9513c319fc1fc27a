// Kernels of masked autoregressive flows: the masked dense layer of MADE
// (Germain et al. 2015) and the elementwise shift / log-scale step of an
// affine autoregressive flow (MAF, Papamakarios et al. 2017; IAF, Kingma et
// al. 2016) with its log-determinant. Backward kernels ACCUMULATE into the
// gradients; a 0 gradient pointer skips that gradient.
//
// Masked dense: y = act(x (W ⊙ M) + b) with a fixed 0/1 mask M [nIn, nOut].
// The mask is applied once per call (nIn * nOut products, f64x2) into a
// caller buffer Wm that the backward reuses; the product and the fused bias +
// activation are the dense kernels' (assembly/dense.ts). Backward:
// dpre = dy * act'(y), dx += dpre Wm^T, dW += (x^T dpre) ⊙ M, db += colsum(dpre),
// so the weights the mask removes get exactly zero gradient.
import { preActivationGrad } from "./activation";
import { denseForward } from "./dense";
import { gemmNT, gemmNTScratchSize, gemmTN } from "./gemm";
import { expV } from "./simdmath";

/** out = W ⊙ M over n values. */
function applyMask(W: usize, M: usize, out: usize, n: i32): void {
  const bytes = <usize>n << 3;
  let o: usize = 0;
  for (; o + 16 <= bytes; o += 16) v128.store(out + o, f64x2.mul(v128.load(W + o), v128.load(M + o)));
  if (o < bytes) store<f64>(out + o, load<f64>(W + o) * load<f64>(M + o));
}

/** dW += G ⊙ M over n values. */
function addMasked(G: usize, M: usize, dW: usize, n: i32): void {
  const bytes = <usize>n << 3;
  let o: usize = 0;
  for (; o + 16 <= bytes; o += 16) {
    v128.store(dW + o, f64x2.add(v128.load(dW + o), f64x2.mul(v128.load(G + o), v128.load(M + o))));
  }
  if (o < bytes) store<f64>(dW + o, load<f64>(dW + o) + load<f64>(G + o) * load<f64>(M + o));
}

/**
 * y = act(x (W ⊙ M) + b): x [B,nIn], W and M [nIn,nOut], b [nOut] (0: no
 * bias), y [B,nOut]; writes the masked weights W ⊙ M into Wm (nIn*nOut f64),
 * which maskedDenseBackward reads.
 */
export function maskedDenseForward(
  x: usize, W: usize, M: usize, Wm: usize, b: usize, y: usize, B: i32, nIn: i32, nOut: i32, act: i32, slope: f64,
): void {
  applyMask(W, M, Wm, nIn * nOut);
  denseForward(x, Wm, b, y, B, nIn, nOut, act, slope);
}

/** f64 count of the scratch maskedDenseBackward needs. */
export function maskedDenseScratchSize(B: i32, nIn: i32, nOut: i32): i32 {
  return B * nOut + nIn * nOut + gemmNTScratchSize(nOut, nIn);
}

/**
 * The backward of maskedDenseForward (Wm = its masked weights, y its output):
 * dpre = dy * act'(y); dx += dpre Wm^T; dW += (x^T dpre) ⊙ M; db += colsum(dpre).
 * scratch holds maskedDenseScratchSize(B, nIn, nOut) f64.
 */
export function maskedDenseBackward(
  x: usize, Wm: usize, M: usize, y: usize, dy: usize, dx: usize, dW: usize, db: usize,
  B: i32, nIn: i32, nOut: i32, act: i32, slope: f64, scratch: usize,
): void {
  const dpre = act == 0 ? dy : scratch;
  if (act != 0 || db != 0) preActivationGrad(y, dy, dpre, db, B, nOut, act, slope);
  const gW = scratch + ((<usize>B * nOut) << 3);
  if (dx != 0) gemmNT(dpre, Wm, dx, B, nOut, nIn, 1.0, gW + ((<usize>nIn * nOut) << 3));
  if (dW != 0) {
    gemmTN(x, dpre, gW, nIn, B, nOut, 0.0);
    addMasked(gW, M, dW, nIn * nOut);
  }
}

// Shift / log-scale step. Row r of h (row stride hs >= 2 dim, so a context
// row whose first 2 dim values are (shift, log-scale) is read in place) holds
// m = h[r, 0..dim) and s = h[r, dim..2 dim). Direction +1 ("generate"):
//   y = x e^s + m,        log |det dy/dx| = sum_j s_j;
// direction -1 ("normalize"):
//   y = (x - m) e^-s,     log |det dy/dx| = -sum_j s_j.
// In an autoregressive flow m_j and s_j depend on the other variable's
// entries < j only, so these are the triangular Jacobian's diagonal terms.

/** e^(sign s) on the pair at p (lane 1 ignored when only one value is left). */
// @ts-ignore: decorator
@inline
function expSigned(p: usize, sign: f64, pair: bool): v128 {
  const s = pair ? v128.load(p) : f64x2.splat(load<f64>(p));
  return expV(f64x2.mul(s, f64x2.splat(sign)));
}

/** y = x e^s + m (direction 1) or (x - m) e^-s (direction -1); ld[r] = direction * sum_j s_j (ld = 0: skipped). */
export function shiftLogScaleForward(x: usize, h: usize, hs: i32, y: usize, ld: usize, rows: i32, dim: i32, direction: i32): void {
  const sign = <f64>direction;
  for (let r = 0; r < rows; r++) {
    const xr = x + ((<usize>r * dim) << 3);
    const yr = y + ((<usize>r * dim) << 3);
    const mr = h + ((<usize>r * hs) << 3);
    const sr = mr + (<usize>dim << 3);
    let j = 0;
    for (; j + 2 <= dim; j += 2) {
      const o = <usize>j << 3;
      const e = expSigned(sr + o, sign, true);
      const xv = v128.load(xr + o);
      const mv = v128.load(mr + o);
      v128.store(yr + o, direction > 0 ? f64x2.add(f64x2.mul(xv, e), mv) : f64x2.mul(f64x2.sub(xv, mv), e));
    }
    if (j < dim) {
      const o = <usize>j << 3;
      const e = f64x2.extract_lane(expSigned(sr + o, sign, false), 0);
      const xv = load<f64>(xr + o);
      const mv = load<f64>(mr + o);
      store<f64>(yr + o, direction > 0 ? xv * e + mv : (xv - mv) * e);
    }
    if (ld != 0) {
      let total = 0.0;
      for (let k = 0; k < dim; k++) total += load<f64>(sr + (<usize>k << 3));
      store<f64>(ld + (<usize>r << 3), sign * total);
    }
  }
}

/**
 * The backward of shiftLogScaleForward's y (y = its output), into gx [rows,
 * dim] and gh (row stride hs), either may be 0. Direction 1: gx += gy e^s,
 * gm += gy, gs += gy (y - m); direction -1: gx += gy e^-s, gm -= gy e^-s,
 * gs -= gy y.
 */
export function shiftLogScaleBackward(
  h: usize, hs: i32, y: usize, gy: usize, gx: usize, gh: usize, rows: i32, dim: i32, direction: i32,
): void {
  for (let r = 0; r < rows; r++) {
    const row = (<usize>r * dim) << 3;
    const mr = h + ((<usize>r * hs) << 3);
    const gmr = gh + ((<usize>r * hs) << 3);
    let j = 0;
    for (; j + 2 <= dim; j += 2) backwardPair(mr, gmr, y + row, gy + row, gx != 0 ? gx + row : 0, gh, j, dim, direction, true);
    if (j < dim) backwardPair(mr, gmr, y + row, gy + row, gx != 0 ? gx + row : 0, gh, j, dim, direction, false);
  }
}

/** shiftLogScaleBackward at entries j, j + 1 of one row (entry j only when pair is false). */
// @ts-ignore: decorator
@inline
function backwardPair(
  mr: usize, gmr: usize, yr: usize, gyr: usize, gxr: usize, gh: usize, j: i32, dim: i32, direction: i32, pair: bool,
): void {
  const o = <usize>j << 3;
  const so = o + (<usize>dim << 3);
  const e = expSigned(mr + so, <f64>direction, pair);
  const g = pair ? v128.load(gyr + o) : f64x2.splat(load<f64>(gyr + o));
  const ge = f64x2.mul(g, e);
  if (gxr != 0) accumulate(gxr + o, ge, pair);
  if (gh == 0) return;
  const yv = pair ? v128.load(yr + o) : f64x2.splat(load<f64>(yr + o));
  if (direction > 0) {
    const mv = pair ? v128.load(mr + o) : f64x2.splat(load<f64>(mr + o));
    accumulate(gmr + o, g, pair);
    accumulate(gmr + so, f64x2.mul(g, f64x2.sub(yv, mv)), pair);
  } else {
    accumulate(gmr + o, f64x2.neg(ge), pair);
    accumulate(gmr + so, f64x2.neg(f64x2.mul(g, yv)), pair);
  }
}

/** p[0..1] += v (p[0] += lane 0 when only one value is left). */
// @ts-ignore: decorator
@inline
function accumulate(p: usize, v: v128, pair: bool): void {
  if (pair) v128.store(p, f64x2.add(v128.load(p), v));
  else store<f64>(p, load<f64>(p) + f64x2.extract_lane(v, 0));
}

/** gs[r, j] += direction * gld[r], the backward of shiftLogScaleForward's ld. */
export function shiftLogScaleLogDetBackward(gld: usize, gh: usize, hs: i32, rows: i32, dim: i32, direction: i32): void {
  for (let r = 0; r < rows; r++) {
    const g = <f64>direction * load<f64>(gld + (<usize>r << 3));
    const gsr = gh + ((<usize>r * hs + dim) << 3);
    for (let j = 0; j < dim; j++) store<f64>(gsr + (<usize>j << 3), load<f64>(gsr + (<usize>j << 3)) + g);
  }
}
