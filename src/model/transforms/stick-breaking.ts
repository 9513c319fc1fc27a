import type { Tensor } from "../../core/tensor.js";
import { stickBreaking, stickBreakingInverse, stickBreakingLogDet, stickBreakingWithLogDet } from "../../autodiff/ops/bijectors.js";
import { simplex } from "../../distributions/support.js";
import { assertRowSize, type Bijector } from "./bijector.js";

/**
 * Stick-breaking onto the simplex: K - 1 reals -> K entries > 0 summing to 1,
 *   z_k = sigmoid(u_k - log(K-1-k)),  x_k = z_k prod_{j<k} (1 - z_j),  x_{K-1} = prod_j (1 - z_j),
 * so u = 0 is the uniform point (1/K, ..., 1/K); log |det J| (Jacobian of the
 * first K - 1 entries) = sum_k log z_k + (K-1-k) log(1 - z_k). Kernels in
 * assembly/bijectors.ts; forwardWithLogDet is one kernel call. log |det J| is
 * finite for any u; an entry underflows to 0 only when the stick left for it
 * drops below ~1e-308 (u_k summing past ~700 along a row). Stan reference manual
 * ("Unit simplex"); torch.distributions.transforms.StickBreakingTransform.
 */
export const stickBreakingBijector: Bijector = Object.freeze({
  name: "stick-breaking",
  codomain: simplex,
  forward(u: Tensor) {
    return stickBreaking(u);
  },
  inverse(x: Tensor) {
    return stickBreakingInverse(x);
  },
  logAbsDetJacobian(u: Tensor) {
    return stickBreakingLogDet(u);
  },
  forwardWithLogDet(u: Tensor) {
    return stickBreakingWithLogDet(u);
  },
  unconstrainedSize: (dx: number) => assertRowSize("dx", dx, 2) - 1,
  constrainedSize: (du: number) => assertRowSize("du", du, 1) + 1,
});
