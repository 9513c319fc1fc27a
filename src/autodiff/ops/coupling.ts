// Coupling-layer ops of normalizing flows (src/infer/families/coupling-flow.ts):
// the columns `transformed` of x [rows, dim] go through an elementwise
// bijection whose per-row parameters a conditioner computed from the other
// columns; the other columns pass unchanged. Each op is one forward kernel
// call giving the value and log |det J| per row, and one backward kernel call
// that accumulates into x and the parameters (assembly/coupling.ts, affine;
// assembly/spline.ts, rational-quadratic spline: formulas there).
import { DomainError, ShapeError, assertInteger, assertPositive, describeShape } from "../../core/errors.js";
import { Tensor } from "../../core/tensor.js";
import { gradOf, record } from "../tape.js";

/** y = T(x) (or T^-1(x)) and log |det dy/dx| per row. */
export interface CouplingOutput {
  value: Tensor;
  logDet: Tensor;
}

/** Direction of a coupling op. */
export interface CouplingDirection {
  /** Apply the inverse map (and its log |det J|). Default: false. */
  inverse?: boolean;
}

export interface AffineCouplingOptions extends CouplingDirection {
  /** S in s = S tanh(a / S): the log-scale stays in (-S, S). Default: 3. */
  logScaleBound?: number;
}

export interface SplineCouplingOptions extends CouplingDirection {
  /** Bins K of each spline (>= 2): 3K - 1 parameters per transformed column. */
  bins: number;
  /** The spline lives on [-bound, bound]; the identity outside. Default: 3. */
  bound?: number;
}

/** Backward of both outputs at once: gy / gLd are the output gradients' pointers, 0 when absent. */
type PairBackward = (gy: number, gLd: number) => void;

/**
 * Validates the shapes and the transformed columns; returns the role array
 * (role[j] = position of column j among `transformed`, or -1) in the arena.
 */
function couplingLayout(x: Tensor, params: Tensor, transformed: Int32Array, perColumn: number): number {
  if (x.rank !== 2) throw new ShapeError("x", "a 2-D tensor [rows, dim]", `shape ${describeShape(x.shape)}`);
  const [rows, dim] = x.shape;
  if (!(transformed instanceof Int32Array) || transformed.length === 0) {
    throw new DomainError("transformed", "a non-empty Int32Array of column indices", String(transformed));
  }
  const role = new Int32Array(dim).fill(-1);
  transformed.forEach((j, k) => {
    if (!(j >= 0 && j < dim) || role[j] >= 0) throw new DomainError("transformed", `distinct column indices in [0, ${dim})`, `${j} at position ${k}`);
    role[j] = k;
  });
  const width = transformed.length * perColumn;
  if (params.rank !== 2 || params.rows !== rows || params.cols !== width) {
    throw new ShapeError("params", `a tensor [${rows}, ${width}] (${perColumn} per transformed column)`, `shape ${describeShape(params.shape)}`);
  }
  const ptr = x.rt.arena.alloc(dim * 4);
  x.rt.u32.set(role, ptr / 4); // the -1 entries become 0xffffffff: the same i32 bits
  return ptr;
}

/**
 * Records the two outputs of one kernel call with ONE backward call for both.
 * The logDet node is pushed first, so it runs after y's (reverse order), and
 * both run after every consumer of either output: y's node runs the backward
 * when y received a gradient (reading logDet's gradient, if any); otherwise
 * logDet's node runs it with gy = 0.
 */
function recordPair(value: Tensor, logDet: Tensor, inputs: readonly Tensor[], backward: PairBackward): CouplingOutput {
  record(logDet, inputs, (gLd) => {
    if (!value.grad) backward(0, gLd.ptr);
  });
  record(value, inputs, (gy) => backward(gy.ptr, logDet.grad ? logDet.grad.ptr : 0));
  return { value, logDet };
}

const gradPtr = (t: Tensor) => (t.requiresGrad ? gradOf(t).ptr : 0);

/**
 * Affine coupling (RealNVP; Dinh et al. 2017): with (t_k, a_k) = params[:, 2k..2k+1]
 * for the k-th transformed column j and s = S tanh(a / S),
 *   y_j = x_j e^s + t (inverse: (x_j - t) e^-s),  logDet = +-sum_k s_k;
 * x [rows, dim], params [rows, 2 nB] -> value [rows, dim], logDet [rows].
 */
export function affineCoupling(x: Tensor, params: Tensor, transformed: Int32Array, { inverse = false, logScaleBound = 3 }: AffineCouplingOptions = {}): CouplingOutput {
  assertPositive("logScaleBound", logScaleBound);
  const role = couplingLayout(x, params, transformed, 2);
  const [rows, dim] = x.shape;
  const nB = transformed.length;
  const k = x.rt.k;
  const y = Tensor.empty([rows, dim], "arena", x.rt);
  const logDet = Tensor.empty([rows], "arena", x.rt);
  const dir = inverse ? 1 : 0;
  k.affineCouplingForward(x.ptr, params.ptr, role, y.ptr, logDet.ptr, rows, dim, nB, logScaleBound, dir);
  return recordPair(y, logDet, [x, params], (gy, gLd) =>
    k.affineCouplingBackward(x.ptr, params.ptr, role, y.ptr, gy, gLd, gradPtr(x), gradPtr(params), rows, dim, nB, logScaleBound, dir),
  );
}

/**
 * Rational-quadratic spline coupling (Durkan et al. 2019, "Neural Spline
 * Flows"): each transformed column goes through a monotone RQ spline on
 * [-B, B] with K bins (identity outside), whose 3K - 1 unconstrained
 * parameters (widths, heights, interior derivatives; zeros = identity) are
 * params[:, (3K-1)k ..]; logDet = +-sum log g'(x).
 * x [rows, dim], params [rows, (3K - 1) nB] -> value [rows, dim], logDet [rows].
 */
export function splineCoupling(x: Tensor, params: Tensor, transformed: Int32Array, { inverse = false, bins, bound = 3 }: SplineCouplingOptions): CouplingOutput {
  assertInteger("bins", bins, 2);
  assertPositive("bound", bound);
  const role = couplingLayout(x, params, transformed, 3 * bins - 1);
  const [rows, dim] = x.shape;
  const nB = transformed.length;
  const rt = x.rt;
  const k = rt.k;
  const y = Tensor.empty([rows, dim], "arena", rt);
  const logDet = Tensor.empty([rows], "arena", rt);
  const scratch = rt.arena.alloc(2 * bins * 8);
  const dir = inverse ? 1 : 0;
  k.splineCouplingForward(x.ptr, params.ptr, role, y.ptr, logDet.ptr, rows, dim, nB, bins, bound, dir, scratch);
  return recordPair(y, logDet, [x, params], (gy, gLd) =>
    k.splineCouplingBackward(x.ptr, params.ptr, role, y.ptr, gy, gLd, gradPtr(x), gradPtr(params), rows, dim, nB, bins, bound, dir, scratch),
  );
}
