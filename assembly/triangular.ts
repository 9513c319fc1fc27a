// Lower-triangular matrix kernels for the multivariate Normal (Cholesky
// factor L [d, d], row-major): masking to the lower triangle, the batched
// solve Y[i] = L^{-1} R[i] (forward substitution per row of R [n, d]) and
// log det L = sum_j log L[j, j], each with its accumulating backward. Only
// the lower triangle (diagonal included) of L is read; its upper entries get
// no gradient. Scalar loops (d is small: a latent dimension).
import { at, put, addAt } from "./access";

/** out[j, k] = k <= j ? L[j, k] : 0 */
export function trilForward(L: usize, out: usize, d: i32): void {
  for (let j = 0; j < d; j++) {
    for (let k = 0; k < d; k++) put(out, j * d + k, k <= j ? at(L, j * d + k) : 0.0);
  }
}

/** dL[j, k] += g[j, k] for k <= j */
export function trilBackward(g: usize, dL: usize, d: i32): void {
  for (let j = 0; j < d; j++) {
    for (let k = 0; k <= j; k++) addAt(dL, j * d + k, at(g, j * d + k));
  }
}

/** Y[i, j] = (R[i, j] - sum_{k < j} L[j, k] Y[i, k]) / L[j, j] for each of the n rows */
export function triangularSolveForward(L: usize, R: usize, Y: usize, n: i32, d: i32): void {
  for (let i = 0; i < n; i++) {
    const r = R + (<usize>(i * d) << 3), y = Y + (<usize>(i * d) << 3);
    for (let j = 0; j < d; j++) {
      let s = at(r, j);
      for (let k = 0; k < j; k++) s -= at(L, j * d + k) * at(y, k);
      put(y, j, s / at(L, j * d + j));
    }
  }
}

/**
 * G[i] = L^{-T} gY[i] (back substitution, into the scratch G [n, d]);
 * dR += G, dL[j, k] -= sum_i G[i, j] Y[i, k] for k <= j (0 pointers skip)
 */
export function triangularSolveBackward(L: usize, Y: usize, gY: usize, dR: usize, dL: usize, G: usize, n: i32, d: i32): void {
  for (let i = 0; i < n; i++) {
    const gy = gY + (<usize>(i * d) << 3), gr = G + (<usize>(i * d) << 3), y = Y + (<usize>(i * d) << 3);
    for (let j = d - 1; j >= 0; j--) {
      let s = at(gy, j);
      for (let k = j + 1; k < d; k++) s -= at(L, k * d + j) * at(gr, k);
      put(gr, j, s / at(L, j * d + j));
    }
    if (dR) {
      const dr = dR + (<usize>(i * d) << 3);
      for (let j = 0; j < d; j++) addAt(dr, j, at(gr, j));
    }
    if (dL) {
      for (let j = 0; j < d; j++) {
        const gj = at(gr, j);
        for (let k = 0; k <= j; k++) addAt(dL, j * d + k, -gj * at(y, k));
      }
    }
  }
}

/** out[0] = sum_j log L[j, j] */
export function logDetTriangularForward(L: usize, out: usize, d: i32): void {
  let s = 0.0;
  for (let j = 0; j < d; j++) s += Math.log(at(L, j * d + j));
  put(out, 0, s);
}

/** dL[j, j] += g[0] / L[j, j] */
export function logDetTriangularBackward(L: usize, g: usize, dL: usize, d: i32): void {
  const g0 = at(g, 0);
  for (let j = 0; j < d; j++) addAt(dL, j * d + j, g0 / at(L, j * d + j));
}

/**
 * Flat index of the first entry of L [d, d] that makes it no Cholesky factor
 * (an upper entry != 0, a diagonal entry not finite > 0, a lower entry not
 * finite), else -1
 */
export function firstNotCholesky(L: usize, d: i32): i32 {
  for (let j = 0; j < d; j++) {
    for (let k = 0; k < d; k++) {
      const v = at(L, j * d + k);
      const ok = k > j ? v == 0.0 : k == j ? v > 0 && v < Infinity : isFinite(v);
      if (!ok) return j * d + k;
    }
  }
  return -1;
}
