// Packing of B blocks for assembly/gemm32.ts. A packed kc x nc block is a
// sequence of column strips of the tile widths outerRow uses (8, then 4,
// then nc % 4), each strip k-major: column js + t of the strip of width w at
// dst + (js*kc + k*w + t)*4. The tiles then read B as one sequential stream.

/** Packs the kc x nc block with element (k, j) at b + k*bk + j*bj (bj = 4: rows of B; bk = 4: rows of B^T). */
export function packB(b: usize, bk: usize, bj: usize, dst: usize, kc: i32, nc: i32): void {
  let j = 0;
  for (; j + 8 <= nc; j += 8) dst = packStrip(b + <usize>j * bj, bk, bj, dst, kc, 8);
  if (j + 4 <= nc) {
    dst = packStrip(b + <usize>j * bj, bk, bj, dst, kc, 4);
    j += 4;
  }
  if (j < nc) packStrip(b + <usize>j * bj, bk, bj, dst, kc, nc - j);
}

/** One strip of w columns; returns the end of the strip. */
function packStrip(b: usize, bk: usize, bj: usize, dst: usize, kc: i32, w: i32): usize {
  let k = 0;
  if (bj == 4 && w >= 4) {
    // rows of B: copy w contiguous floats per k
    for (; k < kc; k++, b += bk, dst += <usize>w << 2) {
      v128.store(dst, v128.load(b));
      if (w == 8) v128.store(dst, v128.load(b, 16), 16);
    }
    return dst;
  }
  if (bk == 4 && w == 8) {
    // rows of B^T: transpose 4 k x 4 columns at a time
    for (; k + 4 <= kc; k += 4, b += 16, dst += 128) {
      transpose4(b, bj, dst);
      transpose4(b + 4 * bj, bj, dst + 16);
    }
  }
  for (; k < kc; k++, b += bk) {
    for (let t = 0; t < w; t++, dst += 4) store<f32>(dst, load<f32>(b + <usize>t * bj));
  }
  return dst;
}

/** Rows j = 0..3 (at b + j*bj) of 4 k each, stored as 4 k-rows of 4 columns at dst + k*32. */
// @ts-ignore: decorator
@inline
function transpose4(b: usize, bj: usize, dst: usize): void {
  const r0 = v128.load(b), r1 = v128.load(b + bj), r2 = v128.load(b + 2 * bj), r3 = v128.load(b + 3 * bj);
  const t0 = i32x4.shuffle(r0, r1, 0, 4, 1, 5);
  const t1 = i32x4.shuffle(r2, r3, 0, 4, 1, 5);
  const t2 = i32x4.shuffle(r0, r1, 2, 6, 3, 7);
  const t3 = i32x4.shuffle(r2, r3, 2, 6, 3, 7);
  v128.store(dst, i64x2.shuffle(t0, t1, 0, 2));
  v128.store(dst, i64x2.shuffle(t0, t1, 1, 3), 32);
  v128.store(dst, i64x2.shuffle(t2, t3, 0, 2), 64);
  v128.store(dst, i64x2.shuffle(t2, t3, 1, 3), 96);
}

/** dst = src^T, src [rows, cols], dst [cols, rows] (f32); 4x4 blocks keep both sides in cache lines. */
export function transpose32(src: usize, dst: usize, rows: i32, cols: i32): void {
  for (let i0 = 0; i0 < rows; i0 += 4) {
    const i1 = min(i0 + 4, rows);
    for (let j0 = 0; j0 < cols; j0 += 4) {
      const j1 = min(j0 + 4, cols);
      for (let i = i0; i < i1; i++) {
        for (let j = j0; j < j1; j++) {
          store<f32>(dst + ((<usize>j * rows + i) << 2), load<f32>(src + ((<usize>i * cols + j) << 2)));
        }
      }
    }
  }
}
