// The model language: a model is one function of named sites (model.ts);
// running it gives a trace (trace.ts); the engine's view (engine-model.ts)
// lets every family, objective and loop use it.
export { defineModel, ProbModel, indicesOf, isDiscreteSite, type DataMapping, type ModelFn, type SiteValues, type ModelData, type JointDraw } from "./model.js";
export { ModelContext, type RunSpec, type SampleOptions, type SiteValue } from "./context.js";
export { Trace } from "./trace.js";
export type { SampleSite, ParamSite, Site, SiteInfo, Scope } from "./site.js";
export { DuplicateSiteError, MissingObservationError, MissingValueError, SupportError } from "./site-errors.js";
export { FullBatchError, isJointRows, checkJointRows, type JointRowsDistribution } from "./joint-rows.js";
export { engineModel, asEngineModel, type EngineModelOptions } from "./engine-model.js";
export * from "./transforms/index.js";
export { defineGuide, GuideFn, type GuideFnOptions } from "./guide-fn.js";
