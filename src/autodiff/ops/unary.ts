import { NonFiniteError } from "../../core/errors.js";
import { Tensor } from "../../core/tensor.js";
import type { KernelExports } from "../../core/kernels-wasm.js";
import { gradOf, record } from "../tape.js";

type Kernel = (x: number, y: number, n: number) => void;
type BackwardKernel = (src: number, dy: number, dx: number, n: number) => void;

/**
 * One elementwise op y = f(x): `forward` writes y, `backward` adds dy * f'(x)
 * into dx from x ("input") or from y ("output"), whichever f' is cheaper from.
 */
function elementwise(x: Tensor, forward: (k: KernelExports) => Kernel, backward: (k: KernelExports) => BackwardKernel, from: "input" | "output"): Tensor {
  const k = x.rt.k;
  const y = Tensor.empty(x.shape, "arena", x.rt);
  forward(k).call(k, x.ptr, y.ptr, x.size);
  return record(y, [x], (gy) => backward(k).call(k, from === "input" ? x.ptr : y.ptr, gy.ptr, gradOf(x).ptr, x.size));
}

function assertFinite(argument: string, c: number): void {
  if (!Number.isFinite(c)) throw new NonFiniteError(argument, "a finite number", String(c));
}

/** y = a x + b; dy/dx = a. */
function affine(x: Tensor, a: number, b: number): Tensor {
  const y = Tensor.empty(x.shape, "arena", x.rt);
  x.rt.k.affineForward(x.ptr, y.ptr, x.size, a, b);
  return record(y, [x], (gy) => x.rt.k.axpy(gy.ptr, gradOf(x).ptr, x.size, a));
}

/** y = tanh(x); dy/dx = 1 - y^2. */
export function tanh(x: Tensor): Tensor {
  return elementwise(x, (k) => k.tanhForward, (k) => k.tanhBackward, "output");
}

/** y = -x. */
export function neg(x: Tensor): Tensor {
  return affine(x, -1, 0);
}

/** y = c x. */
export function scale(x: Tensor, c: number): Tensor {
  assertFinite("c", c);
  return affine(x, c, 0);
}

/** y = x + c. */
export function shift(x: Tensor, c: number): Tensor {
  assertFinite("c", c);
  return affine(x, 1, c);
}

/** y = exp(x); dy/dx = y. */
export function exp(x: Tensor): Tensor {
  return elementwise(x, (k) => k.expForward, (k) => k.mulAccumulate, "output");
}

/** y = log(x) (NaN / -Inf outside x > 0); dy/dx = 1 / x. */
export function log(x: Tensor): Tensor {
  return elementwise(x, (k) => k.logForward, (k) => k.logBackward, "input");
}

/** y = x^2; dy/dx = 2x. */
export function square(x: Tensor): Tensor {
  return elementwise(x, (k) => k.squareForward, (k) => k.squareBackward, "input");
}

/** y = sqrt(x); dy/dx = 1 / (2y). */
export function sqrt(x: Tensor): Tensor {
  return elementwise(x, (k) => k.sqrtForward, (k) => k.sqrtBackward, "output");
}

/** y = 1 / (1 + e^-x) (stable for large |x|); dy/dx = y (1 - y). */
export function sigmoid(x: Tensor): Tensor {
  return elementwise(x, (k) => k.sigmoidForward, (k) => k.sigmoidBackward, "output");
}

/** y = log(1 + e^x) = max(x, 0) + log1p(e^-|x|); dy/dx = sigmoid(x). */
export function softplus(x: Tensor): Tensor {
  return elementwise(x, (k) => k.softplusForward, (k) => k.softplusBackward, "input");
}

/** y = x > 0 ? x : slope x; dy/dx = x > 0 ? 1 : slope. */
export function leakyRelu(x: Tensor, slope = 0.01): Tensor {
  assertFinite("slope", slope);
  const y = Tensor.empty(x.shape, "arena", x.rt);
  x.rt.k.leakyReluForward(x.ptr, y.ptr, x.size, slope);
  return record(y, [x], (gy) => x.rt.k.leakyReluBackward(x.ptr, gy.ptr, gradOf(x).ptr, x.size, slope));
}

/** y = max(x, 0); dy/dx = [x > 0]. */
export function relu(x: Tensor): Tensor {
  return leakyRelu(x, 0);
}

/** y = x with no gradient flowing back (a view sharing x's memory). */
export function detach(x: Tensor): Tensor {
  return x.reshape(x.shape);
}

/** y = |x|; dy/dx = sign(x) (0 at x = 0). */
export function abs(x: Tensor): Tensor {
  return elementwise(x, (k) => k.absForward, (k) => k.absBackward, "input");
}
