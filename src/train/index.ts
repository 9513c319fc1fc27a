// The VAE training loop and its schedules (joint, iwae, aggressive, mapa).
// Node-only file helpers (atomic checkpoint files) are in ./node.ts.
export * from "./counting.js";
export * from "./data.js";
export * from "./callbacks.js";
export * from "./checkpoint.js";
export * from "./loop.js";
export * from "./schedules/index.js";
export { fit, type FitOptions, type FitResult, type FitCallback, type FitStepInfo, type FitProgress } from "./fit.js";
