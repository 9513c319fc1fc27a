export * from "./dataset.js";
export * from "./features.js";
export * from "./nets.js";
export * from "./family.js";
export { negativeElbo, type ElboOptions } from "../objectives/elbo.js";
export { gatherRows } from "../../autodiff/ops/gather.js";
export { sin, cos } from "../../autodiff/ops/trig.js";
