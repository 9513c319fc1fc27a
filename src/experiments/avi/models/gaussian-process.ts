import { add } from "../../../autodiff/ops/binary.js";
import { normalLogProb } from "../../../autodiff/ops/gaussian.js";
import { matmul } from "../../../autodiff/ops/linalg.js";
import { assertInteger, assertPositive, DomainError } from "../../../core/errors.js";
import type { Rng } from "../../../core/rng.js";
import { Tensor } from "../../../core/tensor.js";
import type { Batch, LatentSite, LatentValues, Model } from "../../../models/model.js";
import { checkSeries, cholesky, inverseFromCholesky, invertLower, linearGaussianPosterior, type GaussianPosterior } from "./linear-gaussian-posterior.js";
import { checkFullSequence, continuousLocal, normals } from "./sequence-sites.js";

export interface GaussianProcessOptions {
  /** Grid points t_n = n (n = 0..N-1). Default 60. */
  N?: number;
  /** RBF length scale in grid steps. Default 2. */
  lengthScale?: number;
  /** RBF variance. Default 1. */
  variance?: number;
  /** Observation noise std s. Default 0.5. */
  noiseStd?: number;
  /** Added to the kernel's diagonal (a nugget that keeps K well conditioned). Default 0.01 * variance (a white-noise part of the prior). */
  jitter?: number;
}

/**
 * Gaussian-process regression on a 1-D grid (avi-gp, our construction):
 * z ~ GP(0, k) at t_n = n, k(t, t') = v exp(-(t - t')^2 / (2 l^2)) (+ jitter on the diagonal),
 * x_n ~ N(z_n, s^2). The prior is dense, so a batch must be the FULL grid (obs [N, 1]).
 * Per-datapoint terms use the whitening u = L^{-1} z (K = L L^T):
 *   log N(u_n; 0, 1) - log L_nn + log N(x_n; z_n, s^2), which sum to log N(z; 0, K) + log p(x | z).
 */
export class GaussianProcessGrid implements Model {
  readonly name = "gaussian-process-grid";
  readonly latents: readonly LatentSite[] = [continuousLocal("z")];
  readonly obsDim = 1;
  /** logJoint needs all N grid points in one batch (no minibatching). */
  readonly requiresFullSequence = true;
  readonly N: number;
  readonly lengthScale: number;
  readonly variance: number;
  readonly noiseStd: number;
  readonly jitter: number;
  /** Kernel matrix K (with jitter), row-major [N * N]. */
  readonly kernel: Float64Array;
  private readonly cholK: Float64Array;
  private readonly whitenT: Tensor;
  private readonly logDiagT: Tensor;

  constructor({ N = 60, lengthScale = 2, variance = 1, noiseStd = 0.5, jitter }: GaussianProcessOptions = {}) {
    assertInteger("N", N, 2);
    assertPositive("lengthScale", lengthScale);
    assertPositive("variance", variance);
    assertPositive("noiseStd", noiseStd);
    const nugget = jitter ?? 1e-2 * variance;
    if (!(nugget >= 0) || !Number.isFinite(nugget)) throw new DomainError("jitter", "a finite value >= 0", String(jitter));
    this.N = N;
    this.lengthScale = lengthScale;
    this.variance = variance;
    this.noiseStd = noiseStd;
    this.jitter = nugget;
    const K = new Float64Array(N * N);
    for (let i = 0; i < N; i++) {
      for (let j = 0; j < N; j++) K[i * N + j] = variance * Math.exp(-((i - j) ** 2) / (2 * lengthScale ** 2)) + (i === j ? nugget : 0);
    }
    this.kernel = K;
    this.cholK = cholesky(K, N);
    this.whitenT = Tensor.from(invertLower(this.cholK, N), [N, N], "persistent");
    this.logDiagT = Tensor.from(Array.from({ length: N }, (_, i) => -Math.log(this.cholK[i * N + i])), [N], "persistent");
  }

  /** Per-grid-point terms of log N(z; 0, K) + log p(x | z), Tensor [N]. */
  logJoint(values: LatentValues, batch: Batch): Tensor {
    const z = checkFullSequence(this, values, batch);
    const u = matmul(this.whitenT, z);
    const prior = add(normalLogProb(u, Tensor.scalar(0), Tensor.scalar(0)), this.logDiagT);
    return add(prior, normalLogProb(batch.obs, z, Tensor.scalar(Math.log(this.noiseStd))));
  }

  /** One draw of the whole grid: z = L e, x = z + s e' (n must equal N). */
  sampleJoint(n: number, rng: Rng): { values: LatentValues; batch: Batch } {
    assertInteger("n", n, this.N);
    const N = this.N;
    const e = normals(rng, 2 * N);
    const z = new Float64Array(N);
    const x = new Float64Array(N);
    for (let i = 0; i < N; i++) {
      for (let k = 0; k <= i; k++) z[i] += this.cholK[i * N + k] * e[k];
      x[i] = z[i] + this.noiseStd * e[N + i];
    }
    return {
      values: { z: Tensor.from(z, [N, 1], "persistent") },
      batch: { obs: Tensor.from(x, [N, 1], "persistent"), index: Int32Array.from({ length: N }, (_, i) => i) },
    };
  }

  /** Exact posterior p(z | x) for a finite series x of length N (mean = K (K + s^2 I)^{-1} x). */
  posterior(x: ArrayLike<number>): GaussianPosterior {
    checkSeries("x", x, this.N);
    const N = this.N;
    let logDet = 0;
    for (let i = 0; i < N; i++) logDet += 2 * Math.log(this.cholK[i * N + i]);
    return linearGaussianPosterior(inverseFromCholesky(this.cholK, N), logDet, this.noiseStd, x);
  }
}
