import { DomainError } from "../../../core/errors.js";

const WEIGHT_TOLERANCE = 1e-9;
const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

/** log N(x; mean, std^2). */
export function logNormalDensity(x: number, mean: number, std: number): number {
  const z = (x - mean) / std;
  return -0.5 * z * z - Math.log(std) - LOG_SQRT_2PI;
}

/** log sum_i exp(v_i), stable. */
export function logSumExpNumbers(values: readonly number[]): number {
  const m = Math.max(...values);
  if (!Number.isFinite(m)) return m;
  let s = 0;
  for (const v of values) s += Math.exp(v - m);
  return m + Math.log(s);
}

/** Throws DomainError unless value is finite and > 0. */
export function checkPositive(argument: string, value: number): void {
  if (!(value > 0) || !Number.isFinite(value)) throw new DomainError(argument, "a finite value > 0", String(value));
}

/** Throws DomainError unless value is a finite number. */
export function checkFinite(argument: string, value: number): void {
  if (typeof value !== "number" || !Number.isFinite(value)) throw new DomainError(argument, "a finite number", String(value));
}

/**
 * Validates mixture-prior parameters (pi_k > 0 summing to 1, K >= 1, mu and s
 * of length K, s_k > 0) and returns K.
 */
export function checkMixture(pi: readonly number[], mu: readonly number[], sK: readonly number[], names = ["pi", "mu", "sK"]): number {
  const [piName, muName, sName] = names;
  if (!Array.isArray(pi) || pi.length === 0) throw new DomainError(piName, "K >= 1 weights", "K = 0");
  const K = pi.length;
  if (!Array.isArray(mu) || mu.length !== K) throw new DomainError(muName, `${K} values (one per weight)`, `${mu?.length} values`);
  if (!Array.isArray(sK) || sK.length !== K) throw new DomainError(sName, `${K} values (one per weight)`, `${sK?.length} values`);
  pi.forEach((w, k) => checkPositive(`${piName}[${k}]`, w));
  mu.forEach((m, k) => checkFinite(`${muName}[${k}]`, m));
  sK.forEach((s, k) => checkPositive(`${sName}[${k}]`, s));
  const total = pi.reduce((a, b) => a + b, 0);
  if (Math.abs(total - 1) > WEIGHT_TOLERANCE) throw new DomainError(piName, "weights summing to 1", `sum ${total}`);
  return K;
}

/**
 * A univariate mixture of Normals with plain-number parameters, for exact
 * posteriors and reference plots: p(x) = sum_k w_k N(x; m_k, s_k^2).
 */
export class NormalMixture1D {
  constructor(
    readonly weights: readonly number[],
    readonly means: readonly number[],
    readonly stds: readonly number[],
  ) {
    checkMixture(weights, means, stds, ["weights", "means", "stds"]);
  }

  /** A single Normal N(mean, std^2). */
  static normal(mean: number, std: number): NormalMixture1D {
    return new NormalMixture1D([1], [mean], [std]);
  }

  get components(): number {
    return this.weights.length;
  }

  /** log p(x) = logsumexp_k [log w_k + log N(x; m_k, s_k^2)]. */
  logDensity(x: number): number {
    return logSumExpNumbers(this.weights.map((w, k) => Math.log(w) + logNormalDensity(x, this.means[k], this.stds[k])));
  }

  /** p(x) at each point. */
  density(xs: ArrayLike<number>): number[] {
    return Array.from(xs, (x) => Math.exp(this.logDensity(x)));
  }

  /** E[x] = sum_k w_k m_k. */
  get mean(): number {
    return this.weights.reduce((s, w, k) => s + w * this.means[k], 0);
  }

  /** sqrt(Var[x]), Var[x] = sum_k w_k (s_k^2 + m_k^2) - E[x]^2. */
  get std(): number {
    const m = this.mean;
    const second = this.weights.reduce((s, w, k) => s + w * (this.stds[k] ** 2 + this.means[k] ** 2), 0);
    return Math.sqrt(Math.max(0, second - m * m));
  }
}

/** n equally spaced points from a to b (both included). */
export function linspace(a: number, b: number, n: number): number[] {
  return Array.from({ length: n }, (_, i) => (n === 1 ? a : a + ((b - a) * i) / (n - 1)));
}
