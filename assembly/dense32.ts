// Dense layer y = act(x W + b) computed in f32 with f64 storage ("f32
// compute", like mixed-precision training): x and W are rounded to f32
// copies kept for the backward, the product and the bias + activation run in
// f32 (f32x4), y is written as f64. The backward takes dpre = dy * act'(y)
// from the f64 y and dy, runs both gemms in f32 and adds their results to the
// f64 gradients. Activation codes and conventions: assembly/activation.ts.
import { activation, preActivationGrad32 } from "./activation";
import { addF32ToF64, f64ToF32 } from "./convert";
import { gemm32NN, gemm32NT, gemm32NTScratchSize, gemm32TN } from "./gemm32";
import { sigmoidV4, tanhV4 } from "./simdmath32";

/** f32 output bytes per fused block: bias + activation run while the block is in L1. */
const BLOCK_BYTES: i32 = 32768;

/** n rounded up to a multiple of 4 f32 (16 bytes), so every scratch part stays aligned. */
// @ts-ignore: decorator
@inline
function up4(n: i64): i64 {
  return (n + 3) & ~3;
}

/** Rows per forward block; a W over 256 KB is streamed once for all rows. */
// @ts-ignore: decorator
@inline
function blockRows(B: i32, nIn: i32, nOut: i32): i32 {
  return <i64>nIn * nOut > 65536 ? B : min(B, max(4, BLOCK_BYTES / (nOut << 2)));
}

/** f32 count of `keep` (x32 [B,nIn], then W32 [nIn,nOut] at up4(B*nIn)): written by dense32Forward, read by dense32Backward. */
export function dense32KeepSize(B: i32, nIn: i32, nOut: i32): i32 {
  return <i32>(up4(<i64>B * nIn) + <i64>nIn * nOut);
}

/** f32 index of W32 in `keep` (after x32 [B,nIn], rounded up to 16 bytes). */
export function dense32KeepWeightOffset(B: i32, nIn: i32): i32 {
  return <i32>up4(<i64>B * nIn);
}

/** f32 count of dense32Forward's scratch: b32 [nOut], then dense32ForwardRows' scratch. */
export function dense32ForwardScratchSize(B: i32, nIn: i32, nOut: i32): i32 {
  return <i32>(up4(nOut) + <i64>dense32ForwardRowsScratchSize(B, nIn, nOut));
}

/** f32 count of dense32ForwardRows' scratch: one block of f32 outputs. */
export function dense32ForwardRowsScratchSize(B: i32, nIn: i32, nOut: i32): i32 {
  return <i32>(<i64>blockRows(B, nIn, nOut) * nOut);
}

/** f32 count of dense32Backward's scratch: dpre32 [B,nOut], a gemm result, gemm32NT's scratch. */
export function dense32BackwardScratchSize(B: i32, nIn: i32, nOut: i32): i32 {
  const gemmOut = max(<i64>B * nIn, <i64>nIn * nOut);
  return <i32>(up4(<i64>B * nOut) + up4(gemmOut) + gemm32NTScratchSize(nOut, nIn));
}

/**
 * y = f64(act(f32(x) f32(W) + f32(b))) in f32 arithmetic, x [B,nIn], W [nIn,nOut],
 * b [nOut] (b = 0: no bias), y [B,nOut] f64; keep: dense32KeepSize f32 (x32, W32
 * for the backward); scratch: dense32ForwardScratchSize f32.
 */
export function dense32Forward(
  x: usize, W: usize, b: usize, y: usize, B: i32, nIn: i32, nOut: i32, act: i32, slope: f64,
  keep: usize, scratch: usize,
): void {
  const x32 = keep;
  const W32 = keep + (<usize>up4(<i64>B * nIn) << 2);
  f64ToF32(x, x32, B * nIn);
  f64ToF32(W, W32, nIn * nOut);
  const b32 = b != 0 ? scratch : 0;
  if (b != 0) f64ToF32(b, b32, nOut);
  dense32ForwardRows(x32, W32, b32, y, B, nIn, nOut, act, slope, scratch + (<usize>up4(nOut) << 2));
}

/**
 * The product and store of dense32Forward on converted inputs: y =
 * f64(act(x32 W32 + b32)), x32 [B,nIn], W32 [nIn,nOut], b32 [nOut] (0: no
 * bias) f32, y [B,nOut] f64; scratch: dense32ForwardRowsScratchSize f32.
 * Each row of y depends only on its row of x32 (a thread split calls it on
 * row ranges with their own scratch).
 */
export function dense32ForwardRows(
  x32: usize, W32: usize, b32: usize, y: usize, B: i32, nIn: i32, nOut: i32, act: i32, slope: f64, scratch: usize,
): void {
  const rowsPerBlock = blockRows(B, nIn, nOut);
  for (let r = 0; r < B; r += rowsPerBlock) {
    const rows = min(rowsPerBlock, B - r);
    gemm32NN(x32 + ((<usize>r * nIn) << 2), W32, scratch, rows, nIn, nOut, 0);
    biasActivateStore(scratch, b32, y + ((<usize>r * nOut) << 3), rows, nOut, act, slope);
  }
}

/**
 * dpre = dy * act'(y); dx += dpre W32^T; dW += x32^T dpre; db += colsum(dpre)
 * (gemms in f32, sums into the f64 gradients). keep: as filled by
 * dense32Forward; a zero gradient pointer skips it; scratch:
 * dense32BackwardScratchSize f32.
 */
export function dense32Backward(
  keep: usize, y: usize, dy: usize, dx: usize, dW: usize, db: usize,
  B: i32, nIn: i32, nOut: i32, act: i32, slope: f64, scratch: usize,
): void {
  if (dx == 0 && dW == 0 && db == 0) return;
  const x32 = keep;
  const W32 = keep + (<usize>up4(<i64>B * nIn) << 2);
  const dpre = scratch;
  const t = dpre + (<usize>up4(<i64>B * nOut) << 2);
  const ntScratch = t + (<usize>up4(max(<i64>B * nIn, <i64>nIn * nOut)) << 2);
  preActivationGrad32(y, dy, dpre, db, B, nOut, act, slope);
  if (dx != 0) {
    gemm32NT(dpre, W32, t, B, nOut, nIn, 0, gemm32NTScratchSize(nOut, nIn) != 0 ? ntScratch : 0);
    addF32ToF64(t, dx, B * nIn);
  }
  if (dW != 0) {
    gemm32TN(x32, dpre, t, nIn, B, nOut, 0);
    addF32ToF64(t, dW, nIn * nOut);
  }
}

/** y[r, j] = f64(act(y32[r, j] + b32[j])) over `rows` rows of width n, one loop body per activation. */
function biasActivateStore(y32: usize, b32: usize, y: usize, rows: i32, n: i32, act: i32, slope: f64): void {
  if (b32 == 0) {
    switch (act) {
      case 0: activateRows32(y32, 0, y, rows, n, 0, slope); break;
      case 1: activateRows32(y32, 0, y, rows, n, 1, slope); break;
      case 2: activateRows32(y32, 0, y, rows, n, 2, slope); break;
      case 3: activateRows32(y32, 0, y, rows, n, 3, slope); break;
      case 4: activateRows32(y32, 0, y, rows, n, 4, slope); break;
      case 5: activateRows32(y32, 0, y, rows, n, 5, slope); break;
    }
    return;
  }
  switch (act) {
    case 0: activateRows32(y32, b32, y, rows, n, 0, slope); break;
    case 1: activateRows32(y32, b32, y, rows, n, 1, slope); break;
    case 2: activateRows32(y32, b32, y, rows, n, 2, slope); break;
    case 3: activateRows32(y32, b32, y, rows, n, 3, slope); break;
    case 4: activateRows32(y32, b32, y, rows, n, 4, slope); break;
    case 5: activateRows32(y32, b32, y, rows, n, 5, slope); break;
  }
}

// @ts-ignore: decorator
@inline
function activateRows32(y32: usize, b32: usize, y: usize, rows: i32, n: i32, act: i32, slope: f64): void {
  const slopeV = f32x4.splat(<f32>slope);
  for (let r = 0; r < rows; r++) {
    const src = y32 + ((<usize>r * n) << 2);
    const dst = y + ((<usize>r * n) << 3);
    let j = 0;
    // softplus needs log1p: the scalar f64 formula of activation.ts per element
    if (act != 4) {
      for (; j + 4 <= n; j += 4) {
        const z = b32 != 0 ? f32x4.add(v128.load(src + (<usize>j << 2)), v128.load(b32 + (<usize>j << 2))) : v128.load(src + (<usize>j << 2));
        const a = activationV4(z, act, slopeV);
        v128.store(dst + (<usize>j << 3), f64x2.promote_low_f32x4(a));
        v128.store(dst + (<usize>j << 3), f64x2.promote_low_f32x4(v128.shuffle<f32>(a, a, 2, 3, 0, 1)), 16);
      }
    }
    for (; j < n; j++) {
      const z = b32 != 0 ? load<f32>(src + (<usize>j << 2)) + load<f32>(b32 + (<usize>j << 2)) : load<f32>(src + (<usize>j << 2));
      const v: f64 = act == 4 ? <f64><f32>activation(<f64>z, 4, slope) : <f64>f32x4.extract_lane(activationV4(f32x4.splat(z), act, slopeV), 0);
      store<f64>(dst + (<usize>j << 3), v);
    }
  }
}

/** act(z) on four f32 lanes for act 0, 1, 2, 3, 5. */
// @ts-ignore: decorator
@inline
function activationV4(z: v128, act: i32, slope: v128): v128 {
  switch (act) {
    case 1:
      return tanhV4(z);
    case 2:
      return v128.and(z, f32x4.gt(z, f32x4.splat(0)));
    case 3:
      return v128.bitselect(z, f32x4.mul(slope, z), f32x4.gt(z, f32x4.splat(0)));
    case 5:
      return sigmoidV4(z);
    default:
      return z;
  }
}

// exported for the thread split of src/core/parallel.ts (dpre once on the main thread)
export { preActivationGrad32 } from "./activation";
