import { Tensor } from "../../core/tensor.js";
import { gradOf, record } from "../tape.js";

/** y = tanh(x); dy/dx = 1 - y^2. */
export function tanh(x: Tensor): Tensor {
  const y = Tensor.empty(x.shape, "arena", x.rt);
  x.rt.k.tanhForward(x.ptr, y.ptr, x.size);
  return record(y, [x], (gy) => x.rt.k.tanhBackward(y.ptr, gy.ptr, gradOf(x).ptr, x.size));
}
