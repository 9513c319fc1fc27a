export * from "./model.js";
export * from "./notes/index.js";
export * from "./avi/index.js";
export * from "./vae.js";
