export * from "./types.js";
export * from "./joint.js";
export * from "./iwae.js";
export * from "./aggressive.js";
export * from "./mapa.js";
