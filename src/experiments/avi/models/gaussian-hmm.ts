import { add } from "../../../autodiff/ops/binary.js";
import { normalLogProb } from "../../../autodiff/ops/gaussian.js";
import { concatCols, reshape, sliceCols } from "../../../autodiff/ops/shape.js";
import { assertInteger, assertPositive } from "../../../core/errors.js";
import type { Rng } from "../../../core/rng.js";
import { Tensor } from "../../../core/tensor.js";
import type { Batch, LatentSite, LatentValues, Model } from "../../../models/model.js";
import { checkFullSequence, continuousLocal, normals } from "./sequence-sites.js";
import { checkSeries, linearGaussianPosterior, type GaussianPosterior } from "./linear-gaussian-posterior.js";

export * from "./linear-gaussian-posterior.js";
export * from "./sequence-sites.js";

export interface GaussianHmmOptions {
  /** Length of the series. Default 100. */
  N?: number;
  /** Std of z_1. Default 1. */
  initialStd?: number;
  /** Std of the random-walk step z_n - z_{n-1}. Default 1. */
  transitionStd?: number;
  /** Observation noise std s. Default 1. */
  noiseStd?: number;
}

/**
 * Gaussian random-walk state-space model (avi-hmm, document 000):
 * z_1 ~ N(0, s0^2), z_n ~ N(z_{n-1}, st^2), x_n ~ N(z_n, s^2), n = 1..N.
 * The log joint couples neighbouring locals, so a batch must be the FULL
 * ordered series (obs [N, 1], index 0..N-1 if given); anything else throws.
 * Per-datapoint terms: log N(z_n; z_{n-1}, st^2) (z_0 = 0, std s0 for n = 1) + log N(x_n; z_n, s^2).
 */
export class GaussianHmm implements Model {
  readonly name = "gaussian-hmm";
  readonly latents: readonly LatentSite[] = [continuousLocal("z")];
  readonly obsDim = 1;
  /** logJoint needs all N ordered time points in one batch (no minibatching). */
  readonly requiresFullSequence = true;
  readonly N: number;
  readonly initialStd: number;
  readonly transitionStd: number;
  readonly noiseStd: number;

  constructor({ N = 100, initialStd = 1, transitionStd = 1, noiseStd = 1 }: GaussianHmmOptions = {}) {
    assertInteger("N", N, 2);
    assertPositive("initialStd", initialStd);
    assertPositive("transitionStd", transitionStd);
    assertPositive("noiseStd", noiseStd);
    this.N = N;
    this.initialStd = initialStd;
    this.transitionStd = transitionStd;
    this.noiseStd = noiseStd;
  }

  /** sum_n of the per-step terms above, as a Tensor [N]. */
  logJoint(values: LatentValues, batch: Batch): Tensor {
    const z = checkFullSequence(this, values, batch);
    const N = this.N;
    // z_{n-1} with z_0 = 0: shift the column down by one row
    const prev = reshape(concatCols([Tensor.zeros([1, 1]), sliceCols(reshape(z, [1, N]), 0, N - 1)]), [N, 1]);
    const stepStd = new Float64Array(N).fill(Math.log(this.transitionStd));
    stepStd[0] = Math.log(this.initialStd);
    const prior = normalLogProb(z, prev, Tensor.from(stepStd, [N, 1]));
    const lik = normalLogProb(batch.obs, z, Tensor.scalar(Math.log(this.noiseStd)));
    return add(prior, lik);
  }

  /** One series: values.z [N, 1], batch.obs [N, 1], index 0..N-1 (n must equal N). */
  sampleJoint(n: number, rng: Rng): { values: LatentValues; batch: Batch } {
    assertInteger("n", n, this.N);
    const e = normals(rng, 2 * this.N);
    const z = new Float64Array(this.N);
    const x = new Float64Array(this.N);
    for (let i = 0; i < this.N; i++) {
      z[i] = (i === 0 ? 0 : z[i - 1]) + (i === 0 ? this.initialStd : this.transitionStd) * e[i];
      x[i] = z[i] + this.noiseStd * e[this.N + i];
    }
    return {
      values: { z: Tensor.from(z, [this.N, 1], "persistent") },
      batch: { obs: Tensor.from(x, [this.N, 1], "persistent"), index: Int32Array.from({ length: this.N }, (_, i) => i) },
    };
  }

  /** Prior precision D^T diag(1/std^2) D of the random walk (D = first differences), dense [N * N]. */
  priorPrecision(): Float64Array {
    const N = this.N;
    const P = new Float64Array(N * N);
    const a0 = 1 / this.initialStd ** 2;
    const a = 1 / this.transitionStd ** 2;
    for (let i = 0; i < N; i++) {
      P[i * N + i] = (i === 0 ? a0 : a) + (i < N - 1 ? a : 0);
      if (i > 0) P[i * N + i - 1] = P[(i - 1) * N + i] = -a;
    }
    return P;
  }

  /** Exact posterior p(z | x) (Gaussian; its mean is the F-VI optimum) for a finite series x of length N. */
  posterior(x: ArrayLike<number>): GaussianPosterior {
    checkSeries("x", x, this.N);
    const logDetCov = 2 * (Math.log(this.initialStd) + (this.N - 1) * Math.log(this.transitionStd));
    return linearGaussianPosterior(this.priorPrecision(), logDetCov, this.noiseStd, x);
  }
}
