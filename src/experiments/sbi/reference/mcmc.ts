// The reference sampler for tasks without a closed-form posterior: several
// random-walk Metropolis chains with an adapted Gaussian proposal, run in
// blocks until the rank-normalized split R-hat and bulk ESS say the chains
// agree (Vehtari et al. 2021). Chains are stepped together, so the target's
// log-density is evaluated for all chains in one call.
import { cholesky } from "../../../core/dense-matrix.js";
import { DomainError, ShapeError, assertInteger, assertPositive } from "../../../core/errors.js";
import type { Rng } from "../../../core/rng.js";
import { RHAT_THRESHOLD, essBulk, splitRhat } from "../../../diagnostics/mcmc.js";
import { normals, uniforms } from "../random.js";

/** An unnormalized log-density on R^dim, evaluated for rows u [n, dim] (-Infinity outside its support). */
export interface McmcTarget {
  readonly dim: number;
  logDensity(u: Float64Array, n: number): Float64Array;
  /**
   * Maps rows (in place) to one representative of their orbit under a finite
   * group of symmetries of the target (e.g. the sign of a parameter that
   * enters squared): draws are compared and returned folded, so chains in
   * mirror-image modes count as agreeing.
   */
  fold?(u: Float64Array, n: number): void;
}

export interface McmcSettings {
  /** Independent chains (default 8). */
  chains: number;
  /** Adaptation iterations per chain, discarded (default 3000). */
  warmup: number;
  /** Draws per chain at the first convergence check; later checks at 2, 4, 8, ... times it (default 1000). */
  block: number;
  /** Draws per chain after which an unconverged run is an error (default 200,000). */
  maxDraws: number;
  /** Smallest bulk ESS (over parameters) to stop at (default 1000). */
  minEss: number;
  /** Largest split R-hat to stop at (default 1.01). */
  rhatThreshold: number;
}

export const DEFAULT_MCMC_SETTINGS: Readonly<McmcSettings> = Object.freeze({ chains: 8, warmup: 3000, block: 1000, maxDraws: 200_000, minEss: 1000, rhatThreshold: RHAT_THRESHOLD });

/** A finished run: folded draws per chain and its diagnostics. */
export interface McmcRun {
  /** Per chain, draws [drawsPerChain, dim] after warmup (folded when the target folds). */
  draws: Float64Array[];
  drawsPerChain: number;
  /** Split R-hat per parameter (each < rhatThreshold). */
  rhat: number[];
  /** Bulk ESS per parameter. */
  essBulk: number[];
  /** Fraction of accepted proposals after warmup. */
  acceptance: number;
  /** Log-density evaluations (rows), warmup included. */
  evaluations: number;
  seconds: number;
}

/** The run did not converge within maxDraws: the numbers say how far it got. */
export class McmcConvergenceError extends DomainError {
  constructor(
    readonly rhat: number[],
    readonly ess: number[],
    drawsPerChain: number,
  ) {
    super(
      "mcmc",
      "split R-hat below the threshold and bulk ESS above minEss",
      `R-hat ${rhat.map((r) => r.toFixed(3)).join(", ")}, ESS ${ess.map((e) => e.toFixed(0)).join(", ")}`,
      `after ${drawsPerChain} draws per chain; raise maxDraws or warmup`,
    );
  }
}

/** Settings with defaults filled in and checked (DomainError naming the setting). */
export function mcmcSettings(given: Partial<McmcSettings> = {}): McmcSettings {
  const s = { ...DEFAULT_MCMC_SETTINGS, ...given };
  assertInteger("mcmc.chains", s.chains, 2);
  assertInteger("mcmc.warmup", s.warmup, 100);
  assertInteger("mcmc.block", s.block, 4);
  assertInteger("mcmc.maxDraws", s.maxDraws, s.block);
  assertPositive("mcmc.minEss", s.minEss);
  if (!(s.rhatThreshold > 1)) throw new DomainError("mcmc.rhatThreshold", "a number > 1", String(s.rhatThreshold));
  return s;
}

const TARGET_ACCEPTANCE = 0.234; // Roberts, Gelman & Gilks (1997): optimal for random-walk Metropolis in d >= 5 (0.44 in 1-D)
const ADAPT_EVERY = 100;

/** One chain's proposal: u' = u + scale L eps, L the Cholesky factor of the adapted covariance. */
interface Proposal {
  L: Float64Array;
  logScale: number;
  /** L is an estimated covariance's factor (not the starts' diagonal spread). */
  shaped: boolean;
}

/**
 * Runs `settings.chains` random-walk Metropolis chains from `starts` [chains, dim]
 * (Haario, Saksman & Tamminen 2001 adaptation during warmup only, so the
 * kept draws come from a fixed, valid Metropolis kernel): during warmup each
 * chain's proposal covariance is its own draws' covariance over the second
 * half of the warmup so far (every 100 iterations) and its scale follows
 * Robbins-Monro toward acceptance 0.234 (Andrieu & Thoms 2008, alg. 4).
 * Then draws with the kernel fixed, checked after b, 2 b, 4 b, ... draws per
 * chain, b = max(block, minDraws / chains) (a doubling schedule keeps the checks' cost below the
 * sampling's) until every parameter's split R-hat is below the threshold,
 * its bulk ESS at least minEss, and there are at least `minDraws` draws in
 * all; McmcConvergenceError once maxDraws per chain did not suffice.
 */
export function adaptiveMetropolis(target: McmcTarget, starts: Float64Array, rng: Rng, given: Partial<McmcSettings> = {}, minDraws = 0): McmcRun {
  const s = mcmcSettings(given);
  const { dim } = target;
  const C = s.chains;
  if (starts.length !== C * dim) throw new ShapeError("starts", `${C * dim} values (${C} chains x ${dim})`, `${starts.length} values`);
  const t0 = Date.now();
  const u = Float64Array.from(starts);
  const lp = target.logDensity(u, C);
  let evaluations = C;
  lp.forEach((v, c) => {
    if (!(v > -Infinity) || Number.isNaN(v)) throw new DomainError("starts", "points of finite log-density", `${v} at chain ${c}`);
  });
  const spread = initialSpread(u, C, dim);
  const proposals: Proposal[] = Array.from({ length: C }, () => ({ L: diagonalFactor(spread), logScale: Math.log(0.1), shaped: false }));
  const proposal = new Float64Array(C * dim);

  /** One Metropolis step of all chains; returns accepted count; `adaptAt` > 0 tunes scales with gain adaptAt^-0.6. */
  const step = (adaptAt: number): number => {
    const eps = normals(rng, C * dim);
    const accept = uniforms(rng, C);
    for (let c = 0; c < C; c++) {
      const { L, logScale } = proposals[c];
      const sc = Math.exp(logScale);
      for (let i = 0; i < dim; i++) {
        let z = 0;
        for (let j = 0; j <= i; j++) z += L[i * dim + j] * eps[c * dim + j];
        proposal[c * dim + i] = u[c * dim + i] + sc * z;
      }
    }
    const lpNew = target.logDensity(proposal, C);
    evaluations += C;
    let accepted = 0;
    for (let c = 0; c < C; c++) {
      const logRatio = Number.isNaN(lpNew[c]) ? -Infinity : lpNew[c] - lp[c];
      if (Math.log(accept[c]) < logRatio) {
        u.set(proposal.subarray(c * dim, (c + 1) * dim), c * dim);
        lp[c] = lpNew[c];
        accepted++;
      }
      if (adaptAt > 0) proposals[c].logScale += Math.pow(adaptAt, -0.6) * (Math.min(1, Math.exp(logRatio)) - TARGET_ACCEPTANCE);
    }
    return accepted;
  };

  // warmup: keep each chain's path to estimate its covariance
  const history = Array.from({ length: C }, () => new Float64Array(s.warmup * dim));
  for (let t = 0; t < s.warmup; t++) {
    step(t + 1);
    for (let c = 0; c < C; c++) history[c].set(u.subarray(c * dim, (c + 1) * dim), t * dim);
    if ((t + 1) % ADAPT_EVERY === 0 && t + 1 >= 2 * ADAPT_EVERY) {
      for (let c = 0; c < C; c++) {
        const L = covarianceFactor(history[c], Math.floor((t + 1) / 2), t + 1, dim);
        if (!L) continue;
        // the first estimated shape: restart the scale at Haario's 2.38 / sqrt(d), then keep adapting it
        if (!proposals[c].shaped) proposals[c].logScale = Math.log(2.38 / Math.sqrt(dim));
        proposals[c].L = L;
        proposals[c].shaped = true;
      }
    }
  }

  // sampling with the kernel fixed
  const draws: number[][] = Array.from({ length: C }, () => []);
  const fold = new Float64Array(C * dim);
  let acceptedTotal = 0;
  let steps = 0;
  let rhat: number[] = [];
  let ess: number[] = [];
  // minDraws may ask for more than maxDraws per chain: the run must be able to satisfy it
  const maxDraws = Math.max(s.maxDraws, Math.ceil(minDraws / C));
  let checkAt = Math.min(maxDraws, Math.max(s.block, Math.ceil(minDraws / C)));
  for (;;) {
    while (steps < checkAt) {
      acceptedTotal += step(0);
      steps++;
      fold.set(u);
      target.fold?.(fold, C);
      for (let c = 0; c < C; c++) for (let i = 0; i < dim; i++) draws[c].push(fold[c * dim + i]);
    }
    const column = (i: number) => draws.map((d) => Float64Array.from({ length: steps }, (_, k) => d[k * dim + i]));
    rhat = Array.from({ length: dim }, (_, i) => splitRhat(column(i)));
    const last = steps >= maxDraws;
    // ESS only when R-hat already passes (or for the error's numbers): half the cost of a failed check
    const mixed = rhat.every((r) => r < s.rhatThreshold);
    ess = mixed || last ? Array.from({ length: dim }, (_, i) => essBulk(column(i))) : [];
    if (mixed && ess.every((e) => e >= s.minEss) && steps * C >= minDraws) break;
    if (last) throw new McmcConvergenceError(rhat, ess, steps);
    checkAt = Math.min(maxDraws, 2 * checkAt);
  }
  return {
    draws: draws.map((d) => Float64Array.from(d)),
    drawsPerChain: draws[0].length / dim,
    rhat,
    essBulk: ess,
    acceptance: acceptedTotal / (steps * C),
    evaluations,
    seconds: (Date.now() - t0) / 1000,
  };
}

/** Per-coordinate spread of the starts (their std, or 1 where they coincide): the first proposal's shape. */
function initialSpread(u: Float64Array, n: number, dim: number): Float64Array {
  const sd = new Float64Array(dim);
  for (let i = 0; i < dim; i++) {
    let m = 0;
    for (let c = 0; c < n; c++) m += u[c * dim + i] / n;
    let v = 0;
    for (let c = 0; c < n; c++) v += (u[c * dim + i] - m) ** 2 / Math.max(1, n - 1);
    sd[i] = v > 0 ? Math.sqrt(v) : Math.max(1e-3, 0.01 * Math.abs(m));
  }
  return sd;
}

function diagonalFactor(sd: Float64Array): Float64Array {
  const d = sd.length;
  const L = new Float64Array(d * d);
  for (let i = 0; i < d; i++) L[i * d + i] = sd[i];
  return L;
}

/** Cholesky factor of the covariance of history rows [from, to), or null while the chain has not moved in every direction. */
function covarianceFactor(history: Float64Array, from: number, to: number, dim: number): Float64Array | null {
  const n = to - from;
  const mean = new Float64Array(dim);
  for (let t = from; t < to; t++) for (let i = 0; i < dim; i++) mean[i] += history[t * dim + i] / n;
  const cov = new Float64Array(dim * dim);
  for (let t = from; t < to; t++) {
    for (let i = 0; i < dim; i++) {
      const a = history[t * dim + i] - mean[i];
      for (let j = 0; j <= i; j++) cov[i * dim + j] += (a * (history[t * dim + j] - mean[j])) / (n - 1);
    }
  }
  for (let i = 0; i < dim; i++) {
    for (let j = 0; j < i; j++) cov[j * dim + i] = cov[i * dim + j];
    if (!(cov[i * dim + i] > 0)) return null;
    cov[i * dim + i] *= 1 + 1e-8;
  }
  try {
    return cholesky(cov, dim, "covariance");
  } catch {
    return null;
  }
}
