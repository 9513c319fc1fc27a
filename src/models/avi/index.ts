export * from "./linear.js";
export * from "./nonlinear.js";
export * from "./saw.js";
export * from "./hmm.js";
export * from "./gp.js";
export * from "./bvae.js";
export * from "./values.js";
