// Discrete-distribution kernels over logits: categorical log-prob, entropy,
// KL and inverse-CDF sampling (row-wise, K categories), Bernoulli log-prob,
// entropy and sampling, and the two estimator kernels for discrete latents
// (score-function surrogate, exact enumeration). Backward kernels ACCUMULATE;
// a 0 gradient pointer skips that gradient. Logit rows have a row stride
// (K, or 0 to share one row across the batch).

import { at, put, addAt } from "./access";

@inline function row(p: usize, b: i32, stride: i32): usize {
  return p + (<usize>(b * stride) << 3);
}

/** log sum_k exp(l[k]), online (one exp per entry). */
@inline function logSumExp(l: usize, K: i32): f64 {
  let m = -Infinity, s = 0.0;
  for (let k = 0; k < K; k++) {
    const v = at(l, k);
    if (v > m) { s = s * Math.exp(m - v) + 1.0; m = v; } else s += Math.exp(v - m);
  }
  return m + Math.log(s);
}

@inline function softplus(l: f64): f64 {
  return Math.max(l, 0.0) + Math.log1p(Math.exp(-Math.abs(l)));
}

@inline function sigmoid(l: f64): f64 {
  return 1.0 / (1.0 + Math.exp(-l));
}

/** out[b] = logits[b, idx[b]] - logsumexp_k logits[b, k]; returns the first b with idx out of [0, K), else -1 */
export function categoricalLogProbForward(logits: usize, idx: usize, out: usize, rows: i32, K: i32): i32 {
  for (let b = 0; b < rows; b++) {
    const c = load<i32>(idx + (<usize>b << 2));
    if (c < 0 || c >= K) return b;
    const l = row(logits, b, K);
    put(out, b, at(l, c) - logSumExp(l, K));
  }
  return -1;
}

/** dLogits[b, k] += g[b] (1[k = idx[b]] - softmax(logits[b])_k) */
export function categoricalLogProbBackward(logits: usize, idx: usize, gOut: usize, dLogits: usize, rows: i32, K: i32): void {
  for (let b = 0; b < rows; b++) {
    const l = row(logits, b, K), d = row(dLogits, b, K);
    const g = at(gOut, b);
    const lse = logSumExp(l, K);
    for (let k = 0; k < K; k++) addAt(d, k, -g * Math.exp(at(l, k) - lse));
    addAt(d, load<i32>(idx + (<usize>b << 2)), g);
  }
}

/** out[b] = smallest k with u[b] < sum_{j <= k} softmax(logits[b])_j (inverse CDF) */
export function categoricalSample(logits: usize, u: usize, out: usize, rows: i32, K: i32, stride: i32): void {
  for (let b = 0; b < rows; b++) {
    const l = row(logits, b, stride);
    const lse = logSumExp(l, K);
    const target = at(u, b);
    let cum = 0.0;
    let k = 0;
    for (; k < K - 1; k++) {
      cum += Math.exp(at(l, k) - lse);
      if (target < cum) break;
    }
    store<i32>(out + (<usize>b << 2), k);
  }
}

/** out[b] = -sum_k p_k log p_k, p = softmax(logits[b]) */
export function categoricalEntropyForward(logits: usize, out: usize, rows: i32, K: i32): void {
  for (let b = 0; b < rows; b++) {
    const l = row(logits, b, K);
    const lse = logSumExp(l, K);
    let h = 0.0;
    for (let k = 0; k < K; k++) {
      const lp = at(l, k) - lse;
      h -= Math.exp(lp) * lp;
    }
    put(out, b, h);
  }
}

/** dLogits[b, k] += -g[b] p_k (log p_k + H_b) */
export function categoricalEntropyBackward(logits: usize, out: usize, gOut: usize, dLogits: usize, rows: i32, K: i32): void {
  for (let b = 0; b < rows; b++) {
    const l = row(logits, b, K), d = row(dLogits, b, K);
    const lse = logSumExp(l, K);
    const g = at(gOut, b), h = at(out, b);
    for (let k = 0; k < K; k++) {
      const lp = at(l, k) - lse;
      addAt(d, k, -g * Math.exp(lp) * (lp + h));
    }
  }
}

/** out[b] = sum_k p_k (log p_k - log q_k), p = softmax(lp[b]), q = softmax(lq[b]); row strides sp, sq */
export function categoricalKLForward(lp: usize, lq: usize, out: usize, rows: i32, K: i32, sp: i32, sq: i32): void {
  for (let b = 0; b < rows; b++) {
    const p = row(lp, b, sp), q = row(lq, b, sq);
    const zp = logSumExp(p, K), zq = logSumExp(q, K);
    let kl = 0.0;
    for (let k = 0; k < K; k++) {
      const a = at(p, k) - zp;
      kl += Math.exp(a) * (a - at(q, k) + zq);
    }
    put(out, b, kl);
  }
}

/** dlp[b, k] += g p_k ((log p_k - log q_k) - KL_b), dlq[b, k] += g (q_k - p_k) */
export function categoricalKLBackward(
  lp: usize, lq: usize, out: usize, gOut: usize, dlp: usize, dlq: usize, rows: i32, K: i32, sp: i32, sq: i32,
): void {
  for (let b = 0; b < rows; b++) {
    const p = row(lp, b, sp), q = row(lq, b, sq);
    const zp = logSumExp(p, K), zq = logSumExp(q, K);
    const g = at(gOut, b), kl = at(out, b);
    for (let k = 0; k < K; k++) {
      const a = at(p, k) - zp, c = at(q, k) - zq;
      const pk = Math.exp(a);
      if (dlp) addAt(row(dlp, b, sp), k, g * pk * (a - c - kl));
      if (dlq) addAt(row(dlq, b, sq), k, g * (Math.exp(c) - pk));
    }
  }
}

/** out[b] = sum_j x[i] l - softplus(l), l = logits[i % nl], i = b*cols + j */
export function bernoulliLogProbForward(x: usize, logits: usize, out: usize, rows: i32, cols: i32, nl: i32): void {
  let i = 0, il = 0;
  for (let b = 0; b < rows; b++) {
    let acc = 0.0;
    for (let j = 0; j < cols; j++) {
      const l = at(logits, il);
      acc += at(x, i) * l - softplus(l);
      i++; il = il + 1 == nl ? 0 : il + 1;
    }
    put(out, b, acc);
  }
}

/** dx += g l, dLogits += g (x - sigmoid(l)) */
export function bernoulliLogProbBackward(x: usize, logits: usize, gOut: usize, dx: usize, dLogits: usize, rows: i32, cols: i32, nl: i32): void {
  let i = 0, il = 0;
  for (let b = 0; b < rows; b++) {
    const g = at(gOut, b);
    for (let j = 0; j < cols; j++) {
      const l = at(logits, il);
      if (dx) addAt(dx, i, g * l);
      if (dLogits) addAt(dLogits, il, g * (at(x, i) - sigmoid(l)));
      i++; il = il + 1 == nl ? 0 : il + 1;
    }
  }
}

/** out[b] = sum_j softplus(l) - l sigmoid(l) (Bernoulli entropy from logits) */
export function bernoulliEntropyForward(logits: usize, out: usize, rows: i32, cols: i32): void {
  let i = 0;
  for (let b = 0; b < rows; b++) {
    let acc = 0.0;
    for (let j = 0; j < cols; j++) {
      const l = at(logits, i++);
      acc += softplus(l) - l * sigmoid(l);
    }
    put(out, b, acc);
  }
}

/** dLogits += -g l sigmoid(l) (1 - sigmoid(l)) */
export function bernoulliEntropyBackward(logits: usize, gOut: usize, dLogits: usize, rows: i32, cols: i32): void {
  let i = 0;
  for (let b = 0; b < rows; b++) {
    const g = at(gOut, b);
    for (let j = 0; j < cols; j++) {
      const l = at(logits, i);
      const s = sigmoid(l);
      addAt(dLogits, i, -g * l * s * (1.0 - s));
      i++;
    }
  }
}

/** out[i] = u[i] < sigmoid(logits[i % nl]) ? 1 : 0 */
export function bernoulliSample(logits: usize, u: usize, out: usize, n: i32, nl: i32): void {
  let il = 0;
  for (let i = 0; i < n; i++) {
    put(out, i, at(u, i) < sigmoid(at(logits, il)) ? 1.0 : 0.0);
    il = il + 1 == nl ? 0 : il + 1;
  }
}

/** Surrogate backward: dLogProb[i] += g[i] (cost[i] - baseline[i % nb]) (nb = 0: no baseline), dCost[i] += g[i] */
export function scoreFunctionBackward(cost: usize, baseline: usize, nb: i32, gOut: usize, dLogProb: usize, dCost: usize, n: i32): void {
  let ib = 0;
  for (let i = 0; i < n; i++) {
    const g = at(gOut, i);
    const bl = nb > 0 ? at(baseline, ib) : 0.0;
    if (dLogProb) addAt(dLogProb, i, g * (at(cost, i) - bl));
    if (dCost) addAt(dCost, i, g);
    if (nb > 0) ib = ib + 1 == nb ? 0 : ib + 1;
  }
}

@inline function tablePtr(table: usize, k: i32): usize {
  return <usize>load<u32>(table + (<usize>k << 2));
}

/** out[b] = sum_k softmax(logits[b])_k f_k[b]; `table` holds K u32 pointers to the [B] values f_k */
export function enumerateForward(logits: usize, table: usize, out: usize, rows: i32, K: i32): void {
  for (let b = 0; b < rows; b++) {
    const l = row(logits, b, K);
    const lse = logSumExp(l, K);
    let e = 0.0;
    for (let k = 0; k < K; k++) e += Math.exp(at(l, k) - lse) * at(tablePtr(table, k), b);
    put(out, b, e);
  }
}

/** df_k[b] += g q_bk, dLogits[b, k] += g q_bk (f_k[b] - out[b]); dTable entries of 0 are skipped */
export function enumerateBackward(
  logits: usize, table: usize, out: usize, gOut: usize, dLogits: usize, dTable: usize, rows: i32, K: i32,
): void {
  for (let b = 0; b < rows; b++) {
    const l = row(logits, b, K);
    const lse = logSumExp(l, K);
    const g = at(gOut, b), e = at(out, b);
    for (let k = 0; k < K; k++) {
      const gq = g * Math.exp(at(l, k) - lse);
      const df = tablePtr(dTable, k);
      if (df) addAt(df, b, gq);
      if (dLogits) addAt(row(dLogits, b, K), k, gq * (at(tablePtr(table, k), b) - e));
    }
  }
}

/** out[b] = sum_j KL(Bern(p) || Bern(q)) = p (log p - log q) + (1 - p) (log(1 - p) - log(1 - q)), p = sigmoid(lp[i % np]), q = sigmoid(lq[i % nq]) */
export function bernoulliKLForward(lp: usize, lq: usize, out: usize, rows: i32, cols: i32, np: i32, nq: i32): void {
  let ip = 0, iq = 0;
  for (let b = 0; b < rows; b++) {
    let acc = 0.0;
    for (let j = 0; j < cols; j++) {
      const a = at(lp, ip), c = at(lq, iq);
      const p = sigmoid(a);
      // log p = -softplus(-a), log(1 - p) = -softplus(a)
      acc += p * (softplus(-c) - softplus(-a)) + (1.0 - p) * (softplus(c) - softplus(a));
      ip = ip + 1 == np ? 0 : ip + 1; iq = iq + 1 == nq ? 0 : iq + 1;
    }
    put(out, b, acc);
  }
}

/** dlp += g p (1 - p) (lp - lq), dlq += g (q - p) */
export function bernoulliKLBackward(lp: usize, lq: usize, gOut: usize, dlp: usize, dlq: usize, rows: i32, cols: i32, np: i32, nq: i32): void {
  let ip = 0, iq = 0;
  for (let b = 0; b < rows; b++) {
    const g = at(gOut, b);
    for (let j = 0; j < cols; j++) {
      const a = at(lp, ip), c = at(lq, iq);
      const p = sigmoid(a);
      if (dlp) addAt(dlp, ip, g * p * (1.0 - p) * (a - c));
      if (dlq) addAt(dlq, iq, g * (sigmoid(c) - p));
      ip = ip + 1 == np ? 0 : ip + 1; iq = iq + 1 == nq ? 0 : iq + 1;
    }
  }
}
