import { DomainError } from "../../core/errors.js";
import { describeSupport, type Support } from "../../distributions/support.js";
import type { Bijector } from "./bijector.js";
import { expBijector, identityBijector, intervalBijector } from "./elementwise.js";
import { stickBreakingBijector } from "./stick-breaking.js";

/**
 * The default bijector from unconstrained reals onto a continuous support
 * (as torch.distributions.biject_to / Stan's constraint transforms):
 * real -> identity, positive -> exp, interval(low, high) -> sigmoid-affine,
 * simplex -> stick-breaking. Discrete supports have no bijector: DomainError.
 */
export function transformTo(support: Support): Bijector {
  switch (support.kind) {
    case "real":
      return identityBijector;
    case "positive":
      return expBijector;
    case "interval":
      return intervalBijector(support.low, support.high);
    case "simplex":
      return stickBreakingBijector;
    default:
      throw new DomainError(
        "support",
        "a continuous support (real, positive, interval, simplex) to transform to",
        `${describeSupport(support)} (discrete: score or enumerate it instead)`,
      );
  }
}
