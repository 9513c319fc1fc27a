export * from "./linear.js";
export * from "./nonlinear.js";
export * from "./saw.js";
export * from "./gaussian-hmm.js";
export * from "./gaussian-process.js";
export * from "./bayesian-decoder-vae.js";
export * from "./latent-values.js";
