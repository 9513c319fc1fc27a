export * from "./model.js";
export * from "./likelihood.js";
export * from "./vae.js";
