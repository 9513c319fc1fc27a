// Objectives, one file each (estimator and reference in each doc comment).
export type { Objective, ObjectiveContext } from "./objective.js";
export { elbo, type ElboObjectiveOptions } from "./elbo.js";
export { iwaeBound, renyiBound } from "./importance-weighted.js";
export { forwardKL } from "./forward-kl.js";
export { reweightedWakeSleep } from "./wake-sleep.js";
