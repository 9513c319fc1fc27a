export { NormalMixture1D } from "./normal-mixture-1d.js";
export * from "./gaussian-gaussian.js";
export * from "./mixture-prior.js";
export * from "./discrete-continuous.js";
export * from "./open-universe.js";
