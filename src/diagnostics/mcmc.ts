// Convergence diagnostics of Markov chains, as Stan and ArviZ compute them
// (Vehtari, Gelman, Simpson, Carpenter & Buerkner 2021, "Rank-normalization,
// folding, and localization: an improved R-hat", Bayesian Analysis 16(2)):
//   splitRhat  R-hat of rank-normalized split chains (max of bulk and folded): threshold 1.01;
//   essBulk    effective sample size of the rank-normalized split chains: report it, want >= 100 per chain;
//   essMean    effective sample size of the raw values (the mean's Monte Carlo error).
import { DomainError, ShapeError } from "../core/errors.js";
import { normalQuantile } from "../infer/mapa/codes.js";

/** The threshold Vehtari et al. (2021) recommend for the rank-normalized split R-hat. */
export const RHAT_THRESHOLD = 1.01;

/**
 * Rank-normalized split R-hat of one scalar over M chains of equal length:
 * each chain is split in halves, values are replaced by Phi^-1 of their
 * pooled fractional ranks (r - 3/8) / (S + 1/4), and R-hat = sqrt(var+ / W)
 * with W the mean within-chain variance and var+ = (n-1)/n W + B/n; the
 * result is the max of that and the same for |x - median| (the folded, tail
 * version). Near 1 means the chains agree; above 1.01 they have not mixed.
 */
export function splitRhat(chains: readonly ArrayLike<number>[]): number {
  const split = splitChains(chains);
  const bulk = rhatOf(rankNormalize(split));
  const median = medianOf(split);
  const folded = rhatOf(rankNormalize(split.map((c) => c.map((v) => Math.abs(v - median)))));
  return Math.max(bulk, folded);
}

/**
 * Bulk effective sample size: the ESS (Geyer's initial monotone sequence
 * estimator over the chains' combined autocorrelations, Stan's formula) of
 * the rank-normalized split chains. M n / ESS is the chains' integrated
 * autocorrelation time.
 */
export function essBulk(chains: readonly ArrayLike<number>[]): number {
  return essOf(rankNormalize(splitChains(chains)));
}

/** ESS of the raw values of the split chains (the Monte Carlo error of the mean is sd / sqrt(essMean)). */
export function essMean(chains: readonly ArrayLike<number>[]): number {
  return essOf(splitChains(chains));
}

/** Each chain cut in two halves of floor(n / 2) (the middle draw of an odd chain dropped). */
function splitChains(chains: readonly ArrayLike<number>[]): Float64Array[] {
  if (chains.length < 1) throw new ShapeError("chains", "at least one chain", "0 chains");
  const n = chains[0].length;
  chains.forEach((c, j) => {
    if (c.length !== n) throw new ShapeError("chains", `chains of equal length ${n}`, `chain ${j} of length ${c.length}`);
    for (let i = 0; i < c.length; i++) if (!Number.isFinite(c[i])) throw new DomainError("chains", "finite draws", `${c[i]} in chain ${j} at draw ${i}`);
  });
  const half = Math.floor(n / 2);
  if (half < 2) throw new ShapeError("chains", "at least 4 draws per chain", `${n} draws`);
  const out: Float64Array[] = [];
  for (const c of chains) {
    const a = Float64Array.from(c);
    out.push(a.slice(0, half), a.slice(n - half));
  }
  return out;
}

/** Phi^-1((rank - 3/8) / (S + 1/4)) of the pooled values, ties given their average rank (Blom's offsets). */
function rankNormalize(chains: Float64Array[]): Float64Array[] {
  const n = chains[0].length;
  const S = chains.length * n;
  const all = new Float64Array(S);
  chains.forEach((c, j) => all.set(c, j * n));
  const order = new Uint32Array(S);
  for (let i = 0; i < S; i++) order[i] = i;
  order.sort((a, b) => all[a] - all[b]);
  const z = new Float64Array(S);
  for (let i = 0; i < S; ) {
    let j = i;
    while (j + 1 < S && all[order[j + 1]] === all[order[i]]) j++;
    const v = normalQuantile(((i + j) / 2 + 1 - 0.375) / (S + 0.25));
    for (let k = i; k <= j; k++) z[order[k]] = v;
    i = j + 1;
  }
  return chains.map((_, j) => z.subarray(j * n, (j + 1) * n));
}

function medianOf(chains: Float64Array[]): number {
  const all = new Float64Array(chains.length * chains[0].length);
  chains.forEach((c, j) => all.set(c, j * c.length));
  all.sort();
  const m = all.length >> 1;
  return all.length % 2 ? all[m] : 0.5 * (all[m - 1] + all[m]);
}

function meanVar(c: Float64Array): { mean: number; variance: number } {
  let m = 0;
  for (let i = 0; i < c.length; i++) m += c[i];
  m /= c.length;
  let v = 0;
  for (let i = 0; i < c.length; i++) v += (c[i] - m) ** 2;
  return { mean: m, variance: v / (c.length - 1) };
}

/** sqrt(var+ / W) of chains of equal length n (Gelman & Rubin 1992, as in BDA3 eq. 11.4). */
function rhatOf(chains: Float64Array[]): number {
  const n = chains[0].length;
  const stats = chains.map(meanVar);
  const W = stats.reduce((s, c) => s + c.variance, 0) / chains.length;
  const grand = stats.reduce((s, c) => s + c.mean, 0) / chains.length;
  const B = (n / (chains.length - 1)) * stats.reduce((s, c) => s + (c.mean - grand) ** 2, 0);
  if (!(W > 0)) return B > 0 ? Infinity : 1;
  return Math.sqrt(((n - 1) / n) * W + B / n) / Math.sqrt(W);
}

/**
 * ESS = M n / (-1 + 2 sum_k P_k) with rho_t = 1 - (W - mean_j acov_j(t)) / var+
 * and P_k = rho_{2k} + rho_{2k+1} summed while positive and made monotone
 * (Geyer 1992; Stan's ess), capped at M n log10(M n) as Stan does.
 */
function essOf(chains: Float64Array[]): number {
  const M = chains.length;
  const n = chains[0].length;
  const acov = chains.map(autocovariance);
  const means = chains.map((c) => meanVar(c).mean);
  const grand = means.reduce((s, v) => s + v, 0) / M;
  const meanAcov = (t: number) => acov.reduce((s, a) => s + a[t], 0) / M;
  const W = (meanAcov(0) * n) / (n - 1);
  const B = M > 1 ? means.reduce((s, v) => s + (v - grand) ** 2, 0) / (M - 1) : 0;
  const varPlus = ((n - 1) / n) * W + B;
  if (!(varPlus > 0)) return M * n;
  const rho = (t: number) => (t === 0 ? 1 : 1 - (W - meanAcov(t)) / varPlus);
  let tau = -1;
  let previous = Infinity;
  for (let t = 0; t + 1 < n; t += 2) {
    let pair = rho(t) + rho(t + 1);
    if (!(pair > 0)) break;
    pair = Math.min(pair, previous);
    previous = pair;
    tau += 2 * pair;
  }
  const S = M * n;
  return S / Math.max(tau, 1 / Math.log10(Math.max(S, 10)));
}

/** Biased autocovariances acov(t) = (1/n) sum_i (x_i - m)(x_{i+t} - m), t = 0..n-1, by FFT (zero-padded to avoid wrap-around). */
export function autocovariance(x: ArrayLike<number>): Float64Array {
  const n = x.length;
  let m = 0;
  for (let i = 0; i < n; i++) m += x[i];
  m /= n;
  let size = 1;
  while (size < 2 * n) size <<= 1;
  const re = new Float64Array(size);
  const im = new Float64Array(size);
  for (let i = 0; i < n; i++) re[i] = x[i] - m;
  fft(re, im, false);
  for (let i = 0; i < size; i++) {
    re[i] = re[i] * re[i] + im[i] * im[i];
    im[i] = 0;
  }
  fft(re, im, true);
  const out = new Float64Array(n);
  for (let t = 0; t < n; t++) out[t] = re[t] / size / n;
  return out;
}

/** In-place iterative radix-2 Cooley-Tukey FFT of a power-of-two length (inverse without the 1/N factor). */
function fft(re: Float64Array, im: Float64Array, inverse: boolean): void {
  const n = re.length;
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      [re[i], re[j]] = [re[j], re[i]];
      [im[i], im[j]] = [im[j], im[i]];
    }
  }
  for (let len = 2; len <= n; len <<= 1) {
    const angle = ((inverse ? 2 : -2) * Math.PI) / len;
    const wr = Math.cos(angle);
    const wi = Math.sin(angle);
    for (let i = 0; i < n; i += len) {
      let cr = 1;
      let ci = 0;
      for (let j = 0; j < len / 2; j++) {
        const a = i + j;
        const b = a + len / 2;
        const tr = re[b] * cr - im[b] * ci;
        const ti = re[b] * ci + im[b] * cr;
        re[b] = re[a] - tr;
        im[b] = im[a] - ti;
        re[a] += tr;
        im[a] += ti;
        const next = cr * wr - ci * wi;
        ci = cr * wi + ci * wr;
        cr = next;
      }
    }
  }
}
