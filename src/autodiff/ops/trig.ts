import { Tensor } from "../../core/tensor.js";
import { gradOf, record } from "../tape.js";

/** y = sin(x); dy/dx = cos(x). */
export function sin(x: Tensor): Tensor {
  const k = x.rt.k;
  const y = Tensor.empty(x.shape, "arena", x.rt);
  k.sinForward(x.ptr, y.ptr, x.size);
  return record(y, [x], (g) => k.sinBackward(x.ptr, g.ptr, gradOf(x).ptr, x.size));
}

/** y = cos(x); dy/dx = -sin(x). */
export function cos(x: Tensor): Tensor {
  const k = x.rt.k;
  const y = Tensor.empty(x.shape, "arena", x.rt);
  k.cosForward(x.ptr, y.ptr, x.size);
  return record(y, [x], (g) => k.cosBackward(x.ptr, g.ptr, gradOf(x).ptr, x.size));
}
