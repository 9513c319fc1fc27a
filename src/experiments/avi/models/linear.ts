import { add } from "../../../autodiff/ops/binary.js";
import { scale } from "../../../autodiff/ops/unary.js";
import { DomainError, assertPositive } from "../../../core/errors.js";
import { Normal } from "../../../distributions/normal.js";
import { defineModel, type ProbModel } from "../../../model/model.js";
import { Flat } from "./flat.js";

/** Settings of avi-linear. */
export interface LinearSettings {
  /** Scale of the latent's effect tau. */
  readonly tau: number;
  /** Observation noise s. */
  readonly s: number;
  /** theta of forward runs (simulated data): the prior on theta is flat, so it has no draws. */
  readonly theta: number;
}

/** The settings with the study's defaults (tau = 1.155, s = 2.43, theta = 0), validated (DomainError naming the setting). */
export function linearSettings({ tau = 1.155, s = 2.43, theta = 0 }: Partial<LinearSettings> = {}): LinearSettings {
  assertPositive("tau", tau);
  assertPositive("s", s);
  if (!Number.isFinite(theta)) throw new DomainError("theta", "a finite number", String(theta));
  return { tau, s, theta };
}

/**
 * avi-linear (Margossian & Blei): flat p(theta), z_n ~ N(0, 1),
 * x_n ~ N(theta + tau z_n, s^2). The posterior is Gaussian, and the F-VI
 * optimum's means are linear in x_n (see linearFviOptimum). Forward runs
 * (sampleJoint) take theta = settings.theta.
 */
export function linearModel(options: Partial<LinearSettings> = {}): ProbModel {
  const { tau, s, theta: at } = linearSettings(options);
  const flat = new Flat({ at });
  return defineModel("avi-linear", (m) => {
    const theta = m.sample("theta", flat);
    m.plate("data", () => {
      const z = m.sample("z", new Normal(0, 1));
      m.observe("x", new Normal(add(scale(z, tau), theta), s));
    });
  });
}

/** Per-datapoint constants dropped by the study's "-ELBO without constants": 1/2 log(2 pi) + log s. */
export function linearNegElboConstant({ s }: Pick<LinearSettings, "s">): number {
  return 0.5 * Math.log(2 * Math.PI) + Math.log(s);
}

/**
 * The mean-field (F-VI) optimum in closed form: theta's mean = mean(x) with
 * variance s^2 / N, and q(z_n) = N(m_n, v) with
 * m_n = (tau / s^2)(x_n - theta) / (1 + tau^2 / s^2), v = 1 / (1 + tau^2 / s^2).
 * The means are linear in x_n, so a degree-1 polynomial A-VI attains it.
 */
export function linearFviOptimum(x: ArrayLike<number>, tau: number, s: number): { thetaMean: number; thetaVar: number; means: Float64Array; variance: number } {
  const N = x.length;
  let theta = 0;
  for (let i = 0; i < N; i++) theta += x[i] / N;
  const a = 1 + (tau * tau) / (s * s);
  const means = Float64Array.from(x, (xi) => ((tau / (s * s)) * (xi - theta)) / a);
  return { thetaMean: theta, thetaVar: (s * s) / N, means, variance: 1 / a };
}

/**
 * KL(q || p(theta, z | x)) for a mean-field Gaussian q over (theta, z_1..z_N)
 * and the exact posterior, whose precision is an arrowhead:
 * Lambda_zz = (1 + tau^2/s^2) I, Lambda_theta,theta = N/s^2, Lambda_z_n,theta = tau/s^2,
 * with mean (mean(x), F-VI means). Exact in O(N).
 */
export function linearPosteriorKL(
  q: { thetaMean: number; thetaVar: number; means: ArrayLike<number>; variances: ArrayLike<number> },
  x: ArrayLike<number>,
  tau: number,
  s: number,
): number {
  const N = x.length;
  const opt = linearFviOptimum(x, tau, s);
  const a = 1 + (tau * tau) / (s * s);
  const c = tau / (s * s);
  const lt = N / (s * s);
  const dt = q.thetaMean - opt.thetaMean;
  let quad = lt * dt * dt;
  let trace = lt * q.thetaVar;
  let sumLogV = Math.log(q.thetaVar);
  for (let n = 0; n < N; n++) {
    const dz = q.means[n] - opt.means[n];
    quad += a * dz * dz + 2 * c * dz * dt;
    trace += a * q.variances[n];
    sumLogV += Math.log(q.variances[n]);
  }
  // det(Lambda) = a^N (N/s^2 - N c^2 / a) (Schur complement of the z block)
  const logDet = N * Math.log(a) + Math.log(lt - (N * c * c) / a);
  return 0.5 * (trace + quad - (N + 1) - logDet - sumLogV);
}
