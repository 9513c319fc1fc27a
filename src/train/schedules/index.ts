export * from "./types.js";
export * from "./joint.js";
export * from "./aggressive.js";
export * from "./wake-sleep.js";
