export { NormalMixture1D } from "./exact.js";
export * from "./note1.js";
export * from "./note2.js";
export * from "./note3.js";
export * from "./note4.js";
