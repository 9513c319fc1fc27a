// Affine coupling layer (RealNVP, Dinh, Sohl-Dickstein & Bengio 2017,
// "Density estimation using Real NVP"): the columns of x [rows, dim] in the
// transformed set B get an elementwise affine map whose parameters a
// conditioner computed from the other columns; the rest pass unchanged.
//   role[j] = k >= 0: column j is the k-th transformed column; -1: passes.
//   params [rows, 2 nB]: (t_k, a_k) per transformed column k;
//   s = S tanh(a / S) (log-scale softly bounded to (-S, S), s ~ a near 0);
//   forward: y = x e^s + t,       logDet[r] =  sum_k s_k;
//   inverse: y = (x - t) e^-s,    logDet[r] = -sum_k s_k.
// The loops run over a row's few columns, so they are scalar. Backward
// kernels ACCUMULATE; a 0 pointer skips that input or output gradient.
import { at, put, addAt } from "./access";

/** y and logDet of the affine coupling (forward when inverse == 0, else its inverse); see the file comment */
export function affineCouplingForward(
  x: usize, params: usize, role: usize, y: usize, logDet: usize,
  rows: i32, dim: i32, nB: i32, S: f64, inverse: i32,
): void {
  const P = 2 * nB;
  for (let r = 0; r < rows; r++) {
    const xr = x + (<usize>(r * dim) << 3);
    const yr = y + (<usize>(r * dim) << 3);
    const pr = params + (<usize>(r * P) << 3);
    let ld = 0.0;
    for (let j = 0; j < dim; j++) {
      const k = load<i32>(role + (<usize>j << 2));
      const v = at(xr, j);
      if (k < 0) {
        put(yr, j, v);
        continue;
      }
      const t = at(pr, 2 * k);
      const s = S * Math.tanh(at(pr, 2 * k + 1) / S);
      if (inverse) {
        put(yr, j, (v - t) * Math.exp(-s));
        ld -= s;
      } else {
        put(yr, j, v * Math.exp(s) + t);
        ld += s;
      }
    }
    put(logDet, r, ld);
  }
}

/**
 * Backward of affineCouplingForward given the output y: with s' = 1 - tanh^2(a / S),
 *   forward: dx_B += gy e^s, dt += gy, da += (gy x e^s + gLd) s';
 *   inverse: dx_B += gy e^-s, dt -= gy e^-s, da -= (gy y + gLd) s';
 *   dx_A += gy on the passing columns.
 */
export function affineCouplingBackward(
  x: usize, params: usize, role: usize, y: usize, gy: usize, gLd: usize, gx: usize, gParams: usize,
  rows: i32, dim: i32, nB: i32, S: f64, inverse: i32,
): void {
  const P = 2 * nB;
  for (let r = 0; r < rows; r++) {
    const o = <usize>(r * dim) << 3;
    const pr = params + (<usize>(r * P) << 3);
    const gpr = gParams + (<usize>(r * P) << 3);
    const gl = gLd ? at(gLd, r) : 0.0;
    for (let j = 0; j < dim; j++) {
      const k = load<i32>(role + (<usize>j << 2));
      const g = gy ? at(gy + o, j) : 0.0;
      if (k < 0) {
        if (gx) addAt(gx + o, j, g);
        continue;
      }
      const th = Math.tanh(at(pr, 2 * k + 1) / S);
      const ds = 1.0 - th * th;
      const e = Math.exp(inverse ? -S * th : S * th);
      if (gx) addAt(gx + o, j, g * e);
      if (!gParams) continue;
      if (inverse) {
        addAt(gpr, 2 * k, -g * e);
        addAt(gpr, 2 * k + 1, -(g * at(y + o, j) + gl) * ds);
      } else {
        addAt(gpr, 2 * k, g);
        addAt(gpr, 2 * k + 1, (g * at(x + o, j) * e + gl) * ds);
      }
    }
  }
}
