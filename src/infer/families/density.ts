import { normalLogProb, normalRsample } from "../../autodiff/ops/gaussian.js";
import { sliceCols } from "../../autodiff/ops/shape.js";
import { ShapeError, assertFiniteArray, assertInteger, describeShape } from "../../core/errors.js";
import type { Rng } from "../../core/rng.js";
import type { Tensor } from "../../core/tensor.js";
import type { ParamSpecs } from "../../nn/module.js";

/**
 * One reparameterized draw per row from a conditional density q(u | c):
 * - u: [rows, dim], a differentiable function of the parameters and of c;
 * - logQ: log q(u | c), [rows], differentiable (in u, c and the parameters);
 * - logQScore: the log-probability of the draw's NON-reparameterized choices
 *   (a mixture's component index), [rows], or null: the score-function
 *   estimator multiplies it by the (detached) learning signal.
 */
export interface DensityDraw {
  u: Tensor;
  logQ: Tensor;
  logQScore: Tensor | null;
}

/**
 * A density over R^dim (a guide's factor in unconstrained space) given a
 * per-row conditioning vector c of `contextSize` values:
 *   q(u | c),  c = a free parameter row (F-VI: one per datapoint; Const: one
 *   shared) or the output of an inference network (A-VI: c = f_phi(x)).
 * The density may own shared parameters too (a flow's conditioners),
 * registered in the ParamSpecs given to DensityFamily.build.
 * Every method is made of tape ops (differentiable).
 */
export interface ConditionalDensity {
  /** Human-readable, e.g. "diagonal Gaussian", "RealNVP (8 layers)". */
  readonly name: string;
  /** Dimension of u. */
  readonly dim: number;
  /** Values per row of the conditioning vector c. */
  readonly contextSize: number;
  /** One draw per row of context ([rows, contextSize]). */
  rsample(context: Tensor, rng: Rng): DensityDraw;
  /** log q(u | c): u [rows, dim], context [rows, contextSize] -> [rows]. */
  logProb(u: Tensor, context: Tensor): Tensor;
}

/** A recipe for a conditional density of any dimension (what a user passes as `family`). */
export interface DensityFamily {
  readonly name: string;
  /** Values per row of the conditioning vector for u of this dimension. */
  contextSize(dim: number): number;
  /** Registers the density's own shared parameters (if any) in `specs` and returns it. */
  build(specs: ParamSpecs, dim: number): ConditionalDensity;
  /**
   * A conditioning row that makes q(u | c) the diagonal Gaussian
   * N(mean, diag(exp(2 logStd))) (or as near as the family gets):
   * the start of free (F-VI / Const) factors and the output bias of an
   * inference network ("initialization near the prior").
   */
  initialContext(mean: ArrayLike<number>, logStd: ArrayLike<number>): Float64Array;
}

/** Throws ShapeError unless t is [rows, cols]. */
export function assertContext(argument: string, t: Tensor, cols: number): number {
  if (t.rank !== 2 || t.cols !== cols) throw new ShapeError(argument, `a tensor [rows, ${cols}]`, `shape ${describeShape(t.shape)}`);
  return t.rows;
}

/** Throws ShapeError unless u is [rows, dim] (one draw per row of the context). */
export function assertDraws(u: Tensor, rows: number, dim: number): void {
  if (u.rank !== 2 || u.cols !== dim || u.rows !== rows) throw new ShapeError("u", `a tensor [${rows}, ${dim}]`, `shape ${describeShape(u.shape)}`);
}

/** Checks initialContext's arguments (equal lengths >= 1, finite); returns dim. */
export function assertMeanAndLogStd(mean: ArrayLike<number>, logStd: ArrayLike<number>): number {
  if (mean.length < 1) throw new ShapeError("mean", "at least one value", "0 values");
  if (logStd.length !== mean.length) throw new ShapeError("logStd", `${mean.length} values (as mean)`, `${logStd.length} values`);
  assertFiniteArray("mean", mean);
  assertFiniteArray("logStd", logStd);
  return mean.length;
}

/**
 * The mean-field (diagonal) Gaussian: c = (mean, logStd), 2 dim values,
 *   q(u | c) = prod_j N(u_j; mean_j, exp(logStd_j)^2),
 *   u = mean + exp(logStd) * eps, eps ~ N(0, I) (Kingma & Welling 2014).
 */
export function diagonalGaussian(): DensityFamily {
  return {
    name: "diagonal Gaussian",
    contextSize(dim) {
      assertInteger("dim", dim, 1);
      return 2 * dim;
    },
    build(_specs, dim) {
      assertInteger("dim", dim, 1);
      const split = (c: Tensor, argument: string) => {
        assertContext(argument, c, 2 * dim);
        return { mean: sliceCols(c, 0, dim), logStd: sliceCols(c, dim, 2 * dim) };
      };
      return {
        name: "diagonal Gaussian",
        dim,
        contextSize: 2 * dim,
        rsample(context, rng) {
          const { mean, logStd } = split(context, "context");
          const u = normalRsample(mean, logStd, rng.normal([context.rows, dim]));
          return { u, logQ: normalLogProb(u, mean, logStd), logQScore: null };
        },
        logProb(u, context) {
          const { mean, logStd } = split(context, "context");
          assertDraws(u, context.rows, dim);
          return normalLogProb(u, mean, logStd);
        },
      };
    },
    initialContext(mean, logStd) {
      const dim = assertMeanAndLogStd(mean, logStd);
      const c = new Float64Array(2 * dim);
      for (let j = 0; j < dim; j++) {
        c[j] = mean[j];
        c[dim + j] = logStd[j];
      }
      return c;
    },
  };
}
