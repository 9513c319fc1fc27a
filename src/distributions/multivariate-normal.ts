import { DomainError, ShapeError, describeShape } from "../core/errors.js";
import type { Rng } from "../core/rng.js";
import { Tensor, shapeSize } from "../core/tensor.js";
import { add, sub } from "../autodiff/ops/binary.js";
import { matmul } from "../autodiff/ops/linalg.js";
import { sum, sumCols } from "../autodiff/ops/reduce.js";
import { repeatRows, reshape, transpose } from "../autodiff/ops/shape.js";
import { logDetTriangular, tril, triangularSolve } from "../autodiff/ops/triangular.js";
import { scale, shift, square } from "../autodiff/ops/unary.js";
import { noGrad } from "../autodiff/tape.js";
import { assertIndexBroadcast } from "../autodiff/ops/broadcast-index.js";
import { assertDrawShape, paramTensor, type Distribution, type ParamInput } from "./distribution.js";
import { real, type Support } from "./support.js";

const LOG_2PI = Math.log(2 * Math.PI);

/** Lower Cholesky factor of a symmetric positive-definite matrix given as rows (plain JS: constants at construction). */
function cholesky(argument: string, a: readonly (readonly number[])[]): number[][] {
  const d = a.length;
  const L = a.map(() => new Array<number>(d).fill(0));
  for (let j = 0; j < d; j++) {
    if (a[j].length !== d) throw new ShapeError(argument, `a square matrix [${d}, ${d}]`, `row ${j} of length ${a[j].length}`);
    for (let k = 0; k <= j; k++) {
      if (Math.abs(a[j][k] - a[k][j]) > 1e-12 * Math.max(1, Math.abs(a[j][k]))) {
        throw new DomainError(argument, "a symmetric matrix", `${a[j][k]} at [${j}, ${k}] and ${a[k][j]} at [${k}, ${j}]`);
      }
      let s = a[j][k];
      for (let m = 0; m < k; m++) s -= L[j][m] * L[k][m];
      if (j === k) {
        if (!(s > 0)) throw new DomainError(argument, "a positive-definite matrix", `pivot ${s} at [${j}, ${j}]`);
        L[j][j] = Math.sqrt(s);
      } else L[j][k] = s / L[k][k];
    }
  }
  return L;
}

/**
 * Multivariate Normal N(loc, L L^T) with the Cholesky factor `scaleTril` L
 * [d, d] (lower triangular, positive diagonal; entries above it must be 0
 * and get no gradient) and loc [d] or [B, d]. Batch [B] ([] for loc [d]),
 * event [d]. rsample z = loc + L eps; logProb via the triangular solve
 * u = L^{-1}(x - loc): -|u|^2/2 - sum_j log L_jj - d log(2 pi)/2.
 * Parameters: numbers / arrays (constants) or Tensors (gradients of logProb,
 * rsample, entropy and KL flow into loc and the lower triangle of L).
 */
export class MultivariateNormal implements Distribution {
  readonly loc: Tensor;
  readonly scaleTril: Tensor;
  readonly support: Support = real;
  readonly reparameterized = true;

  constructor(loc: ParamInput, scaleTril: ParamInput) {
    this.loc = paramTensor("loc", loc);
    this.scaleTril = paramTensor("scaleTril", scaleTril);
    const L = this.scaleTril;
    if (L.rank !== 2 || L.shape[0] !== L.shape[1]) {
      throw new ShapeError("scaleTril", "a square matrix [d, d]", `shape ${describeShape(L.shape)}`);
    }
    const d = L.shape[0];
    if (this.loc.rank > 2 || this.loc.shape[this.loc.rank - 1] !== d) {
      throw new ShapeError("loc", `shape [${d}] or [B, ${d}] (d from scaleTril)`, `shape ${describeShape(this.loc.shape)}`);
    }
    const bad = L.rt.k.firstNotCholesky(L.ptr, d);
    if (bad >= 0) {
      throw new DomainError(
        "scaleTril",
        "a lower-triangular matrix with a finite positive diagonal (zeros above it)",
        `${L.view()[bad]} at [${Math.floor(bad / d)}, ${bad % d}]`,
      );
    }
  }

  /** N(loc, covariance) with the Cholesky factor of a constant covariance (rows of numbers). */
  static fromCovariance(loc: ParamInput, covariance: readonly (readonly number[])[]): MultivariateNormal {
    return new MultivariateNormal(loc, cholesky("covariance", covariance));
  }

  get dim(): number {
    return this.scaleTril.shape[0];
  }

  get batchShape(): readonly number[] {
    return this.loc.shape.slice(0, -1);
  }

  get eventShape(): readonly number[] {
    return [this.dim];
  }

  /** rsample without gradient. */
  sample(rng: Rng, shape: readonly number[] = this.loc.shape): Tensor {
    return noGrad(() => this.rsample(rng, shape));
  }

  /** z = loc + L eps, eps ~ N(0, I) of `shape` [..., d] (loc broadcast by index). */
  rsample(rng: Rng, shape: readonly number[] = this.loc.shape): Tensor {
    const d = this.dim;
    if (shape[shape.length - 1] !== d) throw new ShapeError("shape", `a last dim of ${d} (the event)`, describeShape(shape));
    assertDrawShape(shape, [["loc", this.loc]]);
    const eps = rng.normal([shapeSize(shape) / d, d]);
    const z = matmul(eps, tril(this.scaleTril), { transB: true });
    return add(reshape(z, shape), this.loc);
  }

  /** -|L^{-1}(x - loc)|^2 / 2 - log det L - d log(2 pi) / 2 for value [..., d] -> its batch shape ([1] for [d]). */
  logProb(value: Tensor): Tensor {
    const d = this.dim;
    if (value.shape[value.rank - 1] !== d) {
      throw new ShapeError("value", `a last dim of ${d} (the event)`, `shape ${describeShape(value.shape)}`);
    }
    assertIndexBroadcast("loc", this.loc, value, "value");
    const n = value.size / d;
    const u = triangularSolve(this.scaleTril, reshape(sub(value, this.loc), [n, d]));
    const quad = shift(scale(sumCols(square(u)), -0.5), -0.5 * d * LOG_2PI);
    const lp = sub(quad, logDetTriangular(this.scaleTril));
    return value.rank > 1 ? reshape(lp, value.shape.slice(0, -1)) : lp;
  }

  /** H = d (1 + log 2 pi) / 2 + log det L -> the batch shape ([1] for loc [d]). */
  entropy(): Tensor {
    const h = shift(logDetTriangular(this.scaleTril), 0.5 * this.dim * (1 + LOG_2PI));
    return this.loc.rank === 2 && this.loc.rows > 1 ? repeatRows(h, this.loc.rows) : h;
  }
}

/**
 * KL(N(m1, L1 L1^T) || N(m2, L2 L2^T)) = |L2^{-1} L1|_F^2 / 2 + |L2^{-1}(m2 - m1)|^2 / 2 - d/2
 * + log det L2 - log det L1 -> the batch shape ([1] for locs [d]).
 */
export function multivariateNormalKL(p: MultivariateNormal, q: MultivariateNormal): Tensor {
  const d = p.dim;
  if (q.dim !== d) throw new ShapeError("q", `a multivariate Normal of dimension ${d} (as p)`, `dimension ${q.dim}`);
  // rows of M are L2^{-1} (columns of L1): |M|_F = |L2^{-1} L1|_F
  const trace = sum(square(triangularSolve(q.scaleTril, transpose(tril(p.scaleTril)))));
  const delta = sub(q.loc, p.loc);
  const rows = delta.size / d;
  const maha = sumCols(square(triangularSolve(q.scaleTril, reshape(delta, [rows, d]))));
  const half = scale(add(maha, trace), 0.5);
  return add(shift(half, -0.5 * d), sub(logDetTriangular(q.scaleTril), logDetTriangular(p.scaleTril)));
}
