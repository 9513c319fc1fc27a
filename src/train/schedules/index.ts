export * from "./types.js";
export * from "./joint.js";
export * from "./aggressive.js";
export * from "./wake-sleep.js";
export * from "./semi-amortized.js";
