// Dense layer y = act(x W + b) and its backward, built on the gemm kernels.
// Activation codes and derivative convention: assembly/activation.ts.
import { activation, preActivationGrad } from "./activation";
import { gemmNN, gemmNT, gemmTN } from "./gemm";
import { sigmoidV, tanhV } from "./simdmath";

/** Output bytes per fused block: bias + activation run while the block is in L1. */
const BLOCK_BYTES: i32 = 32768;

/** y = act(x W + b), x [B,nIn], W [nIn,nOut], b [nOut] (b = 0: no bias), y [B,nOut]. */
export function denseForward(
  x: usize, W: usize, b: usize, y: usize, B: i32, nIn: i32, nOut: i32, act: i32, slope: f64,
): void {
  // a W over 256 KB is streamed from L2/L3 once for all rows, not once per
  // block; its output then gets the bias + activation pass as a whole
  const blockRows = <i64>nIn * nOut > 32768 ? B : max(4, BLOCK_BYTES / (nOut << 3));
  for (let r = 0; r < B; r += blockRows) {
    const rows = min(blockRows, B - r);
    const yr = y + ((<usize>r * nOut) << 3);
    gemmNN(x + ((<usize>r * nIn) << 3), W, yr, rows, nIn, nOut, 0);
    if (b != 0 || act != 0) biasActivate(yr, b, rows, nOut, act, slope);
  }
}

/**
 * dpre = dy * act'(y); dx += dpre W^T; dW += x^T dpre; db += colsum(dpre).
 * A zero pointer skips that gradient; scratch holds B*nOut +
 * gemmNTScratchSize(nOut, nIn) f64 (dpre, then W^T for a narrow layer).
 */
export function denseBackward(
  x: usize, W: usize, y: usize, dy: usize, dx: usize, dW: usize, db: usize,
  B: i32, nIn: i32, nOut: i32, act: i32, slope: f64, scratch: usize,
): void {
  const dpre = act == 0 ? dy : scratch;
  if (act != 0 || db != 0) preActivationGrad(y, dy, dpre, db, B, nOut, act, slope);
  if (dx != 0) gemmNT(dpre, W, dx, B, nOut, nIn, 1.0, scratch + ((<usize>B * nOut) << 3));
  if (dW != 0) gemmTN(x, dpre, dW, nIn, B, nOut, 1.0);
}

// The per-activation loops below are one inlined body instantiated with a
// constant act, so the switch in activation() folds away and the inner loops
// carry no branch on act (or on b) per element.

/** y[r, j] = act(y[r, j] + b[j]) over `rows` rows of width n. */
function biasActivate(y: usize, b: usize, rows: i32, n: i32, act: i32, slope: f64): void {
  if (b == 0) {
    switch (act) {
      case 1: activateRows(y, 0, rows, n, 1, slope); break;
      case 2: activateRows(y, 0, rows, n, 2, slope); break;
      case 3: activateRows(y, 0, rows, n, 3, slope); break;
      case 4: activateRows(y, 0, rows, n, 4, slope); break;
      case 5: activateRows(y, 0, rows, n, 5, slope); break;
    }
    return;
  }
  switch (act) {
    case 0: activateRows(y, b, rows, n, 0, slope); break;
    case 1: activateRows(y, b, rows, n, 1, slope); break;
    case 2: activateRows(y, b, rows, n, 2, slope); break;
    case 3: activateRows(y, b, rows, n, 3, slope); break;
    case 4: activateRows(y, b, rows, n, 4, slope); break;
    case 5: activateRows(y, b, rows, n, 5, slope); break;
  }
}

// @ts-ignore: decorator
@inline
function activateRows(y: usize, b: usize, rows: i32, n: i32, act: i32, slope: f64): void {
  if (act == 0 || act == 1 || act == 5) {
    activateRowsV(y, b, rows, n, act);
    return;
  }
  const end = y + ((<usize>rows * n) << 3);
  for (let row = y; row < end; row += <usize>n << 3) {
    for (let j = 0; j < n; j++) {
      const p = row + (<usize>j << 3);
      const z = b != 0 ? load<f64>(p) + load<f64>(b + (<usize>j << 3)) : load<f64>(p);
      store<f64>(p, activation(z, act, slope));
    }
  }
}

/** activateRows for identity (0: bias only), tanh (1) and sigmoid (5) on f64x2 lanes (assembly/simdmath.ts); an odd tail goes through lane 0. */
// @ts-ignore: decorator
@inline
function activateRowsV(y: usize, b: usize, rows: i32, n: i32, act: i32): void {
  const w = <usize>n << 3;
  const end = y + <usize>rows * w;
  for (let row = y; row < end; row += w) {
    let j = 0;
    for (; j + 4 <= n; j += 4) {
      const p = row + (<usize>j << 3);
      const z0 = b != 0 ? f64x2.add(v128.load(p), v128.load(b + (<usize>j << 3))) : v128.load(p);
      const z1 = b != 0 ? f64x2.add(v128.load(p, 16), v128.load(b + (<usize>j << 3), 16)) : v128.load(p, 16);
      const y0 = act == 0 ? z0 : act == 1 ? tanhV(z0) : sigmoidV(z0);
      const y1 = act == 0 ? z1 : act == 1 ? tanhV(z1) : sigmoidV(z1);
      v128.store(p, y0);
      v128.store(p, y1, 16);
    }
    for (; j + 2 <= n; j += 2) {
      const p = row + (<usize>j << 3);
      const z = b != 0 ? f64x2.add(v128.load(p), v128.load(b + (<usize>j << 3))) : v128.load(p);
      v128.store(p, act == 0 ? z : act == 1 ? tanhV(z) : sigmoidV(z));
    }
    if (j < n) {
      const p = row + (<usize>j << 3);
      const z = f64x2.splat(b != 0 ? load<f64>(p) + load<f64>(b + (<usize>j << 3)) : load<f64>(p));
      store<f64>(p, f64x2.extract_lane(act == 0 ? z : act == 1 ? tanhV(z) : sigmoidV(z), 0));
    }
  }
}

// The pre-activation pass alone, as a kernel export: split backward passes
// (src/core/parallel.ts) run it once, then the gemms on several threads.
export { preActivationGrad } from "./activation";
