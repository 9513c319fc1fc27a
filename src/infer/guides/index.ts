export * from "./normal.js";
export * from "./affine.js";
export * from "./mlp.js";
export * from "./categorical-normal.js";
