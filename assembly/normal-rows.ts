// f64x2 paths of the Normal log-density and reparameterized-sample kernels
// (helpers of normal.ts, not exported from index.ts) for the broadcast layouts
// met in practice: each parameter is a scalar [1], one row [cols] or the full
// [rows, cols] array. The exps go through expV (simdmath.ts); a scalar
// parameter's gradient is summed in a register. An odd last column takes a
// scalar step.
import { at, addAt, put } from "./access";
import { hsum } from "./scalar";
import { expV } from "./simdmath";

const HALF_LOG_2PI: f64 = 0.9189385332046727;

/** True when a parameter of n elements is a scalar, a row of cols, or the full rows x cols array. */
@inline export function rowLayout(n: i32, rows: i32, cols: i32): bool {
  return n == 1 || n == cols || n == rows * cols;
}

/** Byte offset of row b of a parameter of n elements (0 for a scalar or a single row). */
@inline function rowOffset(n: i32, b: i32, cols: i32): usize {
  return n == 1 || n == cols ? 0 : (<usize>b * cols) << 3; // else n is the full rows x cols
}

/** Elements j, j+1 of a row (or of a flat array), or the scalar on both lanes. */
@inline export function pair(p: usize, j: i32, scalar: bool): v128 {
  return scalar ? v128.load64_splat(p) : v128.load(p + (<usize>j << 3));
}

/** Element j, or the scalar. */
@inline export function one(p: usize, j: i32, scalar: bool): f64 {
  return scalar ? load<f64>(p) : at(p, j);
}

/** normalLogProbForward for rowLayout parameters. */
export function normalLogProbRows(x: usize, mean: usize, logStd: usize, out: usize, rows: i32, cols: i32, nm: i32, ns: i32): void {
  const mS = nm == 1, sS = ns == 1;
  const invS = sS ? Math.exp(-load<f64>(logStd)) : 0.0;
  const half = f64x2.splat(0.5);
  for (let b = 0; b < rows; b++) {
    const xr = x + ((<usize>b * cols) << 3);
    const mr = mean + rowOffset(nm, b, cols);
    const sr = logStd + rowOffset(ns, b, cols);
    let acc = f64x2.splat(0.0);
    let j = 0;
    for (; j + 2 <= cols; j += 2) {
      const ls = pair(sr, j, sS);
      const inv = sS ? f64x2.splat(invS) : expV(f64x2.neg(ls));
      const z = f64x2.mul(f64x2.sub(v128.load(xr + (<usize>j << 3)), pair(mr, j, mS)), inv);
      acc = f64x2.add(acc, f64x2.add(f64x2.mul(half, f64x2.mul(z, z)), ls));
    }
    let tail = 0.0;
    if (j < cols) {
      const ls = one(sr, j, sS);
      const z = (at(xr, j) - one(mr, j, mS)) * (sS ? invS : Math.exp(-ls));
      tail = 0.5 * z * z + ls;
    }
    put(out, b, -(hsum(acc) + tail) - <f64>cols * HALF_LOG_2PI);
  }
}

/** normalLogProbBackward for rowLayout parameters: dx -= g z / s, dMean += g z / s, dLogStd += g (z^2 - 1). */
export function normalLogProbBackwardRows(
  x: usize, mean: usize, logStd: usize, gOut: usize,
  dx: usize, dMean: usize, dLogStd: usize, rows: i32, cols: i32, nm: i32, ns: i32,
): void {
  const mS = nm == 1, sS = ns == 1;
  const invS = sS ? Math.exp(-load<f64>(logStd)) : 0.0;
  const one1 = f64x2.splat(1.0);
  let accM = f64x2.splat(0.0), accS = f64x2.splat(0.0);
  let tailM = 0.0, tailS = 0.0;
  for (let b = 0; b < rows; b++) {
    const gs = at(gOut, b);
    const g = f64x2.splat(gs);
    const xr = x + ((<usize>b * cols) << 3);
    const dxr = dx + ((<usize>b * cols) << 3);
    const mr = mean + rowOffset(nm, b, cols), dmr = dMean + rowOffset(nm, b, cols);
    const sr = logStd + rowOffset(ns, b, cols), dsr = dLogStd + rowOffset(ns, b, cols);
    let j = 0;
    for (; j + 2 <= cols; j += 2) {
      const o = <usize>j << 3;
      const inv = sS ? f64x2.splat(invS) : expV(f64x2.neg(v128.load(sr + o)));
      const z = f64x2.mul(f64x2.sub(v128.load(xr + o), pair(mr, j, mS)), inv);
      const dz = f64x2.mul(f64x2.mul(g, z), inv);
      if (dx) v128.store(dxr + o, f64x2.sub(v128.load(dxr + o), dz));
      if (dMean) {
        if (mS) accM = f64x2.add(accM, dz);
        else v128.store(dmr + o, f64x2.add(v128.load(dmr + o), dz));
      }
      if (dLogStd) {
        const t = f64x2.mul(g, f64x2.sub(f64x2.mul(z, z), one1));
        if (sS) accS = f64x2.add(accS, t);
        else v128.store(dsr + o, f64x2.add(v128.load(dsr + o), t));
      }
    }
    if (j < cols) {
      const inv = sS ? invS : Math.exp(-at(sr, j));
      const z = (at(xr, j) - one(mr, j, mS)) * inv;
      const dz = gs * z * inv;
      if (dx) addAt(dxr, j, -dz);
      if (dMean) {
        if (mS) tailM += dz;
        else addAt(dmr, j, dz);
      }
      if (dLogStd) {
        if (sS) tailS += gs * (z * z - 1.0);
        else addAt(dsr, j, gs * (z * z - 1.0));
      }
    }
  }
  if (dMean && mS) addAt(dMean, 0, hsum(accM) + tailM);
  if (dLogStd && sS) addAt(dLogStd, 0, hsum(accS) + tailS);
}

/** The row width for an rsample of n elements with parameters of nm and ns elements, or 0 when they are not rowLayout. */
export function rsampleCols(n: i32, nm: i32, ns: i32): i32 {
  let cols = n;
  if (nm != 1 && nm != n) cols = nm;
  if (ns != 1 && ns != n) {
    if (cols != n && cols != ns) return 0;
    cols = ns;
  }
  return n % cols == 0 ? cols : 0;
}

/** normalRsampleForward for rowLayout parameters: z = mean + exp(logStd) eps. */
export function normalRsampleRows(mean: usize, logStd: usize, eps: usize, z: usize, rows: i32, cols: i32, nm: i32, ns: i32): void {
  const mS = nm == 1, sS = ns == 1;
  const sdS = sS ? Math.exp(load<f64>(logStd)) : 0.0;
  for (let b = 0; b < rows; b++) {
    const off = (<usize>b * cols) << 3;
    const mr = mean + rowOffset(nm, b, cols);
    const sr = logStd + rowOffset(ns, b, cols);
    let j = 0;
    for (; j + 2 <= cols; j += 2) {
      const o = <usize>j << 3;
      const sd = sS ? f64x2.splat(sdS) : expV(v128.load(sr + o));
      v128.store(z + off + o, f64x2.add(pair(mr, j, mS), f64x2.mul(sd, v128.load(eps + off + o))));
    }
    if (j < cols) put(z + off, j, one(mr, j, mS) + (sS ? sdS : Math.exp(at(sr, j))) * at(eps + off, j));
  }
}

/** normalRsampleBackward for rowLayout parameters: dMean += g, dLogStd += g s eps, dEps += g s. */
export function normalRsampleBackwardRows(
  logStd: usize, eps: usize, gz: usize, dMean: usize, dLogStd: usize, dEps: usize, rows: i32, cols: i32, nm: i32, ns: i32,
): void {
  const mS = nm == 1, sS = ns == 1;
  const sdS = sS ? Math.exp(load<f64>(logStd)) : 0.0;
  let accM = f64x2.splat(0.0), accS = f64x2.splat(0.0);
  let tailM = 0.0, tailS = 0.0;
  for (let b = 0; b < rows; b++) {
    const off = (<usize>b * cols) << 3;
    const dmr = dMean + rowOffset(nm, b, cols);
    const sr = logStd + rowOffset(ns, b, cols), dsr = dLogStd + rowOffset(ns, b, cols);
    let j = 0;
    for (; j + 2 <= cols; j += 2) {
      const o = <usize>j << 3;
      const g = v128.load(gz + off + o);
      const gs = f64x2.mul(g, sS ? f64x2.splat(sdS) : expV(v128.load(sr + o)));
      if (dMean) {
        if (mS) accM = f64x2.add(accM, g);
        else v128.store(dmr + o, f64x2.add(v128.load(dmr + o), g));
      }
      if (dLogStd) {
        const t = f64x2.mul(gs, v128.load(eps + off + o));
        if (sS) accS = f64x2.add(accS, t);
        else v128.store(dsr + o, f64x2.add(v128.load(dsr + o), t));
      }
      if (dEps) v128.store(dEps + off + o, f64x2.add(v128.load(dEps + off + o), gs));
    }
    if (j < cols) {
      const g = at(gz + off, j);
      const gs = g * (sS ? sdS : Math.exp(at(sr, j)));
      if (dMean) {
        if (mS) tailM += g;
        else addAt(dmr, j, g);
      }
      if (dLogStd) {
        if (sS) tailS += gs * at(eps + off, j);
        else addAt(dsr, j, gs * at(eps + off, j));
      }
      if (dEps) addAt(dEps + off, j, gs);
    }
  }
  if (dMean && mS) addAt(dMean, 0, hsum(accM) + tailM);
  if (dLogStd && sS) addAt(dLogStd, 0, hsum(accS) + tailS);
}
