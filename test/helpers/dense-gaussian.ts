import { cholesky } from "../../src/core/dense-matrix.js";

/** log N(x; 0, C) by a dense Cholesky and forward substitution (a reference independent of the models' per-row terms). */
export function logNormalDense(x: ArrayLike<number>, C: ArrayLike<number>): number {
  const n = x.length;
  const L = cholesky(C, n);
  const y = new Float64Array(n);
  let v = -0.5 * n * Math.log(2 * Math.PI);
  for (let i = 0; i < n; i++) {
    let s = x[i];
    for (let k = 0; k < i; k++) s -= L[i * n + k] * y[k];
    y[i] = s / L[i * n + i];
    v -= 0.5 * y[i] ** 2 + Math.log(L[i * n + i]);
  }
  return v;
}
