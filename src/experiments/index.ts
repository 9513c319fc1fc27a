// Importing this module registers every experiment: each study file calls
// registerExperiment() at load time. Add one import per study file below.
export * from "./registry.js";
import "./notes/index.js";
import "./avi/index.js";
import "./mapa/index.js";

// Settings, data and run options of a study (what `amortvi reproduce --set / --data` checks).
export type { DataSource, DataSpec, SettingSpec, SettingType, SettingValue, StudySettings } from "./types.js";
export {
  argumentLabel,
  checkDataLayout,
  checkSettingValue,
  describeSettingType,
  formatSettingValue,
  parseSetArguments,
  parseSettingValue,
  prepareRun,
  resolveSettings,
  settingDefault,
  type ArgumentStyle,
  type RunRequest,
} from "./settings.js";

// The study drivers, for a user's own model and data without rewriting a loop:
// train an amortized guide (qp on simulations or on observations, pq on simulations) ...
export { trainGuide, type NoteLoss, type TrainGuideOptions } from "./notes/shared.js";
// ... compare F-VI, Const and A-VI families over seeds (amortization gaps, convergence) ...
export { compareFamilies, DEFAULT_METHODS, type CompareFamiliesOptions } from "./avi/compare-families.js";
export { headlineOf, meanFieldFactors, runMethods, summarize, type Method, type MethodRun, type MethodSummary, type SeedResult, type StudyModel, type StudySetup } from "./avi/shared.js";
export { linearStudyGaussian, localGlobalFviOptimum, localGlobalNegElbo, sawStudyGaussian, type LocalGlobalGaussian, type MeanFieldGaussian } from "./avi/local-global-gaussian.js";
export { nonlinearStudy, type NonlinearStudyOptions } from "./avi/nonlinear.js";
// ... and the impossibility analysis of a series with coupled locals (exact posterior, window bounds, trained windows).
export {
  checkSettings as checkImpossibilitySettings,
  equalInputs,
  impossibilitySettings,
  meanFieldNegElbo,
  runImpossibility,
  trainMethods,
  windowBound,
  type EqualInputs,
  type ExactSeriesModel,
  type ImpossibilitySettings,
  type SeriesModel,
  type StudySpec,
  type TrainedMethod,
  type WindowBound,
} from "./avi/impossibility.js";
