export * from "./importance.js";
export * from "./amortization.js";
export * from "./vae.js";
