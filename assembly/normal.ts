// Normal-family kernels: diagonal-Normal log-density, entropy, reparameterized
// sampling, closed-form KL and the mixture-of-Normals log-density. Each
// backward ACCUMULATES into the gradients it is given; a 0 pointer skips that
// gradient. Parameters broadcast by flat index modulo their size (a mean [D]
// against x [B, D], a scalar [1] against anything), walked with wrapping
// counters instead of `%`. The common layouts (each parameter a scalar, one
// row or the full array; for the KL, each a scalar or the full array) take the
// f64x2 paths of normal-rows.ts and normal-kl.ts; other
// broadcasts the scalar loops below.

const HALF_LOG_2PI: f64 = 0.9189385332046727;

import { at, put, addAt } from "./access";
import {
  normalLogProbBackwardRows, normalLogProbRows, normalRsampleBackwardRows, normalRsampleRows, rowLayout, rsampleCols,
} from "./normal-rows";
import { klFlatLayout, normalKLBackwardFlat, normalKLFlat } from "./normal-kl";

@inline function wrap(i: i32, n: i32): i32 {
  return i + 1 == n ? 0 : i + 1;
}

/** out[b] = sum_j log N(x[i]; mean[i % nm], exp(logStd[i % ns])^2), i = b*cols + j */
export function normalLogProbForward(x: usize, mean: usize, logStd: usize, out: usize, rows: i32, cols: i32, nm: i32, ns: i32): void {
  if (rowLayout(nm, rows, cols) && rowLayout(ns, rows, cols)) {
    normalLogProbRows(x, mean, logStd, out, rows, cols, nm, ns);
    return;
  }
  let i = 0, im = 0, is = 0;
  // exp(-logStd) is recomputed only when the logStd index moves (once in all for a scalar logStd)
  let cached = -1, inv = 0.0;
  for (let b = 0; b < rows; b++) {
    let acc = 0.0;
    for (let j = 0; j < cols; j++) {
      const ls = at(logStd, is);
      if (is != cached) { inv = Math.exp(-ls); cached = ns == 1 ? 0 : -1; }
      const z = (at(x, i) - at(mean, im)) * inv;
      acc -= 0.5 * z * z + ls;
      i++; im = wrap(im, nm); is = wrap(is, ns);
    }
    put(out, b, acc - <f64>cols * HALF_LOG_2PI);
  }
}

/** z = (x - mu) / s: dx += -g z / s, dMean += g z / s, dLogStd += g (z^2 - 1) */
export function normalLogProbBackward(
  x: usize, mean: usize, logStd: usize, gOut: usize,
  dx: usize, dMean: usize, dLogStd: usize, rows: i32, cols: i32, nm: i32, ns: i32,
): void {
  if (rowLayout(nm, rows, cols) && rowLayout(ns, rows, cols)) {
    normalLogProbBackwardRows(x, mean, logStd, gOut, dx, dMean, dLogStd, rows, cols, nm, ns);
    return;
  }
  let i = 0, im = 0, is = 0;
  let cached = -1, inv = 0.0; // as in the forward
  let dls = 0.0; // a scalar logStd's gradient, summed in a register
  for (let b = 0; b < rows; b++) {
    const g = at(gOut, b);
    for (let j = 0; j < cols; j++) {
      if (is != cached) { inv = Math.exp(-at(logStd, is)); cached = ns == 1 ? 0 : -1; }
      const z = (at(x, i) - at(mean, im)) * inv;
      const dz = g * z * inv;
      if (dx) addAt(dx, i, -dz);
      if (dMean) addAt(dMean, im, dz);
      if (dLogStd) {
        if (ns == 1) dls += g * (z * z - 1.0);
        else addAt(dLogStd, is, g * (z * z - 1.0));
      }
      i++; im = wrap(im, nm); is = wrap(is, ns);
    }
  }
  if (dLogStd && ns == 1) addAt(dLogStd, 0, dls);
}

/** out[b] = sum_j (0.5 log(2 pi e) + logStd[i % ns]) */
export function normalEntropyForward(logStd: usize, out: usize, rows: i32, cols: i32, ns: i32): void {
  let is = 0;
  for (let b = 0; b < rows; b++) {
    let acc = <f64>cols * (HALF_LOG_2PI + 0.5);
    for (let j = 0; j < cols; j++) {
      acc += at(logStd, is);
      is = wrap(is, ns);
    }
    put(out, b, acc);
  }
}

/** dLogStd[i % ns] += g[b] */
export function normalEntropyBackward(gOut: usize, dLogStd: usize, rows: i32, cols: i32, ns: i32): void {
  let is = 0;
  for (let b = 0; b < rows; b++) {
    const g = at(gOut, b);
    for (let j = 0; j < cols; j++) {
      addAt(dLogStd, is, g);
      is = wrap(is, ns);
    }
  }
}

/** z[i] = mean[i % nm] + exp(logStd[i % ns]) * eps[i] */
export function normalRsampleForward(mean: usize, logStd: usize, eps: usize, z: usize, n: i32, nm: i32, ns: i32): void {
  const cols = rsampleCols(n, nm, ns);
  if (cols > 0) {
    normalRsampleRows(mean, logStd, eps, z, n / cols, cols, nm, ns);
    return;
  }
  let im = 0, is = 0;
  for (let i = 0; i < n; i++) {
    put(z, i, at(mean, im) + Math.exp(at(logStd, is)) * at(eps, i));
    im = wrap(im, nm); is = wrap(is, ns);
  }
}

/** dMean += g, dLogStd += g s eps, dEps += g s, with s = exp(logStd) */
export function normalRsampleBackward(
  logStd: usize, eps: usize, gz: usize, dMean: usize, dLogStd: usize, dEps: usize, n: i32, nm: i32, ns: i32,
): void {
  const cols = rsampleCols(n, nm, ns);
  if (cols > 0) {
    normalRsampleBackwardRows(logStd, eps, gz, dMean, dLogStd, dEps, n / cols, cols, nm, ns);
    return;
  }
  let im = 0, is = 0;
  for (let i = 0; i < n; i++) {
    const g = at(gz, i);
    const gs = g * Math.exp(at(logStd, is));
    if (dMean) addAt(dMean, im, g);
    if (dLogStd) addAt(dLogStd, is, gs * at(eps, i));
    if (dEps) addAt(dEps, i, gs);
    im = wrap(im, nm); is = wrap(is, ns);
  }
}

/** out[b] = sum_j KL(N(mq, sq^2) || N(mp, sp^2)) = log(sp/sq) + (sq^2 + (mq - mp)^2) / (2 sp^2) - 1/2 */
export function normalKLForward(
  mq: usize, lsq: usize, mp: usize, lsp: usize, out: usize, rows: i32, cols: i32,
  n0: i32, n1: i32, n2: i32, n3: i32,
): void {
  if (klFlatLayout(n0, n1, n2, n3, rows * cols)) {
    normalKLFlat(mq, lsq, mp, lsp, out, rows, cols, n0, n1, n2, n3);
    return;
  }
  let i0 = 0, i1 = 0, i2 = 0, i3 = 0;
  for (let b = 0; b < rows; b++) {
    let acc = 0.0;
    for (let j = 0; j < cols; j++) {
      const a = at(lsq, i1), c = at(lsp, i3);
      const d = at(mq, i0) - at(mp, i2);
      acc += c - a + 0.5 * (Math.exp(2.0 * (a - c)) + d * d * Math.exp(-2.0 * c)) - 0.5;
      i0 = wrap(i0, n0); i1 = wrap(i1, n1); i2 = wrap(i2, n2); i3 = wrap(i3, n3);
    }
    put(out, b, acc);
  }
}

/** dmq += g d/vp, dmp -= g d/vp, dlsq += g (vq/vp - 1), dlsp += g (1 - (vq + d^2)/vp) */
export function normalKLBackward(
  mq: usize, lsq: usize, mp: usize, lsp: usize, gOut: usize,
  dmq: usize, dlsq: usize, dmp: usize, dlsp: usize, rows: i32, cols: i32,
  n0: i32, n1: i32, n2: i32, n3: i32,
): void {
  if (klFlatLayout(n0, n1, n2, n3, rows * cols)) {
    normalKLBackwardFlat(mq, lsq, mp, lsp, gOut, dmq, dlsq, dmp, dlsp, rows, cols, n0, n1, n2, n3);
    return;
  }
  let i0 = 0, i1 = 0, i2 = 0, i3 = 0;
  for (let b = 0; b < rows; b++) {
    const g = at(gOut, b);
    for (let j = 0; j < cols; j++) {
      const a = at(lsq, i1), c = at(lsp, i3);
      const d = at(mq, i0) - at(mp, i2);
      const invVp = Math.exp(-2.0 * c);
      const ratio = Math.exp(2.0 * (a - c));
      if (dmq) addAt(dmq, i0, g * d * invVp);
      if (dmp) addAt(dmp, i2, -g * d * invVp);
      if (dlsq) addAt(dlsq, i1, g * (ratio - 1.0));
      if (dlsp) addAt(dlsp, i3, g * (1.0 - ratio - d * d * invVp));
      i0 = wrap(i0, n0); i1 = wrap(i1, n1); i2 = wrap(i2, n2); i3 = wrap(i3, n3);
    }
  }
}

// Mixture of K Normals over scalar x[b]. Each parameter is [K] (row stride 0)
// or [B, K] (row stride K). logW are unnormalized: they pass a log-softmax.

@inline function componentLogPdf(x: f64, m: f64, ls: f64): f64 {
  const z = (x - m) * Math.exp(-ls);
  return -0.5 * z * z - ls - HALF_LOG_2PI;
}

// Online log-sum-exp results of the last row (one exp per term).
let lseTerms: f64 = 0;
let lseWeights: f64 = 0;

@inline function mixtureRow(x: f64, w: usize, m: usize, s: usize, K: i32): void {
  let mt = -Infinity, st = 0.0, mw = -Infinity, sw = 0.0;
  for (let k = 0; k < K; k++) {
    const lw = at(w, k);
    const t = lw + componentLogPdf(x, at(m, k), at(s, k));
    if (t > mt) { st = st * Math.exp(mt - t) + 1.0; mt = t; } else st += Math.exp(t - mt);
    if (lw > mw) { sw = sw * Math.exp(mw - lw) + 1.0; mw = lw; } else sw += Math.exp(lw - mw);
  }
  lseTerms = mt + Math.log(st);
  lseWeights = mw + Math.log(sw);
}

/** out[b] = logsumexp_k(logW[k] + log N(x[b]; means[k], exp(logStds[k])^2)) - logsumexp_k logW[k] */
export function mixtureNormalLogProbForward(
  x: usize, logW: usize, means: usize, logStds: usize, out: usize, rows: i32, K: i32, sw: i32, sm: i32, ss: i32,
): void {
  for (let b = 0; b < rows; b++) {
    mixtureRow(at(x, b), logW + <usize>(b * sw) * 8, means + <usize>(b * sm) * 8, logStds + <usize>(b * ss) * 8, K);
    put(out, b, lseTerms - lseWeights);
  }
}

/** r_k = responsibility, w_k = softmax(logW)_k, z = (x - m_k)/s_k: dx += -g sum r z/s, dlogW += g (r - w), dm += g r z/s, dls += g r (z^2 - 1) */
export function mixtureNormalLogProbBackward(
  x: usize, logW: usize, means: usize, logStds: usize, gOut: usize,
  dx: usize, dLogW: usize, dMeans: usize, dLogStds: usize, rows: i32, K: i32, sw: i32, sm: i32, ss: i32,
): void {
  for (let b = 0; b < rows; b++) {
    const xb = at(x, b);
    const g = at(gOut, b);
    const w = logW + <usize>(b * sw) * 8, m = means + <usize>(b * sm) * 8, s = logStds + <usize>(b * ss) * 8;
    const gw = dLogW + <usize>(b * sw) * 8, gm = dMeans + <usize>(b * sm) * 8, gs = dLogStds + <usize>(b * ss) * 8;
    mixtureRow(xb, w, m, s, K);
    let gx = 0.0;
    for (let k = 0; k < K; k++) {
      const lw = at(w, k), ls = at(s, k);
      const inv = Math.exp(-ls);
      const z = (xb - at(m, k)) * inv;
      const r = g * Math.exp(lw - 0.5 * z * z - ls - HALF_LOG_2PI - lseTerms);
      gx -= r * z * inv;
      if (dLogW) addAt(gw, k, r - g * Math.exp(lw - lseWeights));
      if (dMeans) addAt(gm, k, r * z * inv);
      if (dLogStds) addAt(gs, k, r * (z * z - 1.0));
    }
    if (dx) addAt(dx, b, gx);
  }
}

/** out[b] = means[b*sm + idx[b]] + exp(logStds[b*ss + idx[b]]) * eps[b] (sampling a chosen component) */
export function mixtureNormalGather(idx: usize, means: usize, logStds: usize, eps: usize, out: usize, rows: i32, sm: i32, ss: i32): void {
  for (let b = 0; b < rows; b++) {
    const k = load<i32>(idx + (<usize>b << 2));
    put(out, b, at(means, b * sm + k) + Math.exp(at(logStds, b * ss + k)) * at(eps, b));
  }
}
