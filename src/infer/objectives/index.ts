// Objectives, one file each (estimator and reference in each doc comment):
// the Objective factories fit() takes, and the loss functions they call.
export type { Objective, ObjectiveContext } from "./objective.js";
export { elbo, negativeElbo, qpLoss, type ElboObjectiveOptions, type ElboOptions, type QpOptions } from "./elbo.js";
export { iwaeBound, renyiBound, iwaeLoss, iwaeLogLikelihood, elboEstimate, type IwaeOptions } from "./importance-weighted.js";
export { forwardKL, pqLoss } from "./forward-kl.js";
export { reweightedWakeSleep, rwsLoss, wakePhiLoss, type RwsOptions, type WakePhiOptions } from "./wake-sleep.js";
