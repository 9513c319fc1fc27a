// Exact ELBO of the linear-Gaussian avi-* models with one global latent
// (avi-linear, avi-saw): a flat prior on theta, z_n ~ N(mu_n, sz^2),
// x_n ~ N(cz z_n + ct theta, sx^2). For a mean-field Gaussian q every
// expectation in the ELBO is a first or second moment of q, so the -ELBO of
// a fitted family is known exactly, beside its Monte Carlo estimate.
import { DomainError, ShapeError } from "../../core/errors.js";

/** theta flat, z_n ~ N(priorMean_n, priorStd^2), x_n ~ N(gainZ z_n + gainTheta theta, noiseStd^2), n = 1..N. */
export interface LocalGlobalGaussian {
  x: ArrayLike<number>;
  /** mu_n: one number for every n, or one per datapoint (avi-saw: x_{n-1}). */
  priorMean: number | ArrayLike<number>;
  priorStd: number;
  gainZ: number;
  gainTheta: number;
  noiseStd: number;
}

/** q(theta) = N(thetaMean, thetaVar), q(z_n) = N(means_n, variances_n). */
export interface MeanFieldGaussian {
  thetaMean: number;
  thetaVar: number;
  means: ArrayLike<number>;
  variances: ArrayLike<number>;
}

const LOG_2PI = Math.log(2 * Math.PI);

function priorMeanAt(m: LocalGlobalGaussian, n: number): number {
  return typeof m.priorMean === "number" ? m.priorMean : m.priorMean[n];
}

function checkModel(m: LocalGlobalGaussian): void {
  for (const [name, v] of [["priorStd", m.priorStd], ["noiseStd", m.noiseStd]] as const) {
    if (!(v > 0) || !Number.isFinite(v)) throw new DomainError(name, "a finite value > 0", String(v));
  }
  if (typeof m.priorMean !== "number" && m.priorMean.length !== m.x.length) {
    throw new ShapeError("priorMean", `one value per datapoint (${m.x.length})`, `${m.priorMean.length} values`);
  }
}

/**
 * -ELBO = E_q[log q(theta, z) - log p(x, z | theta)] in closed form (all constants kept, flat p(theta) = 1):
 * sum_n [ 1/2 log(2 pi sz^2) + ((m_n - mu_n)^2 + v_n) / (2 sz^2)
 *       + 1/2 log(2 pi sx^2) + ((x_n - cz m_n - ct m_theta)^2 + cz^2 v_n + ct^2 v_theta) / (2 sx^2)
 *       - 1/2 log(2 pi e v_n) ] - 1/2 log(2 pi e v_theta).
 * The Monte Carlo estimate of diagnostics' evaluateNegElbo converges to it.
 */
export function localGlobalNegElbo(model: LocalGlobalGaussian, q: MeanFieldGaussian): number {
  checkModel(model);
  const N = model.x.length;
  if (q.means.length !== N || q.variances.length !== N) {
    throw new ShapeError("q", `${N} means and variances (one per datapoint)`, `${q.means.length} means, ${q.variances.length} variances`);
  }
  const { priorStd: sz, noiseStd: sx, gainZ: cz, gainTheta: ct } = model;
  const check = (name: string, v: number) => {
    if (!(v > 0) || !Number.isFinite(v)) throw new DomainError(name, "a finite variance > 0", String(v));
  };
  check("q.thetaVar", q.thetaVar);
  let total = -0.5 * (LOG_2PI + 1 + Math.log(q.thetaVar));
  for (let n = 0; n < N; n++) {
    const m = q.means[n];
    const v = q.variances[n];
    check(`q.variances[${n}]`, v);
    const dz = m - priorMeanAt(model, n);
    const r = model.x[n] - cz * m - ct * q.thetaMean;
    total += 0.5 * (LOG_2PI + 2 * Math.log(sz)) + (dz * dz + v) / (2 * sz * sz);
    total += 0.5 * (LOG_2PI + 2 * Math.log(sx)) + (r * r + cz * cz * v + ct * ct * q.thetaVar) / (2 * sx * sx);
    total -= 0.5 * (LOG_2PI + 1 + Math.log(v));
  }
  return total;
}

/**
 * The mean-field (F-VI) optimum: the exact posterior means and variances 1 / Lambda_ii.
 * The posterior precision is an arrowhead, Lambda_zz = alpha I with alpha = 1/sz^2 + cz^2/sx^2,
 * Lambda_theta,theta = N ct^2/sx^2, Lambda_z_n,theta = lambda = cz ct / sx^2; with
 * b_n = mu_n/sz^2 + cz x_n/sx^2 and b_theta = ct sum x_n / sx^2 the means solve
 * m_theta = (b_theta - lambda sum_n b_n / alpha) / (Lambda_theta,theta - N lambda^2 / alpha), m_n = (b_n - lambda m_theta) / alpha.
 */
export function localGlobalFviOptimum(model: LocalGlobalGaussian): MeanFieldGaussian & { means: Float64Array; variances: Float64Array } {
  checkModel(model);
  const N = model.x.length;
  if (N < 1) throw new ShapeError("x", "at least one datapoint", "none");
  if (model.gainTheta === 0) throw new DomainError("gainTheta", "a non-zero gain (theta's posterior is improper otherwise)", "0");
  const { priorStd: sz, noiseStd: sx, gainZ: cz, gainTheta: ct } = model;
  const alpha = 1 / (sz * sz) + (cz * cz) / (sx * sx);
  const lambda = (cz * ct) / (sx * sx);
  const ltt = (N * ct * ct) / (sx * sx);
  const b = Float64Array.from({ length: N }, (_, n) => priorMeanAt(model, n) / (sz * sz) + (cz * model.x[n]) / (sx * sx));
  let sumX = 0;
  let sumB = 0;
  for (let n = 0; n < N; n++) {
    sumX += model.x[n];
    sumB += b[n];
  }
  const thetaMean = ((ct * sumX) / (sx * sx) - (lambda * sumB) / alpha) / (ltt - (N * lambda * lambda) / alpha);
  return {
    thetaMean,
    thetaVar: 1 / ltt,
    means: b.map((bn) => (bn - lambda * thetaMean) / alpha),
    variances: new Float64Array(N).fill(1 / alpha),
  };
}

/** avi-linear as a LocalGlobalGaussian: z_n ~ N(0, 1), x_n ~ N(theta + tau z_n, s^2). */
export function linearStudyGaussian(x: ArrayLike<number>, tau: number, s: number): LocalGlobalGaussian {
  return { x, priorMean: 0, priorStd: 1, gainZ: tau, gainTheta: 1, noiseStd: s };
}

/** avi-saw as a LocalGlobalGaussian: z_n ~ N(x_{n-1}, 1) (x_0 = 0), x_n ~ N(a (z_n + theta), 1). */
export function sawStudyGaussian(x: ArrayLike<number>, a: number): LocalGlobalGaussian {
  const previous = Float64Array.from({ length: x.length }, (_, n) => (n > 0 ? x[n - 1] : 0));
  return { x, priorMean: previous, priorStd: 1, gainZ: a, gainTheta: a, noiseStd: 1 };
}
