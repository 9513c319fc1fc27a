import { add } from "../../../autodiff/ops/binary.js";
import { normalLogProb } from "../../../autodiff/ops/gaussian.js";
import { scale } from "../../../autodiff/ops/unary.js";
import { DomainError, assertPositive } from "../../../core/errors.js";
import type { Rng } from "../../../core/rng.js";
import { Tensor } from "../../../core/tensor.js";
import type { Batch, LatentSite, LatentValues, Model } from "../../../models/model.js";
import { continuousLatent } from "./latent-values.js";

export interface LinearModelOptions {
  /** Scale of the latent's effect tau. Default: 1.155 (the study's value). */
  tau?: number;
  /** Observation noise s. Default: 2.43. */
  s?: number;
  /** theta used by sampleJoint (the prior on theta is flat). Default: 0. */
  theta?: number;
}

/**
 * avi-linear (Margossian & Blei): flat p(theta), z_n ~ N(0, 1),
 * x_n ~ N(theta + tau z_n, s^2). The posterior is Gaussian, and the F-VI
 * optimum's means are linear in x_n (see linearFviOptimum).
 */
export class LinearModel implements Model {
  readonly name = "avi-linear";
  readonly latents: readonly LatentSite[] = [
    { name: "theta", scope: "global", dim: 1, support: { kind: "real" } },
    { name: "z", scope: "local", dim: 1, support: { kind: "real" } },
  ];
  readonly obsDim = 1;
  readonly tau: number;
  readonly s: number;
  readonly theta: number;
  private readonly zero: Tensor;
  private readonly logS: Tensor;

  constructor({ tau = 1.155, s = 2.43, theta = 0 }: LinearModelOptions = {}) {
    assertPositive("tau", tau);
    assertPositive("s", s);
    if (!Number.isFinite(theta)) throw new DomainError("theta", "a finite number", String(theta));
    [this.tau, this.s, this.theta] = [tau, s, theta];
    this.zero = Tensor.scalar(0, "persistent");
    this.logS = Tensor.scalar(Math.log(s), "persistent");
  }

  /** log N(z_n; 0, 1) + log N(x_n; theta + tau z_n, s^2), [B]. */
  logJoint(values: LatentValues, batch: Batch): Tensor {
    const z = continuousLatent(values, "z", batch.obs.rows);
    const theta = continuousLatent(values, "theta", 1);
    const loc = add(scale(z, this.tau), theta);
    return add(normalLogProb(z, this.zero, this.zero), normalLogProb(batch.obs, loc, this.logS));
  }

  /** n draws with the model's theta: z ~ N(0, 1), x = theta + tau z + s eps. */
  sampleJoint(n: number, rng: Rng): { values: LatentValues; batch: Batch } {
    const z = rng.normal([n, 1]).toFloat64Array();
    const eps = rng.normal([n, 1]).toFloat64Array();
    const x = z.map((zi, i) => this.theta + this.tau * zi + this.s * eps[i]);
    return {
      values: { z: Tensor.from(z, [n, 1]), theta: Tensor.from([this.theta], [1, 1]) },
      batch: { obs: Tensor.from(x, [n, 1]) },
    };
  }

  /** Per-datapoint constants dropped by the study's "-ELBO without constants": 1/2 log(2 pi) + log s. */
  get negElboConstantPerDatapoint(): number {
    return 0.5 * Math.log(2 * Math.PI) + Math.log(this.s);
  }
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
