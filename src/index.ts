// amortvi public API: a curated, explicit list (no `export *`), so that what a
// user sees is decided here and not by whatever a module happens to export.
// Layers (imports point downwards, checked by .dependency-cruiser.cjs):
// core <- autodiff <- distributions / nn / optim <- model(s) <- infer /
// diagnostics <- train <- experiments <- cli / report.
// Raw-pointer kernels, threads internals, the Runtime / Arena and helpers for
// writing new ops live in `amortvi/low-level` (src/low-level.ts); the studies'
// models, guides, closed forms and data in `amortvi/experiments`
// (src/experiments/index.ts).

// core: tensors, generator, runtime start-up, typed errors
export { Tensor, shapeSize, type Lifetime } from "./core/tensor.js";
export { tidy, keep, dispose, type TensorContainer } from "./core/scope.js";
export type { TensorOrNumber } from "./autodiff/ops/operand.js";
export { Rng, type RngState } from "./core/rng.js";
export { init, runtime } from "./core/runtime.js";
export { initThreads, WorkerError, type ThreadOptions } from "./core/threads.js";
export {
  AmortviError,
  DisposedTensorError,
  CheckpointError,
  DomainError,
  NonFiniteError,
  ShapeError,
  TrainingDivergedError,
  UnknownNameError,
  describeShape,
} from "./core/errors.js";

// autodiff: the tape's user API and the ops a user composes
export { backward, noGrad, valueAndGrad } from "./autodiff/tape.js";
export { add, div, mul, sub } from "./autodiff/ops/binary.js";
export { abs, detach, exp, leakyRelu, log, neg, relu, scale, shift, sigmoid, softplus, sqrt, square, tanh } from "./autodiff/ops/unary.js";
export { cos, sin } from "./autodiff/ops/trig.js";
export { logMeanExp, logSoftmax, logSumExp, mean, meanRows, softmax, sum, sumCols, sumRows } from "./autodiff/ops/reduce.js";
export { concatCols, oneHot, pickCols, repeatRows, reshape, sliceCols, transpose } from "./autodiff/ops/shape.js";
export { gatherRows } from "./autodiff/ops/gather.js";
export { dense, matmul, PRECISIONS, type Activation, type DenseOptions, type MatmulOptions, type Precision } from "./autodiff/ops/linalg.js";
export { normalEntropy, normalKL, normalLogProb, normalRsample } from "./autodiff/ops/gaussian.js";
export { categoricalLogProb, sampleCategorical } from "./autodiff/ops/categorical.js";

// distributions and their supports
export {
  Bernoulli,
  Beta,
  Categorical,
  DiagNormal,
  Dirichlet,
  Gamma,
  Laplace,
  LogNormal,
  MixtureOfNormals,
  MultivariateNormal,
  Normal,
  Poisson,
  StudentT,
  Uniform,
  kl,
  type Distribution,
  type ParamInput,
} from "./distributions/index.js";
export {
  boolean,
  categorical,
  count,
  describeSupport,
  interval,
  isDiscrete,
  positive,
  real,
  simplex,
  unitInterval,
} from "./distributions/support.js";

// the model language: a model is one function of named sites
export {
  defineModel,
  ProbModel,
  isDiscreteSite,
  ModelContext,
  Trace,
  DuplicateSiteError,
  MissingObservationError,
  MissingValueError,
  SupportError,
  asEngineModel,
  defineGuide,
  GuideFn,
  type GuideFnOptions,
  type DataMapping,
  type ModelFn,
  type SiteValues,
  type ModelData,
  type JointDraw,
  type RunSpec,
  type SampleOptions,
  type SiteValue,
  type SampleSite,
  type ParamSite,
  type Site,
  type SiteInfo,
  type Scope,
} from "./model/index.js";
export {
  affineBijector,
  expBijector,
  identityBijector,
  intervalBijector,
  softplusBijector,
  stickBreakingBijector,
  transformTo,
  type Bijector,
} from "./model/transforms/index.js";

// nn
// init schemes are also the namespace `inits` (inits.normal(0.1), inits.constant(1)): their short names would clash with ops
export * as inits from "./nn/init.js";
export { glorotUniform, heNormal, type Init, type InitName } from "./nn/init.js";
export { ParamStore, type ParamSpec, type ParamsJSON } from "./nn/param-store.js";
export { ParamSpecs, type Module, type ParamPlacement } from "./nn/module.js";
export { Linear, type LinearOptions } from "./nn/linear.js";
export { ACTIVATIONS, MLP, type MLPOptions } from "./nn/mlp.js";

// optim
export { Optimizer, type OptimizerJSON, type OptimizerOptions, type OptimizerState, type Trainable } from "./optim/optimizer.js";
export { Adam, AdamW, type AdamOptions } from "./optim/adam.js";
export { SGD, type SGDOptions } from "./optim/sgd.js";
export { constantLr, cosineDecay, exponentialDecay, linearWarmup, stepDecay, type Schedule } from "./optim/schedule.js";
export { clipGradNorm, gradNorm } from "./optim/clip.js";

// models: the model and guide contracts, the VAE's generative model and likelihoods
export { globalSites, localSites, type Batch, type LatentSite, type LatentValues, type Model, type Support } from "./models/model.js";
export type { FixedPosterior, Guide, GuideSample, Proposal } from "./models/guide.js";
export { VaeModel, vaeModel, type DecoderOptions, type Network, type PassListener, type PassSource, type VaeModelOptions } from "./models/vae.js";
export { bernoulliLikelihood, gaussianLikelihood, type Likelihood } from "./models/likelihood.js";

// infer: objectives (one file each), guides, variational families, MAPA
export {
  elbo,
  iwaeBound,
  renyiBound,
  forwardKL,
  reweightedWakeSleep,
  type Objective,
  type ObjectiveContext,
  type ElboObjectiveOptions,
} from "./infer/objectives/index.js";
export { elboEstimate, iwaeLogLikelihood } from "./infer/objectives/importance-weighted.js";
export { Dataset, Minibatcher, type DatasetOptions, type Rows } from "./infer/families/dataset.js";
export { customFeatures, observationFeatures, windowFeatures, type FeatureMap, type WindowOptions } from "./infer/families/features.js";
export { mlpNet, polynomialNet, type InferenceFn, type InferenceNet, type MlpNetOptions, type NormalFactor, type PolynomialNetOptions } from "./infer/families/nets.js";
export { FAMILY_KINDS, Family, makeFamily, type FamilyKind, type FamilyOptions } from "./infer/families/family.js";
// posterior families: automatic guides from a model's sites, densities in unconstrained space, summary networks
export { AutoGuide, autoGuide, type AmortizedOptions, type AutoGuideOptions } from "./infer/families/auto-guide.js";
export { diagonalGaussian, type ConditionalDensity, type DensityDraw, type DensityFamily } from "./infer/families/density.js";
export { fullRankGaussian } from "./infer/families/full-rank.js";
export { lowRankGaussian, type LowRankGaussianOptions } from "./infer/families/low-rank.js";
export { gaussianMixture, type GaussianMixtureOptions } from "./infer/families/mixture.js";
export { maf, iaf, type AutoregressiveFlowOptions, type AutoregressiveFlowFamily } from "./infer/families/flows/maf.js";
export { realNVP, neuralSplineFlow, type RealNVPOptions, type NeuralSplineFlowOptions } from "./infer/families/flows.js";
export { withSummary, type SummaryNet, type SummaryFn, type Pooling } from "./infer/families/summary.js";
export { deepSets, type DeepSetsOptions } from "./infer/families/summary-deep-sets.js";
export { conv1d, type Conv1dOptions } from "./infer/families/summary-conv1d.js";
export { gru, type GruOptions } from "./infer/families/summary-gru.js";
export { VAE, vae, type VaeOptions } from "./infer/vae.js";
export { MapaPosterior, precomputePasses, type IndexPosterior, type MapaOptions } from "./infer/mapa/posterior.js";
export { assignCodes, type CodeAssignment, type CodeOptions, type OrderingMethod } from "./infer/mapa/codes.js";
export { dataBandwidth, type BandwidthRule } from "./infer/mapa/bandwidth.js";

// diagnostics
export {
  importanceFromPrior,
  type ImportanceOptions,
  type ImportanceReference,
  type Kde,
  type LogLikelihood,
} from "./diagnostics/importance.js";
export {
  amortizationGap,
  convergenceIterations,
  evaluateNegElbo,
  finalValue,
  iterationsToWithin,
  meanFieldGaussianKL,
  windowedMean,
  type AmortizationGap,
  type FullGaussian,
  type NegElboEvaluation,
} from "./diagnostics/amortization.js";
export {
  activeUnits,
  encoderMoments,
  amortizedNormal,
  importanceLogLikelihood,
  klFromTruth,
  mutualInformation,
  posteriorMeanAgreement,
  posteriorQuadrature,
  priorOnlyBaseline,
  proposalMeans,
  quadratureLogLikelihood,
  type DataInput,
  type AmortizedNormal,
  type PerPoint,
  type PosteriorQuadrature,
  type QuadratureOptions,
} from "./diagnostics/vae.js";

// train: the loop, its schedules, pass counting, callbacks and checkpoints
export { fit, type FitOptions, type FitResult, type FitCallback, type FitStepInfo, type FitProgress, type ParamGroups } from "./train/fit.js";
export { PassCounter, type PassCounts } from "./train/counting.js";
export {
  earlyStopping,
  metricsCallback,
  progressCallback,
  type EarlyStoppingOptions,
  type MetricsCallback,
  type MetricsRow,
  type ProgressSink,
} from "./train/callbacks.js";
export {
  checkpointCallback, makeCheckpoint, restoreCheckpoint, encodeCheckpoint, decodeCheckpoint, CHECKPOINT_FORMAT_VERSION,
  type Checkpoint, type CheckpointCallbackOptions, type FitCheckpointState, type StoreLayout,
} from "./train/checkpoint.js";
export { save, load, type Savable, type SavableGroup } from "./train/save.js";
export type { DivergencePolicy, DivergenceOptions, DivergenceEvent } from "./train/divergence.js";
export type { FitSchedule, FitState, ScheduleRecord, UpdateTarget } from "./train/schedules/types.js";
export { guideOnly, joint, modelOnly, updating } from "./train/schedules/joint.js";
export { aggressive, type AggressiveOptions } from "./train/schedules/aggressive.js";
export { wakeSleep, type WakeSleepOptions } from "./train/schedules/wake-sleep.js";
export { semiAmortized, type SemiAmortizedOptions } from "./train/schedules/semi-amortized.js";
export { ConvergenceMonitor, type ConvergenceOptions, type ConvergenceEvent } from "./train/convergence.js";
// semi-amortized inference and the gap decomposition (approximation / amortization, Cremer et al. 2018)
export { refine, refineCheckpoints, type RefineOptions, type RefineResult } from "./train/refine.js";
export { inferenceGaps, collapseWarnings, type InferenceGaps, type InferenceGapsOptions } from "./train/inference-gaps.js";
export { elboStats, logLikelihoodStats, type Estimate, type PerDatapoint } from "./diagnostics/gaps.js";
// the amortized-posterior workflow of simulation-based inference (NPE, or the ELBO / IWAE with a likelihood)
export { amortizedPosterior, AmortizedPosterior, simulatePairs, type AmortizedPosteriorOptions, type PosteriorTraining, type Simulator, type Rows2D } from "./train/posterior.js";
export { calibrate, type CalibrationOptions, type CalibrationReport } from "./train/calibrate.js";
// calibration: can an amortized posterior be trusted (SBC, coverage, TARP, z-scores, C2ST, PSIS, MMD)
export {
  simulationBasedCalibration, sbcRanks, sbcDiagnostic, expectedCoverage, tarpCoverage, posteriorZScoreContraction, c2st, psisDiagnostic, psisForGuide, mmdTest, simultaneousEcdfBand,
  type SbcResult, type SbcParameter, type SbcOptions, type CoverageResult, type CoverageRegion, type CoverageVerdict, type CoverageOptions, type PosteriorLogProb, type TarpResult, type TarpOptions,
  type ZScoreContractionResult, type C2stResult, type C2stOptions, type PsisDiagnostic, type GuidePsis, type MmdResult, type MmdOptions, type EcdfBand, type SampleSets,
} from "./diagnostics/calibration/index.js";

// a console progress display for fit({ progress }): a bar redrawn from tick on a terminal (it moves while fit blocks
// the event loop), plain lines in logs, pipes and the browser console
export { consoleProgress, type ConsoleProgress, type ConsoleProgressOptions, type ProgressStream } from "./train/console-progress.js";
