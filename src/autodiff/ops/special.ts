// Special functions as differentiable elementwise ops (x > 0): the pieces of
// the Gamma / Beta / Dirichlet / StudentT normalizers, entropies and KLs.
import { DomainError } from "../../core/errors.js";
import { Tensor } from "../../core/tensor.js";
import type { KernelExports } from "../../core/kernels-wasm.js";
import { gradOf, record } from "../tape.js";

type Forward = (x: number, y: number, n: number) => number;
type Backward = (x: number, dy: number, dx: number, n: number) => void;

/** y = f(x) for x > 0 (DomainError naming x otherwise); dx += dy f'(x). */
function special(x: Tensor, forward: (k: KernelExports) => Forward, backward: (k: KernelExports) => Backward): Tensor {
  const k = x.rt.k;
  const y = Tensor.empty(x.shape, "arena", x.rt);
  const bad = forward(k).call(k, x.ptr, y.ptr, x.size);
  if (bad >= 0) throw new DomainError("x", "values > 0", `${x.view()[bad]} at index ${bad}`);
  return record(y, [x], (gy) => backward(k).call(k, x.ptr, gy.ptr, gradOf(x).ptr, x.size));
}

/** y = log Gamma(x), x > 0 (Numerical Recipes 3rd ed. 6.1 series, |error| ~1e-15 max(1, |y|)); dy/dx = digamma(x). */
export function lgamma(x: Tensor): Tensor {
  return special(x, (k) => k.lgammaForward, (k) => k.lgammaBackward);
}

/** y = digamma(x) = d/dx log Gamma(x), x > 0 (recurrence to x >= 10, then Abramowitz & Stegun 6.3.18); dy/dx = trigamma(x). */
export function digamma(x: Tensor): Tensor {
  return special(x, (k) => k.digammaForward, (k) => k.digammaBackward);
}
