// f64x2 path of the closed-form Normal KL (helper of normal.ts, not exported
// from index.ts) for the layout met in practice: each of the four parameters
// is a scalar [1] or the full [rows, cols] array (an encoder's q against a
// fixed or learned p). The exps go through expV; a scalar parameter's
// gradient is summed in a register; an odd last column takes a scalar step.
import { addAt, at, put } from "./access";
import { one, pair } from "./normal-rows";
import { hsum } from "./scalar";
import { expV } from "./simdmath";

/** True when every parameter size is 1 or rows * cols. */
@inline export function klFlatLayout(n0: i32, n1: i32, n2: i32, n3: i32, total: i32): bool {
  return (n0 == 1 || n0 == total) && (n1 == 1 || n1 == total) && (n2 == 1 || n2 == total) && (n3 == 1 || n3 == total);
}

/** normalKLForward for klFlatLayout: out[b] = sum_j c - a + (e^(2(a-c)) + d^2 e^(-2c)) / 2 - 1/2. */
export function normalKLFlat(mq: usize, lsq: usize, mp: usize, lsp: usize, out: usize, rows: i32, cols: i32, n0: i32, n1: i32, n2: i32, n3: i32): void {
  const s0 = n0 == 1, s1 = n1 == 1, s2 = n2 == 1, s3 = n3 == 1;
  const half = f64x2.splat(0.5), two = f64x2.splat(2.0);
  const invVpS = f64x2.splat(Math.exp(-2.0 * load<f64>(lsp))); // used when lsp is a scalar
  for (let b = 0; b < rows; b++) {
    const base = b * cols;
    let acc = f64x2.splat(0.0);
    let j = 0;
    for (; j + 2 <= cols; j += 2) {
      const i = base + j;
      const a = pair(lsq, i, s1), c = pair(lsp, i, s3);
      const d = f64x2.sub(pair(mq, i, s0), pair(mp, i, s2));
      const ratio = expV(f64x2.mul(two, f64x2.sub(a, c)));
      const invVp = s3 ? invVpS : expV(f64x2.mul(f64x2.splat(-2.0), c));
      const t = f64x2.add(f64x2.sub(c, a), f64x2.mul(half, f64x2.add(ratio, f64x2.mul(f64x2.mul(d, d), invVp))));
      acc = f64x2.add(acc, f64x2.sub(t, half));
    }
    let tail = 0.0;
    if (j < cols) {
      const i = base + j;
      const a = one(lsq, i, s1), c = one(lsp, i, s3);
      const d = one(mq, i, s0) - one(mp, i, s2);
      tail = c - a + 0.5 * (Math.exp(2.0 * (a - c)) + d * d * Math.exp(-2.0 * c)) - 0.5;
    }
    put(out, b, hsum(acc) + tail);
  }
}

/** normalKLBackward for klFlatLayout (same formulas; scalar parameters' gradients summed in registers). */
export function normalKLBackwardFlat(
  mq: usize, lsq: usize, mp: usize, lsp: usize, gOut: usize,
  dmq: usize, dlsq: usize, dmp: usize, dlsp: usize, rows: i32, cols: i32, n0: i32, n1: i32, n2: i32, n3: i32,
): void {
  const s0 = n0 == 1, s1 = n1 == 1, s2 = n2 == 1, s3 = n3 == 1;
  const one1 = f64x2.splat(1.0), two = f64x2.splat(2.0);
  const z = f64x2.splat(0.0);
  const invVpS = f64x2.splat(Math.exp(-2.0 * load<f64>(lsp))); // used when lsp is a scalar
  let a0 = z, a1 = z, a2 = z, a3 = z; // register sums for scalar parameters
  let t0 = 0.0, t1 = 0.0, t2 = 0.0, t3 = 0.0;
  for (let b = 0; b < rows; b++) {
    const gs = at(gOut, b);
    const g = f64x2.splat(gs);
    const base = b * cols;
    let j = 0;
    for (; j + 2 <= cols; j += 2) {
      const i = base + j;
      const o = <usize>i << 3;
      const a = pair(lsq, i, s1), c = pair(lsp, i, s3);
      const d = f64x2.sub(pair(mq, i, s0), pair(mp, i, s2));
      const invVp = s3 ? invVpS : expV(f64x2.mul(f64x2.splat(-2.0), c));
      const ratio = expV(f64x2.mul(two, f64x2.sub(a, c)));
      const gm = f64x2.mul(g, f64x2.mul(d, invVp));
      if (dmq) { if (s0) a0 = f64x2.add(a0, gm); else v128.store(dmq + o, f64x2.add(v128.load(dmq + o), gm)); }
      if (dmp) { if (s2) a2 = f64x2.sub(a2, gm); else v128.store(dmp + o, f64x2.sub(v128.load(dmp + o), gm)); }
      if (dlsq) {
        const t = f64x2.mul(g, f64x2.sub(ratio, one1));
        if (s1) a1 = f64x2.add(a1, t); else v128.store(dlsq + o, f64x2.add(v128.load(dlsq + o), t));
      }
      if (dlsp) {
        const t = f64x2.mul(g, f64x2.sub(f64x2.sub(one1, ratio), f64x2.mul(f64x2.mul(d, d), invVp)));
        if (s3) a3 = f64x2.add(a3, t); else v128.store(dlsp + o, f64x2.add(v128.load(dlsp + o), t));
      }
    }
    if (j < cols) {
      const i = base + j;
      const a = one(lsq, i, s1), c = one(lsp, i, s3);
      const d = one(mq, i, s0) - one(mp, i, s2);
      const invVp = Math.exp(-2.0 * c);
      const ratio = Math.exp(2.0 * (a - c));
      const gm = gs * d * invVp;
      if (dmq) { if (s0) t0 += gm; else addAt(dmq, i, gm); }
      if (dmp) { if (s2) t2 -= gm; else addAt(dmp, i, -gm); }
      if (dlsq) { if (s1) t1 += gs * (ratio - 1.0); else addAt(dlsq, i, gs * (ratio - 1.0)); }
      if (dlsp) { const t = gs * (1.0 - ratio - d * d * invVp); if (s3) t3 += t; else addAt(dlsp, i, t); }
    }
  }
  if (dmq && s0) addAt(dmq, 0, hsum(a0) + t0);
  if (dlsq && s1) addAt(dlsq, 0, hsum(a1) + t1);
  if (dmp && s2) addAt(dmp, 0, hsum(a2) + t2);
  if (dlsp && s3) addAt(dlsp, 0, hsum(a3) + t3);
}
