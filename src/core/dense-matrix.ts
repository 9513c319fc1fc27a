// Small dense matrix algebra in plain JS (row-major, n up to a few hundred) for
// exact reference posteriors and diagnostics: evaluation only, never on a
// training step.
import { DomainError, ShapeError } from "./errors.js";

/** Lower Cholesky factor L (A = L L^T) of a symmetric positive definite row-major [n * n] matrix. */
export function cholesky(a: ArrayLike<number>, n: number, argument = "a"): Float64Array {
  if (a.length !== n * n) throw new ShapeError(argument, `${n * n} values (an ${n} x ${n} matrix)`, `${a.length} values`);
  const L = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i * n + j];
      for (let k = 0; k < j; k++) s -= L[i * n + k] * L[j * n + k];
      if (i === j) {
        if (!(s > 0)) throw new DomainError(argument, "a positive definite matrix", `pivot ${s} at row ${i}`);
        L[i * n + i] = Math.sqrt(s);
      } else {
        L[i * n + j] = s / L[j * n + j];
      }
    }
  }
  return L;
}

/** Solves L y = b (forward substitution) for lower-triangular L [n * n]. */
export function solveLower(L: ArrayLike<number>, b: ArrayLike<number>, n: number): Float64Array {
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = b[i];
    for (let k = 0; k < i; k++) s -= L[i * n + k] * y[k];
    y[i] = s / L[i * n + i];
  }
  return y;
}

/** Solves L^T y = b (back substitution) for lower-triangular L [n * n]. */
export function solveUpperT(L: ArrayLike<number>, b: ArrayLike<number>, n: number): Float64Array {
  const y = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) {
    let s = b[i];
    for (let k = i + 1; k < n; k++) s -= L[k * n + i] * y[k];
    y[i] = s / L[i * n + i];
  }
  return y;
}

/** A^{-1} from A's Cholesky factor L: column j solves L L^T c = e_j. */
export function inverseFromCholesky(L: ArrayLike<number>, n: number): Float64Array {
  const inv = new Float64Array(n * n);
  const e = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    e.fill(0);
    e[j] = 1;
    const c = solveUpperT(L, solveLower(L, e, n), n);
    for (let i = 0; i < n; i++) inv[i * n + j] = c[i];
  }
  return inv;
}

/** Inverse of L (lower triangular) itself, row-major [n * n]. */
export function invertLower(L: ArrayLike<number>, n: number): Float64Array {
  const inv = new Float64Array(n * n);
  const e = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    e.fill(0);
    e[j] = 1;
    const c = solveLower(L, e, n);
    for (let i = 0; i < n; i++) inv[i * n + j] = c[i];
  }
  return inv;
}

