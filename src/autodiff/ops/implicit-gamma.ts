// Implicit reparameterization of Gamma draws (Figurnov, Mohamed & Mnih 2018,
// "Implicit reparameterization gradients"): for z ~ Gamma(a, 1) from any
// sampler, dz/da = -(dP/da)(z; a) / p(z; a), P the regularized lower
// incomplete gamma and p the density (kernel: assembly/gamma-grad.ts). Each op
// takes draws made without gradient and returns them (Beta, Dirichlet:
// normalized as their samplers do) as differentiable functions of the
// parameters; parameters broadcast by index against the draws.
import { Tensor, shapeSize } from "../../core/tensor.js";
import { gradOf, record } from "../tape.js";
import { assertIndexBroadcast } from "./broadcast-index.js";

/** The gradient buffer of t if the tape wants it, else the null pointer 0 (the kernels skip it). */
const gradPtr = (t: Tensor | null): number => (t && t.requiresGrad ? gradOf(t).ptr : 0);

/**
 * x ~ Gamma(a, rate) given as drawn (rate null: 1); value x, backward
 * da += dx dz/da(a, x rate) / rate and drate += -dx x / rate (x = z / rate).
 */
export function gammaPathwise(concentration: Tensor, rate: Tensor | null, x: Tensor): Tensor {
  assertIndexBroadcast("concentration", concentration, x, "x");
  if (rate) assertIndexBroadcast("rate", rate, x, "x");
  const out = x.clone();
  return record(out, [concentration, rate], (gx) =>
    out.rt.k.gammaPathwiseBackward(
      concentration.ptr, concentration.size, rate ? rate.ptr : 0, rate ? rate.size : 1,
      out.ptr, gx.ptr, gradPtr(concentration), gradPtr(rate), out.size,
    ),
  );
}

/**
 * Beta(a, b) draws X / (X + Y) from X ~ Gamma(a, 1), Y ~ Gamma(b, 1) (same
 * shape), clamped into (0, 1) as Beta.sample does; backward through both
 * Gammas: d/dX = Y / s^2, d/dY = -X / s^2 (s = X + Y) times dX/da, dY/db.
 */
export function betaPathwise(alpha: Tensor, beta: Tensor, x: Tensor, y: Tensor): Tensor {
  assertIndexBroadcast("alpha", alpha, x, "x");
  assertIndexBroadcast("beta", beta, x, "x");
  assertIndexBroadcast("y", y, x, "x");
  const k = x.rt.k;
  const out = Tensor.empty(x.shape, "arena", x.rt);
  k.betaFromGammas(x.ptr, y.ptr, out.ptr, out.size);
  return record(out, [alpha, beta], (g) =>
    k.betaPathwiseBackward(alpha.ptr, alpha.size, beta.ptr, beta.size, x.ptr, y.ptr, g.ptr, gradPtr(alpha), gradPtr(beta), out.size),
  );
}

/**
 * Dirichlet rows G[r, :] / sum_k G[r, k] from G[r, k] ~ Gamma(c_k, 1) (G is
 * [n, K]; c [K] or [n, K]); backward dL/dG_k = (dx_k - sum_j dx_j x_j) / s
 * times dG_k/dc_k.
 */
export function dirichletPathwise(concentration: Tensor, gammas: Tensor): Tensor {
  assertIndexBroadcast("concentration", concentration, gammas, "gammas");
  const K = gammas.shape[gammas.rank - 1];
  const rows = shapeSize(gammas.shape) / K;
  const k = gammas.rt.k;
  const out = Tensor.empty(gammas.shape, "arena", gammas.rt);
  k.simplexFromGammas(gammas.ptr, out.ptr, rows, K);
  return record(out, [concentration], (g) =>
    k.dirichletPathwiseBackward(concentration.ptr, concentration.size, gammas.ptr, out.ptr, g.ptr, gradOf(concentration).ptr, rows, K),
  );
}
