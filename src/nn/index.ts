// Init schemes are also exported as the namespace `inits` (inits.normal(0.1),
// inits.constant(1)) so that their short names do not clash with ops.
export * as inits from "./init.js";
export { glorotUniform, heNormal, resolveInit, fans, type Init, type InitName } from "./init.js";
export * from "./param-store.js";
export * from "./module.js";
export * from "./linear.js";
export * from "./mlp.js";
