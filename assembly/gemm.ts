// Row-major f64 matrix products C[M,N] = beta*C + op(A) op(B), op = transpose
// for the operand marked T. Register-blocked f64x2 micro-kernels with
// 8 accumulators (more spill to the stack); the k loop stays rolled.
//
// Two tile families cover the three variants:
// - outer-product tiles (NN, TN): op(B) rows are contiguous, so a tile of
//   4 rows x 4 columns keeps 8 vector accumulators and, per k, loads two
//   vectors of B and broadcasts four entries of op(A). op(A)(i, k) is read
//   through byte strides (ai, ak): NN has (K, 1), TN has (1, M) times 8.
// - dot-product tiles (NT): rows of A and rows of B are both contiguous in
//   k, so a tile of 4 x 2 outputs accumulates over k in vector lanes and is
//   summed horizontally at the end.
// Row tails reuse the 4-row tiles with the missing rows aliased to the last
// valid one (computed, not stored); column tails have 2- and 1-wide tiles.
// Outer products run over 256 x 256 blocks of B (L2-resident, no packing);
// shallow NT products (K < 32) transpose B into caller scratch and run as NN.
// beta == 0 never reads C, so C may hold garbage (or NaN) on entry.

import { GEMM_PANEL_BYTES, gemmPanel } from "./scratch";

/** Below this depth a dot-product tile is mostly horizontal sums: transpose B and use NN. */
const NT_MIN_DOT_K: i32 = 32;

/** f64 count of the scratch gemmNT uses for depth K and N rows of B (0: none). */
export function gemmNTScratchSize(K: i32, N: i32): i32 {
  return K < NT_MIN_DOT_K ? K * N : 0;
}

/** At most this many columns: an outer-product tile would be mostly tail, so NN runs as dot tiles on B^T. */
const NN_NARROW_N: i32 = 4;

/**
 * C = beta*C + A B, A [M,K], B [K,N]. A narrow product (N <= 4, K >= 32)
 * transposes B into the gemm panel and runs the dot tiles of NT (N = 2:
 * 11.5 -> ~17 GFLOP/s); the choice depends on K and N only, so row blocks
 * of one product always take the same path.
 */
export function gemmNN(a: usize, b: usize, c: usize, M: i32, K: i32, N: i32, beta: f64): void {
  if (N <= NN_NARROW_N && K >= NT_MIN_DOT_K && K * N <= (GEMM_PANEL_BYTES >> 3)) {
    const bt = gemmPanel();
    transposeAdd(b, bt, K, N, 0);
    dotProducts(a, bt, c, M, K, N, beta);
    return;
  }
  outerProduct(a, <usize>K << 3, 8, b, c, M, K, N, beta);
}

/** C = beta*C + A^T B, A [K,M], B [K,N]. */
export function gemmTN(a: usize, b: usize, c: usize, M: i32, K: i32, N: i32, beta: f64): void {
  outerProduct(a, 8, <usize>M << 3, b, c, M, K, N, beta);
}

/**
 * C = beta*C + A^T B on a column block of A: A has row stride lda (f64), and
 * its first M columns are used (A [K,lda], C [M,N]). gemmTN with lda = M;
 * with a + 8*i0 it computes rows i0.. of a larger product (thread splits).
 */
export function gemmTNStrided(a: usize, lda: i32, b: usize, c: usize, M: i32, K: i32, N: i32, beta: f64): void {
  outerProduct(a, 8, <usize>lda << 3, b, c, M, K, N, beta);
}

/**
 * C = beta*C + A B^T, A [M,K], B [N,K]. scratch (N*K f64, or 0 = none) lets a
 * shallow product (K < 32) run as NN on B^T, 2-3x faster than dot tiles there.
 */
export function gemmNT(a: usize, b: usize, c: usize, M: i32, K: i32, N: i32, beta: f64, scratch: usize): void {
  if (scratch != 0 && gemmNTScratchSize(K, N) > 0) {
    transposeAdd(b, scratch, N, K, 0);
    outerProduct(a, <usize>K << 3, 8, scratch, c, M, K, N, beta);
    return;
  }
  dotProducts(a, b, c, M, K, N, beta);
}

/** C = beta*C + A B^T by 4 x 2 dot tiles (rows of A and of B contiguous in k). */
function dotProducts(a: usize, b: usize, c: usize, M: i32, K: i32, N: i32, beta: f64): void {
  const lda = <usize>K << 3;
  const ldc = <usize>N << 3;
  for (let i = 0; i < M; i += 4) {
    const rows = min(4, M - i);
    const a0 = a + <usize>i * lda;
    const a1 = rows > 1 ? a0 + lda : a0;
    const a2 = rows > 2 ? a1 + lda : a1;
    const a3 = rows > 3 ? a2 + lda : a2;
    const c0 = c + <usize>i * ldc;
    let j = 0;
    for (; j + 2 <= N; j += 2) {
      const b0 = b + <usize>j * lda;
      dotTile(a0, a1, a2, a3, b0, b0 + lda, K, c0 + (<usize>j << 3), ldc, rows, 2, beta);
    }
    if (j < N) {
      const b0 = b + <usize>j * lda;
      dotTile(a0, a1, a2, a3, b0, b0, K, c0 + (<usize>j << 3), ldc, rows, 1, beta);
    }
  }
}

// One KC x NC block of B (512 KB) stays in L2 while every row block of A
// passes over it: a whole 784 x 256 B does not fit, 256 x 256 does.
const KC: i32 = 256;
const NC: i32 = 256;

// The 4 x KC panel of op(A) (8 KB, k-major) lives in this instance's
// gemmPanel() (assembly/scratch.ts). TN reads op(A)(i, k) at stride M*8 per k
// (a power of two for M = 256: every k lands in the same few L1 sets);
// packed, the panel is one sequential stream reused by all tiles of a row block.

/** C = beta*C + op(A) B with op(A)(i, k) at a + i*ai + k*ak (byte strides), blocked over k and n. */
function outerProduct(a: usize, ai: usize, ak: usize, b: usize, c: usize, M: i32, K: i32, N: i32, beta: f64): void {
  const ld = <usize>N << 3;
  for (let k0 = 0; k0 < K; k0 += KC) {
    const kc = min(KC, K - k0);
    for (let j0 = 0; j0 < N; j0 += NC) {
      const nc = min(NC, N - j0);
      const bk = b + <usize>k0 * ld + (<usize>j0 << 3);
      outerBlock(a + <usize>k0 * ak, ai, ak, bk, c + (<usize>j0 << 3), M, kc, nc, ld, k0 == 0 ? beta : 1.0);
    }
  }
}

/** One block of outerProduct: N columns of B and C, both with row stride ld bytes. */
function outerBlock(a: usize, ai: usize, ak: usize, b: usize, c: usize, M: i32, K: i32, N: i32, ld: usize, beta: f64): void {
  for (let i = 0; i < M; i += 4) {
    const rows = min(4, M - i);
    const a0 = a + <usize>i * ai;
    const a1 = rows > 1 ? a0 + ai : a0;
    const a2 = rows > 2 ? a1 + ai : a1;
    const a3 = rows > 3 ? a2 + ai : a2;
    const c0 = c + <usize>i * ld;
    if (ak != 8 && N >= 16) {
      // strided op(A) (TN): pack the panel once, then run the tiles on it
      const panel = gemmPanel();
      for (let k = 0, src: usize = 0, dst = panel; k < K; k++, src += ak, dst += 32) {
        store<f64>(dst, load<f64>(a0 + src));
        store<f64>(dst, load<f64>(a1 + src), 8);
        store<f64>(dst, load<f64>(a2 + src), 16);
        store<f64>(dst, load<f64>(a3 + src), 24);
      }
      outerRow(panel, panel + 8, panel + 16, panel + 24, 32, b, c0, K, N, ld, rows, beta);
    } else {
      outerRow(a0, a1, a2, a3, ak, b, c0, K, N, ld, rows, beta);
    }
  }
}

/** One row block (rows a0..a3) of C across N columns. */
// @ts-ignore: decorator
@inline
function outerRow(
  a0: usize, a1: usize, a2: usize, a3: usize, ak: usize,
  b: usize, c0: usize, K: i32, N: i32, ld: usize, rows: i32, beta: f64,
): void {
  let j = 0;
  for (; j + 4 <= N; j += 4) {
    outerTile4(a0, a1, a2, a3, ak, b + (<usize>j << 3), ld, K, c0 + (<usize>j << 3), rows, beta);
  }
  if (j + 2 <= N) {
    outerTile2(a0, a1, a2, a3, ak, b + (<usize>j << 3), ld, K, c0 + (<usize>j << 3), rows, beta);
    j += 2;
  }
  if (j < N) outerTile1(a0, a1, a2, a3, ak, b + (<usize>j << 3), ld, K, c0 + (<usize>j << 3), rows, beta);
}

// @ts-ignore: decorator
@inline
function storeVec(p: usize, acc: v128, beta: f64): void {
  v128.store(p, beta == 0 ? acc : f64x2.add(acc, f64x2.mul(f64x2.splat(beta), v128.load(p))));
}

// @ts-ignore: decorator
@inline
function storeScalar(p: usize, acc: f64, beta: f64): void {
  store<f64>(p, beta == 0 ? acc : acc + beta * load<f64>(p));
}

/** 4 rows x 4 columns of C (ld = row stride of B and C in bytes). */
function outerTile4(
  a0: usize, a1: usize, a2: usize, a3: usize, ak: usize,
  b: usize, ld: usize, K: i32, c: usize, rows: i32, beta: f64,
): void {
  const z = f64x2.splat(0);
  let c00 = z, c01 = z, c10 = z, c11 = z, c20 = z, c21 = z, c30 = z, c31 = z;
  let off: usize = 0;
  let pb = b;
  for (let k = 0; k < K; k++) {
    const b0 = v128.load(pb);
    const b1 = v128.load(pb, 16);
    let x = v128.load64_splat(a0 + off);
    c00 = f64x2.add(c00, f64x2.mul(x, b0));
    c01 = f64x2.add(c01, f64x2.mul(x, b1));
    x = v128.load64_splat(a1 + off);
    c10 = f64x2.add(c10, f64x2.mul(x, b0));
    c11 = f64x2.add(c11, f64x2.mul(x, b1));
    x = v128.load64_splat(a2 + off);
    c20 = f64x2.add(c20, f64x2.mul(x, b0));
    c21 = f64x2.add(c21, f64x2.mul(x, b1));
    x = v128.load64_splat(a3 + off);
    c30 = f64x2.add(c30, f64x2.mul(x, b0));
    c31 = f64x2.add(c31, f64x2.mul(x, b1));
    off += ak;
    pb += ld;
  }
  storeVec(c, c00, beta);
  storeVec(c + 16, c01, beta);
  if (rows < 2) return;
  c += ld;
  storeVec(c, c10, beta);
  storeVec(c + 16, c11, beta);
  if (rows < 3) return;
  c += ld;
  storeVec(c, c20, beta);
  storeVec(c + 16, c21, beta);
  if (rows < 4) return;
  c += ld;
  storeVec(c, c30, beta);
  storeVec(c + 16, c31, beta);
}

/** 4 rows x 2 columns of C; two k steps per iteration keep 8 accumulators busy. */
function outerTile2(
  a0: usize, a1: usize, a2: usize, a3: usize, ak: usize,
  b: usize, ld: usize, K: i32, c: usize, rows: i32, beta: f64,
): void {
  const z = f64x2.splat(0);
  let c0 = z, c1 = z, c2 = z, c3 = z, d0 = z, d1 = z, d2 = z, d3 = z;
  let off: usize = 0;
  let pb = b;
  let k = 0;
  for (; k + 2 <= K; k += 2) {
    const b0 = v128.load(pb);
    const b1 = v128.load(pb + ld);
    const off1 = off + ak;
    c0 = f64x2.add(c0, f64x2.mul(v128.load64_splat(a0 + off), b0));
    d0 = f64x2.add(d0, f64x2.mul(v128.load64_splat(a0 + off1), b1));
    c1 = f64x2.add(c1, f64x2.mul(v128.load64_splat(a1 + off), b0));
    d1 = f64x2.add(d1, f64x2.mul(v128.load64_splat(a1 + off1), b1));
    c2 = f64x2.add(c2, f64x2.mul(v128.load64_splat(a2 + off), b0));
    d2 = f64x2.add(d2, f64x2.mul(v128.load64_splat(a2 + off1), b1));
    c3 = f64x2.add(c3, f64x2.mul(v128.load64_splat(a3 + off), b0));
    d3 = f64x2.add(d3, f64x2.mul(v128.load64_splat(a3 + off1), b1));
    off = off1 + ak;
    pb += ld << 1;
  }
  if (k < K) {
    const b0 = v128.load(pb);
    c0 = f64x2.add(c0, f64x2.mul(v128.load64_splat(a0 + off), b0));
    c1 = f64x2.add(c1, f64x2.mul(v128.load64_splat(a1 + off), b0));
    c2 = f64x2.add(c2, f64x2.mul(v128.load64_splat(a2 + off), b0));
    c3 = f64x2.add(c3, f64x2.mul(v128.load64_splat(a3 + off), b0));
  }
  storeVec(c, f64x2.add(c0, d0), beta);
  if (rows < 2) return;
  storeVec(c + ld, f64x2.add(c1, d1), beta);
  if (rows < 3) return;
  storeVec(c + 2 * ld, f64x2.add(c2, d2), beta);
  if (rows < 4) return;
  storeVec(c + 3 * ld, f64x2.add(c3, d3), beta);
}

/** 4 rows x 1 column of C: rows 0,1 and 2,3 share a vector, k unrolled by 2. */
function outerTile1(
  a0: usize, a1: usize, a2: usize, a3: usize, ak: usize,
  b: usize, ld: usize, K: i32, c: usize, rows: i32, beta: f64,
): void {
  const z = f64x2.splat(0);
  let s01 = z, s23 = z, t01 = z, t23 = z;
  let off: usize = 0;
  let pb = b;
  let k = 0;
  for (; k + 2 <= K; k += 2) {
    const x0 = v128.load64_splat(pb);
    const x1 = v128.load64_splat(pb + ld);
    const off1 = off + ak;
    s01 = f64x2.add(s01, f64x2.mul(f64x2.replace_lane(f64x2.splat(load<f64>(a0 + off)), 1, load<f64>(a1 + off)), x0));
    s23 = f64x2.add(s23, f64x2.mul(f64x2.replace_lane(f64x2.splat(load<f64>(a2 + off)), 1, load<f64>(a3 + off)), x0));
    t01 = f64x2.add(t01, f64x2.mul(f64x2.replace_lane(f64x2.splat(load<f64>(a0 + off1)), 1, load<f64>(a1 + off1)), x1));
    t23 = f64x2.add(t23, f64x2.mul(f64x2.replace_lane(f64x2.splat(load<f64>(a2 + off1)), 1, load<f64>(a3 + off1)), x1));
    off = off1 + ak;
    pb += ld << 1;
  }
  if (k < K) {
    const x0 = v128.load64_splat(pb);
    s01 = f64x2.add(s01, f64x2.mul(f64x2.replace_lane(f64x2.splat(load<f64>(a0 + off)), 1, load<f64>(a1 + off)), x0));
    s23 = f64x2.add(s23, f64x2.mul(f64x2.replace_lane(f64x2.splat(load<f64>(a2 + off)), 1, load<f64>(a3 + off)), x0));
  }
  s01 = f64x2.add(s01, t01);
  s23 = f64x2.add(s23, t23);
  storeScalar(c, f64x2.extract_lane(s01, 0), beta);
  if (rows < 2) return;
  storeScalar(c + ld, f64x2.extract_lane(s01, 1), beta);
  if (rows < 3) return;
  storeScalar(c + 2 * ld, f64x2.extract_lane(s23, 0), beta);
  if (rows < 4) return;
  storeScalar(c + 3 * ld, f64x2.extract_lane(s23, 1), beta);
}

// @ts-ignore: decorator
@inline
function hsum(v: v128): f64 {
  return f64x2.extract_lane(v, 0) + f64x2.extract_lane(v, 1);
}

/**
 * 4 rows (a0..a3) x 2 columns (b0, b1: rows of B^T) of C = dot products over
 * k; `cols` = 1 stores only the first column (b1 then aliases b0).
 */
function dotTile(
  a0: usize, a1: usize, a2: usize, a3: usize, b0: usize, b1: usize,
  K: i32, c: usize, ldc: usize, rows: i32, cols: i32, beta: f64,
): void {
  const z = f64x2.splat(0);
  let s00 = z, s01 = z, s10 = z, s11 = z, s20 = z, s21 = z, s30 = z, s31 = z;
  let off: usize = 0;
  let k = 0;
  for (; k + 2 <= K; k += 2) {
    const y0 = v128.load(b0 + off);
    const y1 = v128.load(b1 + off);
    let x = v128.load(a0 + off);
    s00 = f64x2.add(s00, f64x2.mul(x, y0));
    s01 = f64x2.add(s01, f64x2.mul(x, y1));
    x = v128.load(a1 + off);
    s10 = f64x2.add(s10, f64x2.mul(x, y0));
    s11 = f64x2.add(s11, f64x2.mul(x, y1));
    x = v128.load(a2 + off);
    s20 = f64x2.add(s20, f64x2.mul(x, y0));
    s21 = f64x2.add(s21, f64x2.mul(x, y1));
    x = v128.load(a3 + off);
    s30 = f64x2.add(s30, f64x2.mul(x, y0));
    s31 = f64x2.add(s31, f64x2.mul(x, y1));
    off += 16;
  }
  // odd K: the last product lands in lane 0 (lane 1 of a zero vector stays 0)
  if (k < K) {
    const y0 = v128.load64_zero(b0 + off);
    const y1 = v128.load64_zero(b1 + off);
    let x = v128.load64_zero(a0 + off);
    s00 = f64x2.add(s00, f64x2.mul(x, y0));
    s01 = f64x2.add(s01, f64x2.mul(x, y1));
    x = v128.load64_zero(a1 + off);
    s10 = f64x2.add(s10, f64x2.mul(x, y0));
    s11 = f64x2.add(s11, f64x2.mul(x, y1));
    x = v128.load64_zero(a2 + off);
    s20 = f64x2.add(s20, f64x2.mul(x, y0));
    s21 = f64x2.add(s21, f64x2.mul(x, y1));
    x = v128.load64_zero(a3 + off);
    s30 = f64x2.add(s30, f64x2.mul(x, y0));
    s31 = f64x2.add(s31, f64x2.mul(x, y1));
  }
  storeScalar(c, hsum(s00), beta);
  if (cols > 1) storeScalar(c + 8, hsum(s01), beta);
  if (rows < 2) return;
  c += ldc;
  storeScalar(c, hsum(s10), beta);
  if (cols > 1) storeScalar(c + 8, hsum(s11), beta);
  if (rows < 3) return;
  c += ldc;
  storeScalar(c, hsum(s20), beta);
  if (cols > 1) storeScalar(c + 8, hsum(s21), beta);
  if (rows < 4) return;
  c += ldc;
  storeScalar(c, hsum(s30), beta);
  if (cols > 1) storeScalar(c + 8, hsum(s31), beta);
}

/** dst = beta*dst + src^T, src [rows, cols], dst [cols, rows]; 4x4 tiles keep both sides in cache lines. */
export function transposeAdd(src: usize, dst: usize, rows: i32, cols: i32, beta: f64): void {
  for (let i0 = 0; i0 < rows; i0 += 4) {
    const i1 = min(i0 + 4, rows);
    for (let j0 = 0; j0 < cols; j0 += 4) {
      const j1 = min(j0 + 4, cols);
      for (let i = i0; i < i1; i++) {
        for (let j = j0; j < j1; j++) {
          storeScalar(dst + ((<usize>j * rows + i) << 3), load<f64>(src + ((<usize>i * cols + j) << 3)), beta);
        }
      }
    }
  }
}
