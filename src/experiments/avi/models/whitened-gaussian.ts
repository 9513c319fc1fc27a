import { add } from "../../../autodiff/ops/binary.js";
import { normalLogProb } from "../../../autodiff/ops/gaussian.js";
import { matmul } from "../../../autodiff/ops/linalg.js";
import { reshape } from "../../../autodiff/ops/shape.js";
import { noGrad } from "../../../autodiff/tape.js";
import { NonFiniteError, ShapeError, assertInteger } from "../../../core/errors.js";
import type { Rng } from "../../../core/rng.js";
import { Tensor } from "../../../core/tensor.js";
import { cholesky, invertLower } from "../../../core/dense-matrix.js";
import { real, type Support } from "../../../distributions/support.js";
import type { JointRowsDistribution } from "../../../model/joint-rows.js";
import { checkRowsShape, rowsValue } from "./rows-shape.js";

/**
 * z ~ N(0, K) over the rows of a plate jointly (a Gaussian process evaluated
 * at the rows' inputs), K = L L^T by Cholesky. logProb(z [N, 1]) returns the
 * whitened per-row terms log N(u_n; 0, 1) - log L_nn with u = L^{-1} z,
 * which sum to log N(z; 0, K); a draw is z = L e, e ~ N(0, I). Build it once
 * (it holds L and L^{-1}, persistent); full batch only.
 */
export class WhitenedGaussian implements JointRowsDistribution {
  readonly support: Support = real;
  readonly batchShape: readonly number[];
  readonly eventShape: readonly number[] = [];
  readonly reparameterized = true;
  readonly jointRows: number;
  /** Cholesky factor L of K, row-major [N * N] (lower triangular). */
  readonly choleskyFactor: Float64Array;
  /** L^T [N, N]: a draw is z^T = e^T L^T (each z_n sums L_nk e_k in order k = 1..n). */
  private readonly factorT: Tensor;
  private readonly whiten: Tensor;
  private readonly logDiag: Tensor;

  /** From the covariance K (dense, row-major N x N, symmetric positive definite). */
  constructor(covariance: ArrayLike<number>, N: number) {
    assertInteger("N", N, 1);
    if (covariance.length !== N * N) throw new ShapeError("covariance", `${N * N} values (N x N, row-major)`, `${covariance.length} values`);
    for (let i = 0; i < covariance.length; i++) {
      if (!Number.isFinite(covariance[i])) throw new NonFiniteError("covariance", "finite numbers", `${covariance[i]} at index ${i}`);
    }
    this.jointRows = N;
    this.batchShape = [N, 1];
    const L = cholesky(covariance, N, "covariance");
    this.choleskyFactor = L;
    const LT = new Float64Array(N * N);
    for (let i = 0; i < N; i++) for (let k = 0; k <= i; k++) LT[k * N + i] = L[i * N + k];
    this.factorT = Tensor.from(LT, [N, N], "persistent");
    this.whiten = Tensor.from(invertLower(L, N), [N, N], "persistent");
    this.logDiag = Tensor.from(Array.from({ length: N }, (_, i) => -Math.log(L[i * N + i])), [N], "persistent");
  }

  /** log det K = 2 sum_n log L_nn. */
  get logDetCovariance(): number {
    const N = this.jointRows;
    let s = 0;
    for (let i = 0; i < N; i++) s += 2 * Math.log(this.choleskyFactor[i * N + i]);
    return s;
  }

  /** Whitened per-row terms log N(u_n; 0, 1) - log L_nn, u = L^{-1} z, Tensor [N] (differentiable in z). */
  logProb(value: Tensor): Tensor {
    const z = rowsValue("WhitenedGaussian value", value, this.jointRows);
    const u = matmul(this.whiten, z);
    return add(normalLogProb(u, 0, 0), this.logDiag);
  }

  /** z = L e, e ~ N(0, I) (no gradient). */
  sample(rng: Rng, shape: readonly number[] = this.batchShape): Tensor {
    return noGrad(() => this.rsample(rng, shape));
  }

  /** z = L e, e ~ N(0, I) (K is a constant: nothing to differentiate but e). */
  rsample(rng: Rng, shape: readonly number[] = this.batchShape): Tensor {
    checkRowsShape("WhitenedGaussian shape", shape, this.jointRows);
    return reshape(matmul(rng.normal([1, this.jointRows]), this.factorT), [this.jointRows, 1]);
  }

  /** Frees the persistent constants. */
  dispose(): void {
    this.factorT.dispose();
    this.whiten.dispose();
    this.logDiag.dispose();
  }
}
