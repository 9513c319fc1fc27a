import { real, type Support } from "./support.js";
import { DomainError, ShapeError, describeShape } from "../core/errors.js";
import type { Rng } from "../core/rng.js";
import { Tensor, shapeSize } from "../core/tensor.js";
import { reshape } from "../autodiff/ops/shape.js";
import { mixtureNormalLogProb } from "../autodiff/ops/gaussian.js";
import { int32ToArena } from "../autodiff/ops/broadcast-index.js";
import { sampleCategorical } from "../autodiff/ops/categorical.js";
import type { Distribution } from "./distribution.js";
import { portableLog } from "../core/portable-math.js";

const WEIGHT_TOLERANCE = 1e-9;

interface LogParams {
  logWeights: Tensor;
  means: Tensor;
  logStds: Tensor;
}

/** Checks the plain-number form (K >= 1, weights > 0 summing to 1, stds > 0) and returns its log parameters. */
function validatedLogParams(weights: readonly number[], means: readonly number[], stds: readonly number[]): LogParams {
  const K = weights.length;
  if (K < 1) throw new DomainError("weights", "K >= 1 components", "K = 0");
  if (means.length !== K) throw new ShapeError("means", `${K} values (one per weight)`, `${means.length} values`);
  if (stds.length !== K) throw new ShapeError("stds", `${K} values (one per weight)`, `${stds.length} values`);
  weights.forEach((w, k) => {
    if (!(w > 0) || !Number.isFinite(w)) throw new DomainError("weights", "finite values > 0", `${w} at index ${k}`);
  });
  const total = weights.reduce((s, w) => s + w, 0);
  if (Math.abs(total - 1) > WEIGHT_TOLERANCE) throw new DomainError("weights", "values summing to 1", `sum ${total}`);
  stds.forEach((s, k) => {
    if (!(s > 0) || !Number.isFinite(s)) throw new DomainError("stds", "finite values > 0", `${s} at index ${k}`);
  });
  return {
    logWeights: Tensor.from(weights.map((w) => portableLog(w)), [K], "persistent", undefined, "weights"),
    means: Tensor.from(means, [K], "persistent", undefined, "means"),
    logStds: Tensor.from(stds.map((s) => portableLog(s)), [K], "persistent", undefined, "stds"),
  };
}

function isLogParams(w: readonly number[] | LogParams): w is LogParams {
  return !Array.isArray(w);
}

/**
 * Mixture of K univariate Normals p(x) = sum_k w_k N(x; mu_k, sigma_k^2),
 * evaluated by log-sum-exp. `new MixtureOfNormals(weights, means, stds)` takes
 * numbers (weights summing to 1, stds > 0); `fromLogParams` takes Tensors
 * [K] or [B, K] of log-weights (normalized by softmax), means and log-stds.
 */
export class MixtureOfNormals implements Distribution {
  readonly logWeights: Tensor;
  readonly means: Tensor;
  readonly logStds: Tensor;

  constructor(weights: readonly number[] | LogParams, means: readonly number[] = [], stds: readonly number[] = []) {
    const p = isLogParams(weights) ? weights : validatedLogParams(weights, means, stds);
    this.logWeights = p.logWeights;
    this.means = p.means;
    this.logStds = p.logStds;
    for (const [name, t] of [["means", this.means], ["logStds", this.logStds]] as const) {
      if (t.shape[t.rank - 1] !== this.components) {
        throw new ShapeError(name, `${this.components} components in the last dim (as logWeights)`, `shape ${describeShape(t.shape)}`);
      }
    }
  }

  /** Learnable mixture: logWeights (unnormalized), means, logStds each [K] or [B, K]. */
  static fromLogParams(logWeights: Tensor, means: Tensor, logStds: Tensor): MixtureOfNormals {
    return new MixtureOfNormals({ logWeights, means, logStds });
  }

  readonly support: Support = real;
  readonly reparameterized = false;
  readonly eventShape: readonly number[] = [];
  get batchShape(): readonly number[] {
    return [this.batchRows];
  }

  get components(): number {
    return this.logWeights.shape[this.logWeights.rank - 1];
  }

  /** Rows of per-row parameters (1 if all are shared [K]). */
  private get batchRows(): number {
    return Math.max(...[this.logWeights, this.means, this.logStds].map((t) => (t.rank === 2 ? t.rows : 1)));
  }

  /** Throws ShapeError unless n draws / values fit the parameter rows (shared, or one row each). */
  private assertCount(argument: string, shape: readonly number[]): number {
    const n = shapeSize(shape);
    const rows = this.batchRows;
    if (rows > 1 && n !== rows) {
      throw new ShapeError(argument, `${rows} values (one per row of the mixture parameters)`, `shape ${describeShape(shape)} (${n} values)`);
    }
    return n;
  }

  /** log sum_k w_k N(x; mu_k, sigma_k^2), the value's shape (n values: shared parameters, or one per row). */
  logProb(x: Tensor): Tensor {
    const n = this.assertCount("value", x.shape);
    const flat = x.rank === 1 ? x : reshape(x, [n]);
    const out = mixtureNormalLogProb(flat, this.logWeights, this.means, this.logStds);
    return x.rank === 1 ? out : reshape(out, x.shape);
  }

  /**
   * Draws of `shape` (one per entry; size of shape = B for per-row
   * parameters): k ~ Categorical(w), x = mu_k + sigma_k eps. No gradient.
   */
  sample(rng: Rng, shape: readonly number[] = [this.batchRows]): Tensor {
    const n = this.assertCount("shape", shape);
    const K = this.components;
    const stride = (t: Tensor) => (t.rank === 2 && t.rows > 1 ? K : 0);
    const rt = this.means.rt;
    const idx = sampleCategorical(this.logWeights, rng, n);
    const out = Tensor.empty(shape, "arena", rt);
    const mark = rt.arena.mark();
    const eps = rng.normal([n]);
    const idxPtr = int32ToArena(rt, idx);
    rt.k.mixtureNormalGather(idxPtr, this.means.ptr, this.logStds.ptr, eps.ptr, out.ptr, n, stride(this.means), stride(this.logStds));
    rt.arena.restore(mark);
    return out;
  }
}
