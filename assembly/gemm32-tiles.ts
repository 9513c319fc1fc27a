// Outer-product f32x4 micro-kernels of assembly/gemm32.ts. Tiles compute 4
// rows (a0..a3; 2 for outerTile2x16; aliased rows are computed, not stored:
// `rows` = rows to store) and write C = beta*C + acc, reading C only when
// beta != 0.

// @ts-ignore: decorator
@inline
function storeVec(p: usize, acc: v128, beta: f32): void {
  v128.store(p, beta == 0 ? acc : f32x4.add(acc, f32x4.mul(f32x4.splat(beta), v128.load(p))));
}

/** The first n (1..3) f32 at p in the low lanes, zeros above. */
// @ts-ignore: decorator
@inline
export function loadPart(p: usize, n: i32): v128 {
  if (n == 1) return v128.load32_zero(p);
  const v = v128.load64_zero(p);
  return n == 2 ? v : v128.load32_lane(p, v, 2, 8);
}

/** Stores the low n (1..3) lanes of beta*C + acc at p. */
// @ts-ignore: decorator
@inline
function storePart(p: usize, acc: v128, n: i32, beta: f32): void {
  const v = beta == 0 ? acc : f32x4.add(acc, f32x4.mul(f32x4.splat(beta), loadPart(p, n)));
  if (n == 1) {
    v128.store32_lane(p, v, 0);
  } else {
    v128.store64_lane(p, v, 0);
    if (n == 3) v128.store32_lane(p, v, 2, 8);
  }
}

/** 4 rows x 8 columns of C = op(A) B (ldb, ldc: byte row strides of B and C; ak: k stride of op(A)). */
// @ts-ignore: decorator
@inline
export function outerTile8(
  a0: usize, a1: usize, a2: usize, a3: usize, ak: usize,
  b: usize, ldb: usize, K: i32, c: usize, ldc: usize, rows: i32, beta: f32,
): void {
  const z = f32x4.splat(0);
  let c00 = z, c01 = z, c10 = z, c11 = z, c20 = z, c21 = z, c30 = z, c31 = z;
  let off: usize = 0;
  let pb = b;
  for (let k = 0; k < K; k++) {
    const b0 = v128.load(pb);
    const b1 = v128.load(pb, 16);
    let x = v128.load32_splat(a0 + off);
    c00 = f32x4.add(c00, f32x4.mul(x, b0));
    c01 = f32x4.add(c01, f32x4.mul(x, b1));
    x = v128.load32_splat(a1 + off);
    c10 = f32x4.add(c10, f32x4.mul(x, b0));
    c11 = f32x4.add(c11, f32x4.mul(x, b1));
    x = v128.load32_splat(a2 + off);
    c20 = f32x4.add(c20, f32x4.mul(x, b0));
    c21 = f32x4.add(c21, f32x4.mul(x, b1));
    x = v128.load32_splat(a3 + off);
    c30 = f32x4.add(c30, f32x4.mul(x, b0));
    c31 = f32x4.add(c31, f32x4.mul(x, b1));
    off += ak;
    pb += ldb;
  }
  storeVec(c, c00, beta);
  storeVec(c + 16, c01, beta);
  if (rows < 2) return;
  c += ldc;
  storeVec(c, c10, beta);
  storeVec(c + 16, c11, beta);
  if (rows < 3) return;
  c += ldc;
  storeVec(c, c20, beta);
  storeVec(c + 16, c21, beta);
  if (rows < 4) return;
  c += ldc;
  storeVec(c, c30, beta);
  storeVec(c + 16, c31, beta);
}

/**
 * 2 rows x 16 columns of C for row tails of at most 2 rows (rows = 1 stores
 * only the first): columns 0..7 of B at b, 8..15 at b2 (row stride ldb each);
 * per element the same k order as outerTile8.
 */
export function outerTile2x16(
  a0: usize, a1: usize, ak: usize,
  b: usize, b2: usize, ldb: usize, K: i32, c: usize, ldc: usize, rows: i32, beta: f32,
): void {
  const z = f32x4.splat(0);
  let c00 = z, c01 = z, c02 = z, c03 = z, c10 = z, c11 = z, c12 = z, c13 = z;
  let off: usize = 0;
  let pb: usize = 0;
  for (let k = 0; k < K; k++) {
    const y0 = v128.load(b + pb);
    const y1 = v128.load(b + pb, 16);
    const y2 = v128.load(b2 + pb);
    const y3 = v128.load(b2 + pb, 16);
    let x = v128.load32_splat(a0 + off);
    c00 = f32x4.add(c00, f32x4.mul(x, y0));
    c01 = f32x4.add(c01, f32x4.mul(x, y1));
    c02 = f32x4.add(c02, f32x4.mul(x, y2));
    c03 = f32x4.add(c03, f32x4.mul(x, y3));
    x = v128.load32_splat(a1 + off);
    c10 = f32x4.add(c10, f32x4.mul(x, y0));
    c11 = f32x4.add(c11, f32x4.mul(x, y1));
    c12 = f32x4.add(c12, f32x4.mul(x, y2));
    c13 = f32x4.add(c13, f32x4.mul(x, y3));
    off += ak;
    pb += ldb;
  }
  storeVec(c, c00, beta);
  storeVec(c + 16, c01, beta);
  storeVec(c + 32, c02, beta);
  storeVec(c + 48, c03, beta);
  if (rows < 2) return;
  c += ldc;
  storeVec(c, c10, beta);
  storeVec(c + 16, c11, beta);
  storeVec(c + 32, c12, beta);
  storeVec(c + 48, c13, beta);
}

/** 4 rows x 4 columns of C; two k steps per iteration keep 8 accumulators busy (even + odd k). */
export function outerTile4(
  a0: usize, a1: usize, a2: usize, a3: usize, ak: usize,
  b: usize, ldb: usize, K: i32, c: usize, ldc: usize, rows: i32, beta: f32,
): void {
  const z = f32x4.splat(0);
  let c0 = z, c1 = z, c2 = z, c3 = z, d0 = z, d1 = z, d2 = z, d3 = z;
  let off: usize = 0;
  let pb = b;
  let k = 0;
  for (; k + 2 <= K; k += 2) {
    const b0 = v128.load(pb);
    const b1 = v128.load(pb + ldb);
    const off1 = off + ak;
    c0 = f32x4.add(c0, f32x4.mul(v128.load32_splat(a0 + off), b0));
    d0 = f32x4.add(d0, f32x4.mul(v128.load32_splat(a0 + off1), b1));
    c1 = f32x4.add(c1, f32x4.mul(v128.load32_splat(a1 + off), b0));
    d1 = f32x4.add(d1, f32x4.mul(v128.load32_splat(a1 + off1), b1));
    c2 = f32x4.add(c2, f32x4.mul(v128.load32_splat(a2 + off), b0));
    d2 = f32x4.add(d2, f32x4.mul(v128.load32_splat(a2 + off1), b1));
    c3 = f32x4.add(c3, f32x4.mul(v128.load32_splat(a3 + off), b0));
    d3 = f32x4.add(d3, f32x4.mul(v128.load32_splat(a3 + off1), b1));
    off = off1 + ak;
    pb += ldb << 1;
  }
  if (k < K) {
    const b0 = v128.load(pb);
    c0 = f32x4.add(c0, f32x4.mul(v128.load32_splat(a0 + off), b0));
    c1 = f32x4.add(c1, f32x4.mul(v128.load32_splat(a1 + off), b0));
    c2 = f32x4.add(c2, f32x4.mul(v128.load32_splat(a2 + off), b0));
    c3 = f32x4.add(c3, f32x4.mul(v128.load32_splat(a3 + off), b0));
  }
  storeVec(c, f32x4.add(c0, d0), beta);
  if (rows < 2) return;
  storeVec(c + ldc, f32x4.add(c1, d1), beta);
  if (rows < 3) return;
  storeVec(c + 2 * ldc, f32x4.add(c2, d2), beta);
  if (rows < 4) return;
  storeVec(c + 3 * ldc, f32x4.add(c3, d3), beta);
}

/** 4 rows x n (1..3) columns of C: outerTile4 on partial vectors (unused lanes are zero, never stored). */
export function outerTilePart(
  a0: usize, a1: usize, a2: usize, a3: usize, ak: usize,
  b: usize, ldb: usize, K: i32, c: usize, ldc: usize, rows: i32, n: i32, beta: f32,
): void {
  if (n == 1) outerTilePartN(a0, a1, a2, a3, ak, b, ldb, K, c, ldc, rows, 1, beta);
  else if (n == 2) outerTilePartN(a0, a1, a2, a3, ak, b, ldb, K, c, ldc, rows, 2, beta);
  else outerTilePartN(a0, a1, a2, a3, ak, b, ldb, K, c, ldc, rows, 3, beta);
}

// @ts-ignore: decorator
@inline
function outerTilePartN(
  a0: usize, a1: usize, a2: usize, a3: usize, ak: usize,
  b: usize, ldb: usize, K: i32, c: usize, ldc: usize, rows: i32, n: i32, beta: f32,
): void {
  const z = f32x4.splat(0);
  let c0 = z, c1 = z, c2 = z, c3 = z, d0 = z, d1 = z, d2 = z, d3 = z;
  let off: usize = 0;
  let pb = b;
  let k = 0;
  for (; k + 2 <= K; k += 2) {
    const b0 = loadPart(pb, n);
    const b1 = loadPart(pb + ldb, n);
    const off1 = off + ak;
    c0 = f32x4.add(c0, f32x4.mul(v128.load32_splat(a0 + off), b0));
    d0 = f32x4.add(d0, f32x4.mul(v128.load32_splat(a0 + off1), b1));
    c1 = f32x4.add(c1, f32x4.mul(v128.load32_splat(a1 + off), b0));
    d1 = f32x4.add(d1, f32x4.mul(v128.load32_splat(a1 + off1), b1));
    c2 = f32x4.add(c2, f32x4.mul(v128.load32_splat(a2 + off), b0));
    d2 = f32x4.add(d2, f32x4.mul(v128.load32_splat(a2 + off1), b1));
    c3 = f32x4.add(c3, f32x4.mul(v128.load32_splat(a3 + off), b0));
    d3 = f32x4.add(d3, f32x4.mul(v128.load32_splat(a3 + off1), b1));
    off = off1 + ak;
    pb += ldb << 1;
  }
  if (k < K) {
    const b0 = loadPart(pb, n);
    c0 = f32x4.add(c0, f32x4.mul(v128.load32_splat(a0 + off), b0));
    c1 = f32x4.add(c1, f32x4.mul(v128.load32_splat(a1 + off), b0));
    c2 = f32x4.add(c2, f32x4.mul(v128.load32_splat(a2 + off), b0));
    c3 = f32x4.add(c3, f32x4.mul(v128.load32_splat(a3 + off), b0));
  }
  storePart(c, f32x4.add(c0, d0), n, beta);
  if (rows < 2) return;
  storePart(c + ldc, f32x4.add(c1, d1), n, beta);
  if (rows < 3) return;
  storePart(c + 2 * ldc, f32x4.add(c2, d2), n, beta);
  if (rows < 4) return;
  storePart(c + 3 * ldc, f32x4.add(c3, d3), n, beta);
}
