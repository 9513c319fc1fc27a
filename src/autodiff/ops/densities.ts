// Log-densities of the scalar families beyond the Normal (Gamma, Beta,
// Poisson, StudentT, Laplace, Uniform): one forward and one backward call of
// assembly/densities.ts each, elementwise (the value's shape), parameters
// broadcast by index against the value (a scalar, a row or the full shape).
// A value outside the support is a DomainError naming the value, not a NaN.
import { DomainError } from "../../core/errors.js";
import { Tensor } from "../../core/tensor.js";
import { gradOf, record } from "../tape.js";
import { assertIndexBroadcast } from "./broadcast-index.js";

/** Family codes of assembly/densities.ts with the support each one checks. */
const FAMILIES = {
  gamma: { code: 0, support: "values > 0" },
  beta: { code: 1, support: "values in (0, 1)" },
  poisson: { code: 2, support: "integers >= 0" },
  studentT: { code: 3, support: "finite values" },
  laplace: { code: 4, support: "finite values" },
  uniform: { code: 5, support: "values in [low, high]" },
} as const;

function gradPtr(t: Tensor | undefined): number {
  return t && t.requiresGrad ? gradOf(t).ptr : 0;
}

/** log p(x; params) elementwise; `discrete`: no gradient w.r.t. x. */
function scalarDensity(family: keyof typeof FAMILIES, x: Tensor, params: readonly [string, Tensor][], discrete = false): Tensor {
  for (const [name, p] of params) assertIndexBroadcast(name, p, x, "value");
  const [p1, p2, p3] = [0, 1, 2].map((i) => params[i]?.[1]);
  // absent parameters read p1 (never used by that family's formula) and get no gradient
  const ptrs = [p1, p2 ?? p1, p3 ?? p1].map((p) => p!.ptr) as [number, number, number];
  const sizes = [p1, p2 ?? p1, p3 ?? p1].map((p) => p!.size) as [number, number, number];
  const { code, support } = FAMILIES[family];
  const k = x.rt.k;
  const out = Tensor.empty(x.shape, "arena", x.rt);
  const bad = k.scalarDensityForward(code, x.ptr, ...ptrs, out.ptr, x.size, ...sizes);
  if (bad >= 0) throw new DomainError("value", support, `${x.view()[bad]} at index ${bad}`);
  const inputs = discrete ? [p1, p2, p3] : [x, p1, p2, p3];
  return record(out, inputs, (g) =>
    k.scalarDensityBackward(
      code, x.ptr, ...ptrs, g.ptr, discrete ? 0 : gradPtr(x), gradPtr(p1), gradPtr(p2), gradPtr(p3), x.size, ...sizes,
    ),
  );
}

/** log Gamma(x; a, b) = a log b - lgamma(a) + (a - 1) log x - b x (shape a, rate b), x > 0. */
export function gammaLogProb(x: Tensor, concentration: Tensor, rate: Tensor): Tensor {
  return scalarDensity("gamma", x, [["concentration", concentration], ["rate", rate]]);
}

/** log Beta(x; a, b) = (a - 1) log x + (b - 1) log(1 - x) - log B(a, b), 0 < x < 1. */
export function betaLogProb(x: Tensor, alpha: Tensor, beta: Tensor): Tensor {
  return scalarDensity("beta", x, [["alpha", alpha], ["beta", beta]]);
}

/** log Poisson(x; r) = x log r - r - lgamma(x + 1), x in 0, 1, 2, ... (gradient w.r.t. r only). */
export function poissonLogProb(x: Tensor, rate: Tensor): Tensor {
  return scalarDensity("poisson", x, [["rate", rate]], true);
}

/**
 * log StudentT(x; nu, m, s) = lgamma((nu + 1)/2) - lgamma(nu/2) - log(nu pi)/2 - log s
 * - (nu + 1)/2 log(1 + z^2/nu), z = (x - m)/s.
 */
export function studentTLogProb(x: Tensor, df: Tensor, loc: Tensor, scale: Tensor): Tensor {
  return scalarDensity("studentT", x, [["df", df], ["loc", loc], ["scale", scale]]);
}

/** log Laplace(x; m, b) = -log(2b) - |x - m| / b (gradient sign(x - m), 0 at x = m). */
export function laplaceLogProb(x: Tensor, loc: Tensor, scale: Tensor): Tensor {
  return scalarDensity("laplace", x, [["loc", loc], ["scale", scale]]);
}

/** log Uniform(x; l, h) = -log(h - l) for l <= x <= h (DomainError naming the value outside). */
export function uniformLogProb(x: Tensor, low: Tensor, high: Tensor): Tensor {
  return scalarDensity("uniform", x, [["low", low], ["high", high]]);
}
