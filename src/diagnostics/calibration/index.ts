// Calibration diagnostics: can an amortized posterior q(theta | x) be trusted?
// Each file holds one diagnostic with what it estimates, its formula, its
// reference and its threshold. Inputs and outputs are plain arrays.
export { simultaneousEcdfBand, interiorProbability, firstOutsideBand, type EcdfBand, type EcdfBandOptions } from "./ecdf-band.js";
export { sbcRanks, sbcDiagnostic, simulationBasedCalibration, type SbcRanks, type SbcOptions, type SbcResult, type SbcParameter, type RankHistogram } from "./sbc.js";
export { expectedCoverage, type CoverageOptions, type CoverageResult, type CoverageRegion, type CoverageVerdict, type PosteriorLogProb } from "./coverage.js";
export { DEFAULT_LEVELS, type CoverageCurve } from "./coverage-curve.js";
export { tarpCoverage, type TarpOptions, type TarpResult } from "./tarp.js";
export { posteriorZScoreContraction, type ZScoreContractionOptions, type ZScoreContractionResult, type ZScoreContractionParameter } from "./z-score-contraction.js";
export { c2st, type C2stOptions, type C2stResult } from "./c2st.js";
export { trainMlpClassifier, type MlpClassifierOptions, type TrainedClassifier } from "./mlp-classifier.js";
export { psisDiagnostic, ESS_THRESHOLD, type PsisDiagnostic } from "./psis.js";
export { psisForGuide, type GuidePsis, type GuidePsisOptions } from "./psis-guide.js";
export { gpdFit, gpdQuantile, type GpdFit } from "./generalized-pareto.js";
export { mmdTest, MMD_MAX_POINTS, type MmdOptions, type MmdResult } from "./mmd.js";
export type { Rows, SampleSets } from "./draws.js";
