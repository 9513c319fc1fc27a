// Per-row lower-triangular factors, packed, with a log diagonal: the
// Cholesky factor of a full-rank Gaussian family in which every row has its
// own factor (A-VI: L_i comes out of an inference network). Row i of
// Lp [rows, T], T = d(d+1)/2, holds the lower triangle of L_i row by row:
// entry (j, k), k <= j, at j(j+1)/2 + k, the diagonal (k = j) stored as
// log L_jj, so every real vector is a valid factor. Kernels: y = L x, the
// forward substitution y = L^{-1} r and log det L = sum_j log L_jj, each with
// its accumulating backward (a 0 pointer skips that gradient). Scalar loops:
// d is a latent dimension (small); the work per row is d^2 / 2.
import { at, put, addAt } from "./access";

/** Offset of row j of the packed triangle. */
@inline function rowStart(j: i32): i32 {
  return (j * (j + 1)) >> 1;
}

/** Address of row i of a [rows, width] buffer. */
@inline function row(p: usize, i: i32, width: i32): usize {
  return p + (<usize>(i * width) << 3);
}

/** y[i, j] = sum_{k < j} L_i[j, k] x[i, k] + exp(Lp_i[j, j]) x[i, j] */
export function packedTrilMatVecForward(L: usize, x: usize, y: usize, rows: i32, d: i32): void {
  const T = rowStart(d);
  for (let i = 0; i < rows; i++) {
    const l = row(L, i, T), xi = row(x, i, d), yi = row(y, i, d);
    for (let j = 0; j < d; j++) {
      const o = rowStart(j);
      let s = Math.exp(at(l, o + j)) * at(xi, j);
      for (let k = 0; k < j; k++) s += at(l, o + k) * at(xi, k);
      put(yi, j, s);
    }
  }
}

/** dL[j, k] += g_j x_k (k < j), dLp[j, j] += g_j L_jj x_j; dx_k += sum_{j >= k} L[j, k] g_j */
export function packedTrilMatVecBackward(L: usize, x: usize, gY: usize, dL: usize, dx: usize, rows: i32, d: i32): void {
  const T = rowStart(d);
  for (let i = 0; i < rows; i++) {
    const l = row(L, i, T), xi = row(x, i, d), g = row(gY, i, d);
    const dl = row(dL, i, T), dxi = row(dx, i, d);
    for (let j = 0; j < d; j++) {
      const o = rowStart(j);
      const gj = at(g, j);
      const ljj = Math.exp(at(l, o + j));
      if (dL) {
        for (let k = 0; k < j; k++) addAt(dl, o + k, gj * at(xi, k));
        addAt(dl, o + j, gj * ljj * at(xi, j));
      }
      if (dx) {
        for (let k = 0; k < j; k++) addAt(dxi, k, at(l, o + k) * gj);
        addAt(dxi, j, ljj * gj);
      }
    }
  }
}

/** y[i, j] = (r[i, j] - sum_{k < j} L_i[j, k] y[i, k]) / L_i[j, j] (forward substitution per row) */
export function packedTrilSolveForward(L: usize, r: usize, y: usize, rows: i32, d: i32): void {
  const T = rowStart(d);
  for (let i = 0; i < rows; i++) {
    const l = row(L, i, T), ri = row(r, i, d), yi = row(y, i, d);
    for (let j = 0; j < d; j++) {
      const o = rowStart(j);
      let s = at(ri, j);
      for (let k = 0; k < j; k++) s -= at(l, o + k) * at(yi, k);
      put(yi, j, s * Math.exp(-at(l, o + j)));
    }
  }
}

/**
 * G = L_i^{-T} gY[i] (back substitution into the scratch G of d values);
 * dr += G; dL[j, k] -= G_j y_k (k < j), dLp[j, j] -= G_j y_j L_jj
 */
export function packedTrilSolveBackward(L: usize, y: usize, gY: usize, dL: usize, dr: usize, G: usize, rows: i32, d: i32): void {
  const T = rowStart(d);
  for (let i = 0; i < rows; i++) {
    const l = row(L, i, T), yi = row(y, i, d), g = row(gY, i, d);
    for (let j = d - 1; j >= 0; j--) {
      let s = at(g, j);
      for (let k = j + 1; k < d; k++) s -= at(l, rowStart(k) + j) * at(G, k);
      put(G, j, s * Math.exp(-at(l, rowStart(j) + j)));
    }
    if (dr) {
      const dri = row(dr, i, d);
      for (let j = 0; j < d; j++) addAt(dri, j, at(G, j));
    }
    if (dL) {
      const dl = row(dL, i, T);
      for (let j = 0; j < d; j++) {
        const o = rowStart(j);
        const gj = at(G, j);
        for (let k = 0; k < j; k++) addAt(dl, o + k, -gj * at(yi, k));
        addAt(dl, o + j, -gj * at(yi, j) * Math.exp(at(l, o + j)));
      }
    }
  }
}

/** out[i] = log det L_i = sum_j Lp_i[j, j] (the stored log diagonal) */
export function packedTrilLogDetForward(L: usize, out: usize, rows: i32, d: i32): void {
  const T = rowStart(d);
  for (let i = 0; i < rows; i++) {
    const l = row(L, i, T);
    let s = 0.0;
    for (let j = 0; j < d; j++) s += at(l, rowStart(j) + j);
    put(out, i, s);
  }
}

/** dLp_i[j, j] += g[i] */
export function packedTrilLogDetBackward(g: usize, dL: usize, rows: i32, d: i32): void {
  const T = rowStart(d);
  for (let i = 0; i < rows; i++) {
    const dl = row(dL, i, T);
    const gi = at(g, i);
    for (let j = 0; j < d; j++) addAt(dl, rowStart(j) + j, gi);
  }
}
