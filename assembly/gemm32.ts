// Row-major f32 matrix products C[M,N] = beta*C + op(A) op(B), the f32
// counterparts of assembly/gemm.ts (same argument order; pointers are byte
// offsets of f32 arrays, counts are elements). Register-blocked f32x4
// micro-kernels with 8 vector accumulators; the k loop stays rolled.
//
// Tile families (assembly/gemm32-tiles.ts):
// - outer-product tiles (NN, TN): 4 rows x 8 columns (two f32x4 per row),
//   per k two vectors of B and four broadcast entries of op(A); column tails
//   of 4 and 1..3 columns (partial vectors). op(A)(i, k) is read through byte
//   strides (ai, ak): NN has (4K, 4), TN has (4, 4M) and packs each 4 x KC
//   panel of op(A) into gemmPanel() first (one sequential stream).
// - dot-product tiles (NT, and NN with N < 4 on B^T in the panel): 4 rows x
//   2 columns accumulated over k in vector lanes, summed horizontally.
// Row tails reuse the 4-row tiles with the missing rows aliased to the last
// valid one (computed, not stored).
//
// Determinism: each output element's summation order depends only on K, N
// (and for NT on whether scratch is given), never on M or on the row block,
// so a call on rows [r0, r1) with r0 % 4 == 0 gives bit-identical rows to
// the full call. No FMA. beta == 0 never reads C (C may hold NaN).

import { gemmPanel, GEMM_PANEL_BYTES } from "./scratch";
import { outerTile8, outerTile4, outerTilePart, dotTile, transpose32 } from "./gemm32-tiles";

/** Below this depth a dot-product tile is mostly horizontal sums: transpose B and run outer products. */
const NT_MIN_DOT_K: i32 = 32;
/** NN with fewer than 4 columns runs dot tiles on B^T (in the panel) from this depth on. */
const NARROW_DOT_K: i32 = 16;
/** f32 elements of the per-instance panel. */
const PANEL_F32: i32 = GEMM_PANEL_BYTES >> 2;

// One KC x NC block of B (256 KB) stays in L2 while every row block of A
// passes over it; the 4 x KC panel of op(A) (4 KB) fits the gemm panel.
const KC: i32 = 256;
const NC: i32 = 256;

/** f32 count of the scratch gemm32NT uses for depth K and N rows of B (0: none; small B^T go to the panel). */
export function gemm32NTScratchSize(K: i32, N: i32): i32 {
  return K < NT_MIN_DOT_K && K * N > PANEL_F32 ? K * N : 0;
}

/** C = beta*C + A B, A [M,K], B [K,N] (f32). */
export function gemm32NN(a: usize, b: usize, c: usize, M: i32, K: i32, N: i32, beta: f32): void {
  if (N < 4 && K >= NARROW_DOT_K && K * N <= PANEL_F32) {
    // narrow N: outer tiles would waste most lanes; dot tiles on B^T use all
    const bt = gemmPanel();
    transpose32(b, bt, K, N);
    dotProduct(a, bt, c, M, K, N, beta);
    return;
  }
  outerProduct(a, <usize>K << 2, 4, b, c, M, K, N, beta);
}

/** C = beta*C + A^T B, A [K,M], B [K,N] (f32). */
export function gemm32TN(a: usize, b: usize, c: usize, M: i32, K: i32, N: i32, beta: f32): void {
  outerProduct(a, 4, <usize>M << 2, b, c, M, K, N, beta);
}

/**
 * C = beta*C + A B^T, A [M,K], B [N,K] (f32). Shallow products (K < 32) run
 * as NN on B^T, written to the panel when K*N fits, else to scratch
 * (gemm32NTScratchSize(K, N) f32); scratch = 0 then falls back to dot tiles.
 */
export function gemm32NT(a: usize, b: usize, c: usize, M: i32, K: i32, N: i32, beta: f32, scratch: usize): void {
  if (K < NT_MIN_DOT_K) {
    const fits = K * N <= PANEL_F32;
    if (fits || scratch != 0) {
      const bt = fits ? gemmPanel() : scratch;
      transpose32(b, bt, N, K);
      outerProduct(a, <usize>K << 2, 4, bt, c, M, K, N, beta);
      return;
    }
  }
  dotProduct(a, b, c, M, K, N, beta);
}

/** C = beta*C + A Bt^T with A [M,K] and Bt [N,K] both contiguous in k: 4 x 2 dot tiles. */
function dotProduct(a: usize, bt: usize, c: usize, M: i32, K: i32, N: i32, beta: f32): void {
  const lda = <usize>K << 2;
  const ldc = <usize>N << 2;
  for (let i = 0; i < M; i += 4) {
    const rows = min(4, M - i);
    const a0 = a + <usize>i * lda;
    const a1 = rows > 1 ? a0 + lda : a0;
    const a2 = rows > 2 ? a1 + lda : a1;
    const a3 = rows > 3 ? a2 + lda : a2;
    const c0 = c + <usize>i * ldc;
    let j = 0;
    for (; j + 2 <= N; j += 2) {
      const b0 = bt + <usize>j * lda;
      dotTile(a0, a1, a2, a3, b0, b0 + lda, K, c0 + (<usize>j << 2), ldc, rows, 2, beta);
    }
    if (j < N) {
      const b0 = bt + <usize>j * lda;
      dotTile(a0, a1, a2, a3, b0, b0, K, c0 + (<usize>j << 2), ldc, rows, 1, beta);
    }
  }
}

/** C = beta*C + op(A) B with op(A)(i, k) at a + i*ai + k*ak (byte strides), blocked over k and n. */
function outerProduct(a: usize, ai: usize, ak: usize, b: usize, c: usize, M: i32, K: i32, N: i32, beta: f32): void {
  const ld = <usize>N << 2;
  for (let k0 = 0; k0 < K; k0 += KC) {
    const kc = min(KC, K - k0);
    for (let j0 = 0; j0 < N; j0 += NC) {
      const nc = min(NC, N - j0);
      const bk = b + <usize>k0 * ld + (<usize>j0 << 2);
      outerBlock(a + <usize>k0 * ak, ai, ak, bk, c + (<usize>j0 << 2), M, kc, nc, ld, k0 == 0 ? beta : <f32>1);
    }
  }
}

/** One block of outerProduct: N columns of B and C, both with row stride ld bytes. */
function outerBlock(a: usize, ai: usize, ak: usize, b: usize, c: usize, M: i32, K: i32, N: i32, ld: usize, beta: f32): void {
  for (let i = 0; i < M; i += 4) {
    const rows = min(4, M - i);
    const a0 = a + <usize>i * ai;
    const a1 = rows > 1 ? a0 + ai : a0;
    const a2 = rows > 2 ? a1 + ai : a1;
    const a3 = rows > 3 ? a2 + ai : a2;
    const c0 = c + <usize>i * ld;
    if (ak != 4 && N >= 16) {
      // strided op(A) (TN): pack the 4 x K panel once, then run the tiles on it
      const panel = gemmPanel();
      for (let k = 0, src: usize = 0, dst = panel; k < K; k++, src += ak, dst += 16) {
        store<f32>(dst, load<f32>(a0 + src));
        store<f32>(dst, load<f32>(a1 + src), 4);
        store<f32>(dst, load<f32>(a2 + src), 8);
        store<f32>(dst, load<f32>(a3 + src), 12);
      }
      outerRow(panel, panel + 4, panel + 8, panel + 12, 16, b, c0, K, N, ld, rows, beta);
    } else {
      outerRow(a0, a1, a2, a3, ak, b, c0, K, N, ld, rows, beta);
    }
  }
}

/** One row block (rows a0..a3) of C across N columns: 8-, 4- and 1..3-wide tiles. */
// @ts-ignore: decorator
@inline
function outerRow(
  a0: usize, a1: usize, a2: usize, a3: usize, ak: usize,
  b: usize, c0: usize, K: i32, N: i32, ld: usize, rows: i32, beta: f32,
): void {
  let j = 0;
  for (; j + 8 <= N; j += 8) {
    outerTile8(a0, a1, a2, a3, ak, b + (<usize>j << 2), ld, K, c0 + (<usize>j << 2), rows, beta);
  }
  if (j + 4 <= N) {
    outerTile4(a0, a1, a2, a3, ak, b + (<usize>j << 2), ld, K, c0 + (<usize>j << 2), rows, beta);
    j += 4;
  }
  if (j < N) outerTilePart(a0, a1, a2, a3, ak, b + (<usize>j << 2), ld, K, c0 + (<usize>j << 2), rows, N - j, beta);
}
