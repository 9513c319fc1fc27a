// amortvi/low-level: what a user of the root entry never needs, but someone
// writing a new op, kernel binding, optimizer or objective does: the Wasm
// runtime and its arena, raw-pointer kernels split across threads, the
// tape's recording controls, broadcast-index helpers, dense JS linear algebra,
// and the building blocks behind the public objectives and MAPA.

// core: runtime, memory, kernels, threads
export { Arena, Runtime } from "./core/runtime.js";
export type { KernelExports } from "./core/kernels-wasm.js";
export { ThreadPool, createThreadedRuntime, type KernelCall, type KernelName } from "./core/threads.js";
export {
  parallelAdamStep,
  parallelDense32Backward,
  parallelDense32Forward,
  parallelDenseBackward,
  parallelDenseForward,
  parallelGemmNN,
  parallelGemmNT,
  parallelGemmTN,
  parallelRows,
  rowSplits,
} from "./core/parallel.js";
export { cholesky, inverseFromCholesky, invertLower, solveLower, solveUpperT } from "./core/dense-matrix.js";

// autodiff: recording controls for writing ops, broadcasting and dense internals
export { clearTape, isRecording, needsGrad, record, startRecording, stopRecording } from "./autodiff/tape.js";
export { broadcastLayout, type BroadcastLayout } from "./autodiff/ops/binary.js";
export { assertIndexBroadcast, int32FromMemory, int32ToArena, largest } from "./autodiff/ops/broadcast-index.js";
export { activationCode, checkPrecision } from "./autodiff/ops/linalg.js";

// nn / optim: building blocks for new layers and optimizers
export { placeParams } from "./nn/module.js";
export { AdamBase } from "./optim/adam.js";
export { assertNonNegative, assertUnitInterval, storesOf } from "./optim/optimizer.js";

// infer: the pieces behind the objectives, guides and families
export { drawParticles, repeatBatch, sampleParticles, type Particles } from "./infer/particles.js";
export { expandRows } from "./infer/families/nets.js";

// MAPA's numerics: neighbour graphs, spectral ordering, assignment
export { connectedComponents, knnGraph, laplacianEigenvectors, nearestNeighbors, type KnnGraph, type SpectralOptions, type WorkCounter } from "./infer/mapa/graph.js";
export { assignmentCost, hungarian, minCostAssignment, sinkhornAssignment, twoOpt, type SinkhornOptions } from "./infer/mapa/assignment.js";
export { argsort, normalQuantile, orderAlongCurve, principalProjections, spearman } from "./infer/mapa/codes.js";

// moved from the root entry (session 3): fused density / KL kernels behind the distributions,
// the estimators and loss functions behind the objectives, resampling and validation helpers
export { toDataTensor } from "./diagnostics/vae.js";
export { categoricalMarginal, gather, gaussianKde, multinomialResample, normalizeLogWeights, silvermanBandwidth, systematicResample, weightedMoments } from "./diagnostics/importance.js";
export { rwsLoss, wakePhiLoss, type RwsOptions, type WakePhiOptions } from "./infer/objectives/wake-sleep.js";
export { pqLoss } from "./infer/objectives/forward-kl.js";
export { qpLoss, type QpOptions, negativeElbo, type ElboOptions } from "./infer/objectives/elbo.js";
export { iwaeLoss, type IwaeOptions } from "./infer/objectives/importance-weighted.js";
export { Param } from "./nn/module.js";
export { fans, resolveInit } from "./nn/init.js";
export { indicesOf, engineModel, type EngineModelOptions } from "./model/index.js";
export { RunningAverageBaseline, enumerateDiscrete, scoreFunctionSurrogate } from "./autodiff/estimators.js";
export { categoricalEntropy, categoricalKL } from "./autodiff/ops/categorical.js";
export { bernoulliEntropy, bernoulliKL, bernoulliLogProb, mixtureNormalLogProb, type DensityOptions } from "./autodiff/ops/gaussian.js";
export { logDetTriangular, triangularSolve, tril } from "./autodiff/ops/triangular.js";
export { betaLogProb, gammaLogProb, laplaceLogProb, poissonLogProb, studentTLogProb, uniformLogProb } from "./autodiff/ops/densities.js";
export { digamma, lgamma } from "./autodiff/ops/special.js";
export { gradOf } from "./autodiff/tape.js";
export { assertFiniteArray, assertInteger, assertPositive, assertShape } from "./core/errors.js";
// the kernels of the posterior families and summary networks
export { packedTrilLogDet, packedTrilMatVec, packedTrilSize, packedTrilSolve } from "./autodiff/ops/packed-triangular.js";
export { lowRankNormalLogProb, rowMatVec } from "./autodiff/ops/low-rank-normal.js";
export { maskedDense, shiftLogScale, type AffineDirection } from "./autodiff/ops/masked.js";
export { convOutputLength, patches1d, segmentMeanRows, segmentSumRows, type Patches1dOptions } from "./autodiff/ops/segments.js";
export { Made, madeDegrees, madeMask } from "./infer/families/flows/made.js";
export { AutoregressiveFlow } from "./infer/families/flows/maf.js";
export { affineCoupling, splineCoupling } from "./autodiff/ops/coupling.js";
export { gatherCols } from "./autodiff/ops/gather.js";
export { couplingFlow, couplingMasks, type CouplingTransform } from "./infer/families/coupling-flow.js";
export { interiorProbability, firstOutsideBand, gpdFit, gpdQuantile, trainMlpClassifier, ESS_THRESHOLD, MMD_MAX_POINTS, DEFAULT_LEVELS } from "./diagnostics/calibration/index.js";
