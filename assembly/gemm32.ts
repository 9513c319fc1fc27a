// Row-major f32 matrix products C[M,N] = beta*C + op(A) op(B), the f32
// counterparts of assembly/gemm.ts (same argument order; pointers are byte
// offsets of f32 arrays, counts are elements). Register-blocked f32x4
// micro-kernels with 8 vector accumulators; the k loop stays rolled.
//
// Tile families (assembly/gemm32-tiles.ts, gemm32-narrow.ts):
// - outer-product tiles (NN, TN, NT): 4 rows x 8 columns (two f32x4 per
//   row), per k two vectors of op(B) and four broadcast entries of op(A);
//   column tails of 4 and 1..3 columns (partial vectors). op(A)(i, k) is read
//   through byte strides (ai, ak): NN/NT have (4K, 4), TN has (4, 4M) and
//   copies each 4 x KC panel of op(A) into gemmPanel() first. op(B) is read
//   in place (NN/TN below K, N = 256) or from blocks packed into the panel as
//   column strips (assembly/gemm32-pack.ts; NT always: the packing is the
//   transpose of B, so NT needs no caller scratch).
// - narrow N <= 4: dot-product tiles (4 rows x 2 columns, 8 x 1 for an odd
//   last column) accumulating over k in vector lanes, for NT on B and for NN
//   on B^T in the panel; TN keeps 8 or 16 rows of C in the lanes instead.
// Row tails reuse the 4-row tiles with the missing rows aliased to the last
// valid one (computed, not stored); tails of 1 or 2 rows take 2 x 16 tiles
// where 16 columns remain.
//
// Determinism: each output element's summation order depends only on K and
// N, never on M or on the row block, so a call on rows [r0, r1) of A/C with
// r0 % 4 == 0 gives rows bit-identical to the full call. No FMA.
// beta == 0 never reads C (C may hold NaN).

import { gemmPanel, GEMM_PANEL_BYTES } from "./scratch";
import { outerTile8, outerTile2x16, outerTile4, outerTilePart } from "./gemm32-tiles";
import { dotTile, dotTile1, narrowTileTN, narrowTileRows } from "./gemm32-narrow";
import { packB, transpose32 } from "./gemm32-pack";

/** NN and NT with N <= 4 run dot tiles from this depth on (below: outer tiles, partial vectors). */
const NARROW_DOT_K: i32 = 16;
/** f32 elements of the per-instance panel. */
const PANEL_F32: i32 = GEMM_PANEL_BYTES >> 2;
/** NN and TN pack B when both K and N reach this (below, B rows are read in place; measured gains ~5%). */
const PACK_MIN: i32 = 256;
/** ... and when M reaches this: fewer row blocks do not amortize the copy (4 x 784 x 256: 38 unpacked, 27 packed). */
const PACK_MIN_M: i32 = 32;

/** Whether NN/TN pack B (data movement only: the summation order does not depend on it). */
// @ts-ignore: decorator
@inline
function packs(M: i32, K: i32, N: i32): bool {
  return M >= PACK_MIN_M && K >= PACK_MIN && N >= PACK_MIN;
}

// One KC x NC block of unpacked B (256 KB) stays in L2 while every row block
// of A passes over it; packed blocks are KC x (panel capacity / KC).
const KC: i32 = 256;
const NC: i32 = 256;

/** f32 count of the scratch gemm32NT uses for depth K and N rows of B: always 0 (B^T is packed in the panel). */
export function gemm32NTScratchSize(K: i32, N: i32): i32 {
  return 0;
}

/** C = beta*C + A B, A [M,K], B [K,N] (f32). */
export function gemm32NN(a: usize, b: usize, c: usize, M: i32, K: i32, N: i32, beta: f32): void {
  if (N <= 4 && K >= NARROW_DOT_K && K * N <= PANEL_F32) {
    // narrow N: outer tiles would waste most lanes; dot tiles on B^T use all
    const bt = gemmPanel();
    transpose32(b, bt, K, N);
    dotProduct(a, bt, c, M, K, N, beta);
    return;
  }
  outerProduct(a, <usize>K << 2, 4, b, <usize>N << 2, 4, c, M, K, N, beta, packs(M, K, N));
}

/** C = beta*C + A^T B, A [K,M], B [K,N] (f32). */
export function gemm32TN(a: usize, b: usize, c: usize, M: i32, K: i32, N: i32, beta: f32): void {
  gemm32TNStrided(a, M, b, c, M, K, N, beta);
}

/**
 * gemm32TN on M columns of a wider A: A(k, i) at a + 4*(k*lda + i), lda >= M
 * (a column block of A^T B, e.g. rows r0..r1 of dW = x^T dpre for a thread
 * split: a + 4*r0). Rows of C are bit-identical to the full product's.
 */
export function gemm32TNStrided(a: usize, lda: i32, b: usize, c: usize, M: i32, K: i32, N: i32, beta: f32): void {
  const ak = <usize>lda << 2;
  if (N <= 4) {
    // narrow N: rows of C in the lanes (A^T rows i..i+7 are contiguous in A)
    const ldb = <usize>N << 2, step = narrowTileRows(N);
    for (let i = 0; i < M; i += step) narrowTileTN(a + (<usize>i << 2), ak, b, ldb, K, c + <usize>i * ldb, ldb, min(step, M - i), N, beta);
    return;
  }
  outerProduct(a, 4, ak, b, <usize>N << 2, 4, c, M, K, N, beta, packs(M, K, N));
}

/**
 * C = beta*C + A B^T, A [M,K], B [N,K] (f32): outer-product tiles on blocks
 * of B^T transposed into the panel; dot tiles on B as is when N <= 4.
 * scratch is unused (gemm32NTScratchSize is 0), kept for the f64 signature.
 */
export function gemm32NT(a: usize, b: usize, c: usize, M: i32, K: i32, N: i32, beta: f32, scratch: usize): void {
  if (N <= 4 && K >= NARROW_DOT_K) dotProduct(a, b, c, M, K, N, beta);
  else outerProduct(a, <usize>K << 2, 4, b, 4, <usize>K << 2, c, M, K, N, beta, true);
}

/** C = beta*C + A Bt^T with A [M,K] and Bt [N,K] both contiguous in k: 4 x 2 dot tiles, an odd last column in 8 x 1 tiles. */
function dotProduct(a: usize, bt: usize, c: usize, M: i32, K: i32, N: i32, beta: f32): void {
  const lda = <usize>K << 2;
  const ldc = <usize>N << 2;
  const even = N & ~1;
  for (let i = 0; i < M; i += 4) {
    const rows = min(4, M - i);
    const a0 = a + <usize>i * lda;
    const a1 = rows > 1 ? a0 + lda : a0;
    const a2 = rows > 2 ? a1 + lda : a1;
    const a3 = rows > 3 ? a2 + lda : a2;
    const c0 = c + <usize>i * ldc;
    for (let j = 0; j < even; j += 2) {
      const b0 = bt + <usize>j * lda;
      dotTile(a0, a1, a2, a3, b0, b0 + lda, K, c0 + (<usize>j << 2), ldc, rows, 2, beta);
    }
  }
  if (even < N) {
    const b0 = bt + <usize>even * lda;
    for (let i = 0; i < M; i += 8) dotTile1(a + <usize>i * lda, lda, b0, K, c + <usize>i * ldc + (<usize>even << 2), ldc, min(8, M - i), beta);
  }
}

/** Bytes of the panel holding the packed 4 x KC panel of op(A) (TN); packed B blocks follow it. */
const A_PANEL_BYTES: i32 = KC * 16;
/** f32 capacity of the packed B block. */
const B_PANEL_F32: i32 = (GEMM_PANEL_BYTES - A_PANEL_BYTES) >> 2;

/**
 * C = beta*C + op(A) op(B) with op(A)(i, k) at a + i*ai + k*ak and op(B)(k, j)
 * at b + k*bk + j*bj (byte strides), blocked over k (KC) and n. packed:
 * copy each block of op(B) into the panel as column strips (packB) first;
 * otherwise op(B) must have contiguous rows (bj = 4).
 */
function outerProduct(
  a: usize, ai: usize, ak: usize, b: usize, bk: usize, bj: usize,
  c: usize, M: i32, K: i32, N: i32, beta: f32, packed: bool,
): void {
  const ldc = <usize>N << 2;
  if (K <= 0) {
    // empty sum: C = beta*C
    for (let e = 0, n = M * N; e < n; e++) {
      const p = c + (<usize>e << 2);
      store<f32>(p, beta == 0 ? 0 : beta * load<f32>(p));
    }
    return;
  }
  const bPanel = gemmPanel() + A_PANEL_BYTES;
  for (let k0 = 0; k0 < K; k0 += KC) {
    const kc = min(KC, K - k0);
    const ncMax = packed ? (B_PANEL_F32 / kc) & ~7 : NC;
    const blockBeta = k0 == 0 ? beta : <f32>1;
    for (let j0 = 0; j0 < N; j0 += ncMax) {
      const nc = min(ncMax, N - j0);
      const bBlock = b + <usize>k0 * bk + <usize>j0 * bj;
      if (packed) packB(bBlock, bk, bj, bPanel, kc, nc);
      outerBlock(a + <usize>k0 * ak, ai, ak, packed ? bPanel : bBlock, packed ? 0 : bk, c + (<usize>j0 << 2), ldc, M, kc, nc, blockBeta);
    }
  }
}

/** One block of outerProduct: N columns of op(B) (ldb: row stride, 0 = packed strips) and C (row stride ldc). */
function outerBlock(
  a: usize, ai: usize, ak: usize, b: usize, ldb: usize,
  c: usize, ldc: usize, M: i32, K: i32, N: i32, beta: f32,
): void {
  for (let i = 0; i < M; i += 4) {
    const rows = min(4, M - i);
    const a0 = a + <usize>i * ai;
    const a1 = rows > 1 ? a0 + ai : a0;
    const a2 = rows > 2 ? a1 + ai : a1;
    const a3 = rows > 3 ? a2 + ai : a2;
    const c0 = c + <usize>i * ldc;
    if (ak != 4 && N >= 16) {
      // strided op(A) (TN): pack the 4 x K panel once, then run the tiles on it
      // (TN rows i..i+3 of op(A) are 4 contiguous floats of each row of A)
      const panel = gemmPanel();
      if (rows == 4) {
        for (let k = 0, src = a0, dst = panel; k < K; k++, src += ak, dst += 16) v128.store(dst, v128.load(src));
      } else {
        for (let k = 0, src: usize = 0, dst = panel; k < K; k++, src += ak, dst += 16) {
          store<f32>(dst, load<f32>(a0 + src));
          store<f32>(dst, load<f32>(a1 + src), 4);
          store<f32>(dst, load<f32>(a2 + src), 8);
          store<f32>(dst, load<f32>(a3 + src), 12);
        }
      }
      outerRow(panel, panel + 4, panel + 8, panel + 12, 16, b, ldb, c0, ldc, K, N, rows, beta);
    } else {
      outerRow(a0, a1, a2, a3, ak, b, ldb, c0, ldc, K, N, rows, beta);
    }
  }
}

/** One row block (rows a0..a3) of C across N columns: 8-, 4- and 1..3-wide tiles. */
// @ts-ignore: decorator
@inline
function outerRow(
  a0: usize, a1: usize, a2: usize, a3: usize, ak: usize,
  b: usize, ldb: usize, c0: usize, ldc: usize, K: i32, N: i32, rows: i32, beta: f32,
): void {
  // packed strips (ldb = 0): the strip of column j starts at j*K floats, row stride = its width
  const stripK = <usize>K << 2;
  let j = 0;
  if (rows <= 2) {
    // short row tail: 2 x 16 tiles waste fewer lanes than 4 x 8 with aliased rows
    for (; j + 16 <= N; j += 16) {
      const bj = ldb == 0 ? b + <usize>j * stripK : b + (<usize>j << 2);
      const bj2 = ldb == 0 ? bj + (stripK << 3) : bj + 32;
      outerTile2x16(a0, a1, ak, bj, bj2, ldb == 0 ? 32 : ldb, K, c0 + (<usize>j << 2), ldc, rows, beta);
    }
  }
  for (; j + 8 <= N; j += 8) {
    const bj = ldb == 0 ? b + <usize>j * stripK : b + (<usize>j << 2);
    outerTile8(a0, a1, a2, a3, ak, bj, ldb == 0 ? 32 : ldb, K, c0 + (<usize>j << 2), ldc, rows, beta);
  }
  if (j + 4 <= N) {
    const bj = ldb == 0 ? b + <usize>j * stripK : b + (<usize>j << 2);
    outerTile4(a0, a1, a2, a3, ak, bj, ldb == 0 ? 16 : ldb, K, c0 + (<usize>j << 2), ldc, rows, beta);
    j += 4;
  }
  if (j < N) {
    const n = N - j;
    const bj = ldb == 0 ? b + <usize>j * stripK : b + (<usize>j << 2);
    outerTilePart(a0, a1, a2, a3, ak, bj, ldb == 0 ? <usize>n << 2 : ldb, K, c0 + (<usize>j << 2), ldc, rows, n, beta);
  }
}
