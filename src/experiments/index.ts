// amortvi/experiments: the studies. Importing this module registers every
// experiment (each study file calls registerExperiment() at load time; add one
// import per study file below) and exports the studies' models, guides,
// closed forms and data sets, which are not part of the library's root entry.
export * from "./registry.js";
export * from "./notes/models/index.js";
export { Note4Guide, type Note4GuideOptions, type Note4GuideOutputs } from "./notes/open-universe-guide.js";
export { CategoricalNormalGuide, type CategoricalNormalGuideOptions, type CategoricalNormalOutputs } from "./notes/categorical-normal-guide.js";
export * from "./avi/models/index.js";
export * from "./mapa/datasets.js";
import "./notes/index.js";
import "./avi/index.js";
import "./mapa/index.js";
import "./gaps/index.js";

// A user's data for --data / runStudy({ data }): the CSV, JSON and .npy readers (Node: readDataFile reads the file).
export {
  DATA_EXTENSIONS,
  DataFormatError,
  dataFormatOf,
  parseCsv,
  parseDataBytes,
  parseJsonTable,
  parseNpy,
  readDataFile,
  tableColumn,
  type CsvOptions,
  type DataFile,
  type DataFormat,
  type DataTable,
  type ReadDataOptions,
} from "../data/readers.js";

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
export { headlineOf, meanFieldFactors, runMethods, summarize, type Method, type MethodRun, type MethodSummary, type SeedResult, type StudySetup } from "./avi/shared.js";
export { linearStudyGaussian, localGlobalFviOptimum, localGlobalNegElbo, sawStudyGaussian, type LocalGlobalGaussian, type MeanFieldGaussian } from "./avi/local-global-gaussian.js";
export { nonlinearStudy, type NonlinearStudyOptions } from "./avi/nonlinear.js";
// ... the inference gap of a VAE split into approximation and amortization gaps (gaps-vae) ...
export {
  GUIDE_FAMILIES,
  clearMnistCache,
  loadBinarizedMnist,
  measureGaps,
  mnistDir,
  runGapsVae,
  trainVae,
  type BinaryImages,
  type GapRow,
  type GapsVaeSettings,
  type GuideFamilyEntry,
  type LoadMnistOptions,
  type TrainedVae,
} from "./gaps/index.js";
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
export * from "./sbi/index.js";
