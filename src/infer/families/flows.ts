// Coupling normalizing flows: RealNVP (affine coupling) and the neural spline
// flow (rational-quadratic spline coupling), both conditional densities
// q(u | c) over R^dim with c = (mean, logStd, embedding) (coupling-flow.ts).
import { affineCoupling, splineCoupling } from "../../autodiff/ops/coupling.js";
import { assertInteger, assertPositive } from "../../core/errors.js";
import { couplingFlow, type CouplingFlowOptions } from "./coupling-flow.js";
import type { DensityFamily } from "./density.js";

export interface RealNVPOptions extends CouplingFlowOptions {
  /** S: each layer's log-scale is S tanh(a / S), within (-S, S). Default: 3. */
  logScaleBound?: number;
}

/**
 * RealNVP (Dinh, Sohl-Dickstein & Bengio 2017, "Density estimation using
 * Real NVP"): L affine coupling layers y_B = x_B e^{s(x_A, h)} + t(x_A, h)
 * with alternating masks, conditioned on the context's embedding h, then the
 * base affine map u = mean + exp(logStd) * y. Context: 2 dim + embedding values.
 * A 1-D flow conditions on the embedding only (an affine map of eps).
 */
export function realNVP(options: RealNVPOptions = {}): DensityFamily {
  const S = options.logScaleBound ?? 3;
  assertPositive("logScaleBound", S);
  const layers = options.layers ?? 8;
  return couplingFlow(
    "RealNVP",
    `RealNVP (${layers} layers)`,
    { perColumn: 2, apply: (x, params, transformed, inverse) => affineCoupling(x, params, transformed, { inverse, logScaleBound: S }) },
    options,
    ["logScaleBound"],
  );
}

export interface NeuralSplineFlowOptions extends CouplingFlowOptions {
  /** Bins K of each spline (>= 2). Default: 8. */
  bins?: number;
  /** B: the splines live on [-B, B] of the standardized scale; identity (linear tails) outside. Default: 3. */
  bound?: number;
}

/**
 * Neural spline flow (Durkan, Bekasov, Murray & Papamakarios 2019, "Neural
 * Spline Flows"): L rational-quadratic spline coupling layers (K bins on
 * [-B, B], identity outside, unit derivative at the boundaries) with
 * alternating masks, conditioned on the context's embedding, then the base
 * affine map u = mean + exp(logStd) * y. Context: 2 dim + embedding values.
 * A 1-D flow's splines are functions of the embedding only.
 */
export function neuralSplineFlow(options: NeuralSplineFlowOptions = {}): DensityFamily {
  const bins = options.bins ?? 8;
  assertInteger("bins", bins, 2);
  const bound = options.bound ?? 3;
  assertPositive("bound", bound);
  const layers = options.layers ?? 8;
  return couplingFlow(
    "neural spline flow",
    `neural spline flow (${layers} layers, ${bins} bins on [-${bound}, ${bound}])`,
    { perColumn: 3 * bins - 1, apply: (x, params, transformed, inverse) => splineCoupling(x, params, transformed, { inverse, bins, bound }) },
    options,
    ["bins", "bound"],
  );
}
