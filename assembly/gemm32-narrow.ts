// Narrow-N micro-kernels of assembly/gemm32.ts (N <= 4): dot-product tiles
// accumulating over k in vector lanes (NN on B^T, NT) and rows-in-lanes
// tiles for TN. Stores write beta*C + acc, reading C only when beta != 0.

import { loadPart } from "./gemm32-tiles";

/**
 * [hsum x0, hsum x1, hsum y0, hsum y1] with hsum v = (v0 + v1) + (v2 + v3),
 * the fixed horizontal summation order of the dot tiles.
 */
// @ts-ignore: decorator
@inline
function hsum4(x0: v128, x1: v128, y0: v128, y1: v128): v128 {
  const p = f32x4.add(i32x4.shuffle(x0, x1, 0, 4, 2, 6), i32x4.shuffle(x0, x1, 1, 5, 3, 7));
  const q = f32x4.add(i32x4.shuffle(y0, y1, 0, 4, 2, 6), i32x4.shuffle(y0, y1, 1, 5, 3, 7));
  return f32x4.add(i64x2.shuffle(p, q, 0, 2), i64x2.shuffle(p, q, 1, 3));
}

/** Stores [r0c0, r0c1, r1c0, r1c1] of beta*C + v into rows c and c + ldc (cols = 1: only c0; rows = 1: only r0). */
// @ts-ignore: decorator
@inline
function store2x2(c: usize, ldc: usize, v: v128, rows: i32, cols: i32, beta: f32): void {
  if (beta != 0) {
    let old = cols > 1 ? v128.load64_zero(c) : v128.load32_zero(c);
    if (rows > 1) old = cols > 1 ? v128.load64_lane(c + ldc, old, 1) : v128.load32_lane(c + ldc, old, 2);
    v = f32x4.add(v, f32x4.mul(f32x4.splat(beta), old));
  }
  if (cols > 1) {
    v128.store64_lane(c, v, 0);
    if (rows > 1) v128.store64_lane(c + ldc, v, 1);
  } else {
    v128.store32_lane(c, v, 0);
    if (rows > 1) v128.store32_lane(c + ldc, v, 2);
  }
}

/**
 * 4 rows (a0..a3) x 2 columns (b0, b1: rows of B^T) of C = dot products over
 * k, lane l summing k = l mod 4; `cols` = 1 stores only the first column (b1
 * then aliases b0).
 */
// @ts-ignore: decorator
@inline
export function dotTile(
  a0: usize, a1: usize, a2: usize, a3: usize, b0: usize, b1: usize,
  K: i32, c: usize, ldc: usize, rows: i32, cols: i32, beta: f32,
): void {
  const z = f32x4.splat(0);
  let s00 = z, s01 = z, s10 = z, s11 = z, s20 = z, s21 = z, s30 = z, s31 = z;
  let off: usize = 0;
  let k = 0;
  for (; k + 4 <= K; k += 4) {
    const y0 = v128.load(b0 + off);
    const y1 = v128.load(b1 + off);
    let x = v128.load(a0 + off);
    s00 = f32x4.add(s00, f32x4.mul(x, y0));
    s01 = f32x4.add(s01, f32x4.mul(x, y1));
    x = v128.load(a1 + off);
    s10 = f32x4.add(s10, f32x4.mul(x, y0));
    s11 = f32x4.add(s11, f32x4.mul(x, y1));
    x = v128.load(a2 + off);
    s20 = f32x4.add(s20, f32x4.mul(x, y0));
    s21 = f32x4.add(s21, f32x4.mul(x, y1));
    x = v128.load(a3 + off);
    s30 = f32x4.add(s30, f32x4.mul(x, y0));
    s31 = f32x4.add(s31, f32x4.mul(x, y1));
    off += 16;
  }
  // K % 4 trailing products land in the low lanes (zeros above add nothing)
  if (k < K) {
    const n = K - k;
    const y0 = loadPart(b0 + off, n);
    const y1 = loadPart(b1 + off, n);
    let x = loadPart(a0 + off, n);
    s00 = f32x4.add(s00, f32x4.mul(x, y0));
    s01 = f32x4.add(s01, f32x4.mul(x, y1));
    x = loadPart(a1 + off, n);
    s10 = f32x4.add(s10, f32x4.mul(x, y0));
    s11 = f32x4.add(s11, f32x4.mul(x, y1));
    x = loadPart(a2 + off, n);
    s20 = f32x4.add(s20, f32x4.mul(x, y0));
    s21 = f32x4.add(s21, f32x4.mul(x, y1));
    x = loadPart(a3 + off, n);
    s30 = f32x4.add(s30, f32x4.mul(x, y0));
    s31 = f32x4.add(s31, f32x4.mul(x, y1));
  }
  store2x2(c, ldc, hsum4(s00, s01, s10, s11), rows, cols, beta);
  if (rows < 3) return;
  store2x2(c + 2 * ldc, ldc, hsum4(s20, s21, s30, s31), rows - 2, cols, beta);
}

/**
 * 8 rows (a, a + lda, ...) x 1 column (b: a row of B^T) of C = dot products
 * over k, with the lane order of dotTile; `rows` (1..8) rows are stored, the
 * missing ones alias the last valid row.
 */
export function dotTile1(a: usize, lda: usize, b: usize, K: i32, c: usize, ldc: usize, rows: i32, beta: f32): void {
  const a1 = rows > 1 ? a + lda : a;
  const a2 = rows > 2 ? a1 + lda : a1;
  const a3 = rows > 3 ? a2 + lda : a2;
  const a4 = rows > 4 ? a3 + lda : a3;
  const a5 = rows > 5 ? a4 + lda : a4;
  const a6 = rows > 6 ? a5 + lda : a5;
  const a7 = rows > 7 ? a6 + lda : a6;
  const z = f32x4.splat(0);
  let s0 = z, s1 = z, s2 = z, s3 = z, s4 = z, s5 = z, s6 = z, s7 = z;
  let off: usize = 0;
  let k = 0;
  for (; k + 4 <= K; k += 4, off += 16) {
    const y = v128.load(b + off);
    s0 = f32x4.add(s0, f32x4.mul(v128.load(a + off), y));
    s1 = f32x4.add(s1, f32x4.mul(v128.load(a1 + off), y));
    s2 = f32x4.add(s2, f32x4.mul(v128.load(a2 + off), y));
    s3 = f32x4.add(s3, f32x4.mul(v128.load(a3 + off), y));
    s4 = f32x4.add(s4, f32x4.mul(v128.load(a4 + off), y));
    s5 = f32x4.add(s5, f32x4.mul(v128.load(a5 + off), y));
    s6 = f32x4.add(s6, f32x4.mul(v128.load(a6 + off), y));
    s7 = f32x4.add(s7, f32x4.mul(v128.load(a7 + off), y));
  }
  if (k < K) {
    const n = K - k;
    const y = loadPart(b + off, n);
    s0 = f32x4.add(s0, f32x4.mul(loadPart(a + off, n), y));
    s1 = f32x4.add(s1, f32x4.mul(loadPart(a1 + off, n), y));
    s2 = f32x4.add(s2, f32x4.mul(loadPart(a2 + off, n), y));
    s3 = f32x4.add(s3, f32x4.mul(loadPart(a3 + off, n), y));
    s4 = f32x4.add(s4, f32x4.mul(loadPart(a4 + off, n), y));
    s5 = f32x4.add(s5, f32x4.mul(loadPart(a5 + off, n), y));
    s6 = f32x4.add(s6, f32x4.mul(loadPart(a6 + off, n), y));
    s7 = f32x4.add(s7, f32x4.mul(loadPart(a7 + off, n), y));
  }
  storeColumn(c, ldc, hsum4(s0, s1, s2, s3), rows, beta);
  storeColumn(c + (ldc << 2), ldc, hsum4(s4, s5, s6, s7), rows - 4, beta);
}

/** Up to 4 f32 at p: r >= 4 a full vector, r <= 0 zeros, else the first r (never reads past them). */
// @ts-ignore: decorator
@inline
function loadRows(p: usize, r: i32): v128 {
  return r >= 4 ? v128.load(p) : r <= 0 ? f32x4.splat(0) : loadPart(p, r);
}

/** Stores the first r (up to 4) lanes of beta*C + acc at p, p + ld, p + 2 ld, p + 3 ld (one column of C). */
// @ts-ignore: decorator
@inline
function storeColumn(p: usize, ld: usize, acc: v128, r: i32, beta: f32): void {
  if (r <= 0) return;
  store<f32>(p, beta == 0 ? f32x4.extract_lane(acc, 0) : f32x4.extract_lane(acc, 0) + beta * load<f32>(p));
  if (r <= 1) return;
  p += ld;
  store<f32>(p, beta == 0 ? f32x4.extract_lane(acc, 1) : f32x4.extract_lane(acc, 1) + beta * load<f32>(p));
  if (r <= 2) return;
  p += ld;
  store<f32>(p, beta == 0 ? f32x4.extract_lane(acc, 2) : f32x4.extract_lane(acc, 2) + beta * load<f32>(p));
  if (r <= 3) return;
  p += ld;
  store<f32>(p, beta == 0 ? f32x4.extract_lane(acc, 3) : f32x4.extract_lane(acc, 3) + beta * load<f32>(p));
}

/**
 * TN with n (1..4) columns: rows of C in vector lanes, C(i, j) += A(k, i) *
 * B(k, j), one accumulator per element summed in k order. 16 rows per tile
 * for n <= 2, else 8 (8 accumulators); `rows` (1..16 or 1..8) rows of A/C
 * exist (no reads past them).
 */
export function narrowTileTN(a: usize, lda: usize, b: usize, ldb: usize, K: i32, c: usize, ldc: usize, rows: i32, n: i32, beta: f32): void {
  if (n == 1) narrowTile16N(a, lda, b, ldb, K, c, ldc, rows, 1, beta);
  else if (n == 2) narrowTile16N(a, lda, b, ldb, K, c, ldc, rows, 2, beta);
  else if (n == 3) narrowTileN(a, lda, b, ldb, K, c, ldc, rows, 3, beta);
  else narrowTileN(a, lda, b, ldb, K, c, ldc, rows, 4, beta);
}

/** Rows per narrowTileTN tile for n columns. */
export function narrowTileRows(n: i32): i32 {
  return n <= 2 ? 16 : 8;
}

// @ts-ignore: decorator
@inline
function narrowTile16N(a: usize, lda: usize, b: usize, ldb: usize, K: i32, c: usize, ldc: usize, rows: i32, n: i32, beta: f32): void {
  const z = f32x4.splat(0);
  let u0 = z, u1 = z, u2 = z, u3 = z, w0 = z, w1 = z, w2 = z, w3 = z;
  let pa = a, pb = b;
  for (let k = 0; k < K; k++, pa += lda, pb += ldb) {
    const full = rows >= 16;
    const x0 = full ? v128.load(pa) : loadRows(pa, rows);
    const x1 = full ? v128.load(pa, 16) : loadRows(pa + 16, rows - 4);
    const x2 = full ? v128.load(pa, 32) : loadRows(pa + 32, rows - 8);
    const x3 = full ? v128.load(pa, 48) : loadRows(pa + 48, rows - 12);
    const y = v128.load32_splat(pb);
    u0 = f32x4.add(u0, f32x4.mul(x0, y));
    u1 = f32x4.add(u1, f32x4.mul(x1, y));
    u2 = f32x4.add(u2, f32x4.mul(x2, y));
    u3 = f32x4.add(u3, f32x4.mul(x3, y));
    if (n > 1) {
      const y1 = v128.load32_splat(pb + 4);
      w0 = f32x4.add(w0, f32x4.mul(x0, y1));
      w1 = f32x4.add(w1, f32x4.mul(x1, y1));
      w2 = f32x4.add(w2, f32x4.mul(x2, y1));
      w3 = f32x4.add(w3, f32x4.mul(x3, y1));
    }
  }
  const l4 = ldc << 2;
  storeColumn(c, ldc, u0, rows, beta);
  storeColumn(c + l4, ldc, u1, rows - 4, beta);
  storeColumn(c + 2 * l4, ldc, u2, rows - 8, beta);
  storeColumn(c + 3 * l4, ldc, u3, rows - 12, beta);
  if (n > 1) {
    storeColumn(c + 4, ldc, w0, rows, beta);
    storeColumn(c + l4 + 4, ldc, w1, rows - 4, beta);
    storeColumn(c + 2 * l4 + 4, ldc, w2, rows - 8, beta);
    storeColumn(c + 3 * l4 + 4, ldc, w3, rows - 12, beta);
  }
}

// @ts-ignore: decorator
@inline
function narrowTileN(a: usize, lda: usize, b: usize, ldb: usize, K: i32, c: usize, ldc: usize, rows: i32, n: i32, beta: f32): void {
  const z = f32x4.splat(0);
  let u0 = z, v0 = z, u1 = z, v1 = z, u2 = z, v2 = z, u3 = z, v3 = z;
  let pa = a, pb = b;
  for (let k = 0; k < K; k++, pa += lda, pb += ldb) {
    const lo = rows >= 8 ? v128.load(pa) : loadRows(pa, rows);
    const hi = rows >= 8 ? v128.load(pa, 16) : loadRows(pa + 16, rows - 4);
    let y = v128.load32_splat(pb);
    u0 = f32x4.add(u0, f32x4.mul(lo, y));
    v0 = f32x4.add(v0, f32x4.mul(hi, y));
    if (n > 1) {
      y = v128.load32_splat(pb + 4);
      u1 = f32x4.add(u1, f32x4.mul(lo, y));
      v1 = f32x4.add(v1, f32x4.mul(hi, y));
    }
    if (n > 2) {
      y = v128.load32_splat(pb + 8);
      u2 = f32x4.add(u2, f32x4.mul(lo, y));
      v2 = f32x4.add(v2, f32x4.mul(hi, y));
    }
    if (n > 3) {
      y = v128.load32_splat(pb + 12);
      u3 = f32x4.add(u3, f32x4.mul(lo, y));
      v3 = f32x4.add(v3, f32x4.mul(hi, y));
    }
  }
  const c4 = c + (ldc << 2);
  storeColumn(c, ldc, u0, rows, beta);
  storeColumn(c4, ldc, v0, rows - 4, beta);
  if (n > 1) {
    storeColumn(c + 4, ldc, u1, rows, beta);
    storeColumn(c4 + 4, ldc, v1, rows - 4, beta);
  }
  if (n > 2) {
    storeColumn(c + 8, ldc, u2, rows, beta);
    storeColumn(c4 + 8, ldc, v2, rows - 4, beta);
  }
  if (n > 3) {
    storeColumn(c + 12, ldc, u3, rows, beta);
    storeColumn(c4 + 12, ldc, v3, rows - 4, beta);
  }
}
