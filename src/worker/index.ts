// amortvi/worker: train in a Web Worker (browser) or a node:worker_threads
// Worker (Node) from the main thread. A job is plain data (model by name or
// as source text, family, objective, settings, seed); the worker reports
// progress and snapshots, can be paused, resumed and stopped, and sends the
// trained parameters back as transferred buffers. The same job trained on
// this thread (runJob) gives the same numbers, bit for bit.
export { createTrainingWorker, trainInWorker, TrainingWorkerError, type TrainInWorkerOptions, type WorkerLike, type WorkerTraining } from "./client.js";
export {
  AMORTIZATIONS,
  DENSITIES,
  OBJECTIVES,
  resolveJob,
  type Amortization,
  type DensityName,
  type FamilySpec,
  type ObjectiveName,
  type ObjectiveSpec,
  type ResolvedJob,
  type TrainingJob,
} from "./job.js";
export { BUILTIN_MODELS, jobModel, type BuiltinModelName, type JobModel, type ModelSpec } from "./models.js";
export { compileModelSource, MODEL_SOURCE_SCOPE } from "./user-model.js";
export { copyParams, loadParams, paramsByName, transferList, type StoreValues, type TrainedParams } from "./params.js";
export type { DoneEvent, FromWorker, ProgressEvent, SessionOptions, SnapshotEvent, ToWorker } from "./protocol.js";
export { TrainingSession, type Emit } from "./session.js";
export { buildTraining, outcomeOf, runJob, type Training, type TrainingInfo, type TrainingOutcome } from "./training.js";
export { posteriorView, type PosteriorPoint, type PosteriorView, type ViewOptions } from "./view.js";
