export * from "./types.js";
export * from "./joint.js";
export * from "./aggressive.js";
