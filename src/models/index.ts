export * from "./model.js";
export * from "./vae.js";
