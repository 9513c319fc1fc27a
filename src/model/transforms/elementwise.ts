// Elementwise bijectors x_j = f(u_j): identity, exp, softplus, sigmoid-affine
// onto an interval, affine. The Jacobian is diagonal, so
// log |det J| = sum_j log |f'(u_j)|. Each map is a chain of existing tape ops.
import { DomainError } from "../../core/errors.js";
import { Tensor } from "../../core/tensor.js";
import { add } from "../../autodiff/ops/binary.js";
import { intervalLogit, softplusInverse } from "../../autodiff/ops/bijectors.js";
import { sumCols } from "../../autodiff/ops/reduce.js";
import { exp, log, neg, scale, shift, sigmoid, softplus } from "../../autodiff/ops/unary.js";
import { interval, positive, real, type Support } from "../../distributions/support.js";
import { assertInverseFinite, assertRowSize, assertRows, type Bijector } from "./bijector.js";
import { portableLog } from "../../core/portable-math.js";

interface ElementwiseMap {
  name: string;
  codomain: Support;
  /** x = f(u), elementwise. */
  forward(u: Tensor): Tensor;
  /** u = f^-1(x), elementwise; NaN or +-Inf exactly where x is outside the codomain. */
  inverse(x: Tensor): Tensor;
  /** sum_j log |f'(u_j)| per row: [rows, d] -> [rows]. */
  logDet(u: Tensor): Tensor;
}

/** A Bijector from an elementwise map: shape checks, the codomain check of inverse, du = dx. */
function elementwise(m: ElementwiseMap): Bijector {
  const size = (argument: string) => (d: number) => assertRowSize(argument, d, 1);
  return Object.freeze({
    name: m.name,
    codomain: m.codomain,
    forward(u: Tensor) {
      assertRows("u", u);
      return m.forward(u);
    },
    inverse(x: Tensor) {
      assertRows("x", x);
      const u = m.inverse(x);
      assertInverseFinite(m.codomain, x, u);
      return u;
    },
    logAbsDetJacobian(u: Tensor) {
      assertRows("u", u);
      return m.logDet(u);
    },
    forwardWithLogDet(u: Tensor) {
      assertRows("u", u);
      return { value: m.forward(u), logDet: m.logDet(u) };
    },
    unconstrainedSize: size("dx"),
    constrainedSize: size("du"),
  });
}

/** x = u on the reals (forward and inverse return their argument itself); log |det J| = 0. */
export const identityBijector: Bijector = elementwise({
  name: "identity",
  codomain: real,
  forward: (u) => u,
  inverse: (x) => x,
  logDet: (u) => Tensor.zeros([u.rows], "arena", u.rt),
});

/** x = exp(u) onto (0, inf); log |det J| = sum_j u_j. */
export const expBijector: Bijector = elementwise({
  name: "exp",
  codomain: positive,
  forward: exp,
  inverse: log,
  logDet: sumCols,
});

/**
 * x = softplus(u) = log(1 + e^u) onto (0, inf), nearly linear for large x;
 * log |det J| = sum_j log sigmoid(u_j) = -sum_j softplus(-u_j).
 */
export const softplusBijector: Bijector = elementwise({
  name: "softplus",
  codomain: positive,
  forward: softplus,
  inverse: softplusInverse,
  logDet: (u) => neg(sumCols(softplus(neg(u)))),
});

/**
 * x = low + (high - low) sigmoid(u) onto the open interval (low, high);
 * log |det J| = sum_j log(high - low) - softplus(u_j) - softplus(-u_j).
 * Resolution: x holds u only as finely as doubles near the bounds allow, so
 * the round trip f^-1(f(u)) is off by about ulp(bound) / |x - bound| (1e-3
 * at u = 30 on (0, 1)), and x rounds onto the bound itself for |u| > ~37.
 */
export function intervalBijector(low: number, high: number): Bijector {
  const codomain = interval(low, high);
  const width = high - low;
  const unit = low === 0 && high === 1;
  return elementwise({
    name: `sigmoid-affine(${low}, ${high})`,
    codomain,
    forward: (u) => (unit ? sigmoid(u) : shift(scale(sigmoid(u), width), low)),
    inverse: (x) => intervalLogit(x, low, high),
    logDet: (u) => shift(neg(sumCols(add(softplus(u), softplus(neg(u))))), u.cols * portableLog(width)),
  });
}

/** x = loc + scale u on the reals (scale != 0); log |det J| = d log |scale|. */
export function affineBijector(loc: number, scaleBy: number): Bijector {
  if (!Number.isFinite(loc)) throw new DomainError("loc", "a finite number", String(loc));
  if (!Number.isFinite(scaleBy) || scaleBy === 0) throw new DomainError("scale", "a finite number != 0", String(scaleBy));
  const logScale = portableLog(Math.abs(scaleBy));
  return elementwise({
    name: `affine(${loc}, ${scaleBy})`,
    codomain: real,
    forward: (u) => shift(scale(u, scaleBy), loc),
    inverse: (x) => scale(shift(x, -loc), 1 / scaleBy),
    logDet: (u) => Tensor.full([u.rows], u.cols * logScale, "arena", u.rt),
  });
}
