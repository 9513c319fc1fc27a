// The one training loop (fit), its schedules (joint, aggressive, model only,
// guide only), pass counting, callbacks, the divergence policy, checkpoints
// and saved parameters. Node-only file helpers (atomic checkpoint files,
// saveFile / loadFile) are in ./node.ts.
export * from "./counting.js";
export * from "./callbacks.js";
export * from "./checkpoint.js";
export * from "./divergence.js";
export * from "./save.js";
export * from "./schedules/index.js";
export { fit, fitSteps, type FitOptions, type FitResult, type FitCallback, type FitStepInfo, type FitProgress, type ParamGroups } from "./fit.js";
