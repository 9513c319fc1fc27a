import { normalLogProb } from "../../../autodiff/ops/gaussian.js";
import { matmul } from "../../../autodiff/ops/linalg.js";
import { concatCols, reshape, sliceCols } from "../../../autodiff/ops/shape.js";
import { noGrad } from "../../../autodiff/tape.js";
import { assertInteger, assertPositive } from "../../../core/errors.js";
import type { Rng } from "../../../core/rng.js";
import { Tensor } from "../../../core/tensor.js";
import { real, type Support } from "../../../distributions/support.js";
import type { JointRowsDistribution } from "../../../model/joint-rows.js";
import { checkRowsShape, rowsValue } from "./rows-shape.js";

export interface GaussianRandomWalkOptions {
  /** Number of steps (the plate's rows). */
  N: number;
  /** Std s0 of z_1 around 0. Default 1. */
  initialStd?: number;
  /** Std st of each step z_n - z_{n-1}. Default 1. */
  stepStd?: number;
}

/**
 * A Gaussian random walk over the rows of a plate jointly:
 * z_1 ~ N(0, s0^2), z_n ~ N(z_{n-1}, st^2), n = 2..N. logProb(z [N, 1])
 * returns the per-step terms log N(z_n; z_{n-1}, s_n^2) (z_0 = 0), which sum
 * to log p(z); a draw is z = L e with L_nk = s_k for k <= n (cumulative sums
 * of the steps). Build it once (it holds persistent constants); full batch only.
 */
export class GaussianRandomWalk implements JointRowsDistribution {
  readonly support: Support = real;
  readonly batchShape: readonly number[];
  readonly eventShape: readonly number[] = [];
  readonly reparameterized = true;
  readonly jointRows: number;
  readonly initialStd: number;
  readonly stepStd: number;
  /** log s_n per step [N, 1]: log s0 first, then log st. */
  private readonly stepLogStd: Tensor;
  /** L^T [N, N] with L_nk = s_k for k <= n (z^T = e^T L^T: each z_n sums s_k e_k in order k = 1..n). */
  private readonly cumulativeT: Tensor;

  constructor({ N, initialStd = 1, stepStd = 1 }: GaussianRandomWalkOptions) {
    assertInteger("N", N, 2);
    assertPositive("initialStd", initialStd);
    assertPositive("stepStd", stepStd);
    this.jointRows = N;
    this.batchShape = [N, 1];
    this.initialStd = initialStd;
    this.stepStd = stepStd;
    const logStd = new Float64Array(N).fill(Math.log(stepStd));
    logStd[0] = Math.log(initialStd);
    this.stepLogStd = Tensor.from(logStd, [N, 1], "persistent");
    const LT = new Float64Array(N * N);
    for (let k = 0; k < N; k++) for (let n = k; n < N; n++) LT[k * N + n] = k === 0 ? initialStd : stepStd;
    this.cumulativeT = Tensor.from(LT, [N, N], "persistent");
  }

  /** Per-step terms log N(z_n; z_{n-1}, s_n^2) with z_0 = 0, Tensor [N] (differentiable in z). */
  logProb(value: Tensor): Tensor {
    const N = this.jointRows;
    const z = rowsValue("GaussianRandomWalk value", value, N);
    // z_{n-1} with z_0 = 0: the column shifted down by one row
    const prev = reshape(concatCols([Tensor.zeros([1, 1]), sliceCols(reshape(z, [1, N]), 0, N - 1)]), [N, 1]);
    return normalLogProb(z, prev, this.stepLogStd);
  }

  /** z = L e, e ~ N(0, I_N) (no gradient). */
  sample(rng: Rng, shape: readonly number[] = this.batchShape): Tensor {
    return noGrad(() => this.rsample(rng, shape));
  }

  /** z = L e, e ~ N(0, I_N): the walk's cumulative sums of its steps (the walk has no parameters to differentiate). */
  rsample(rng: Rng, shape: readonly number[] = this.batchShape): Tensor {
    checkRowsShape("GaussianRandomWalk shape", shape, this.jointRows);
    return reshape(matmul(rng.normal([1, this.jointRows]), this.cumulativeT), [this.jointRows, 1]);
  }

  /** Frees the persistent constants. */
  dispose(): void {
    this.stepLogStd.dispose();
    this.cumulativeT.dispose();
  }
}
