// Support transforms: bijectors from unconstrained reals onto each continuous
// support, with log |det J|, so that a guide can live in unconstrained space.
export type { Bijector } from "./bijector.js";
export { identityBijector, expBijector, softplusBijector, intervalBijector, affineBijector } from "./elementwise.js";
export { stickBreakingBijector } from "./stick-breaking.js";
export { transformTo } from "./transform-to.js";
