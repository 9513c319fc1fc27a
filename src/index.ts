// amortvi public API. Layers (imports point downwards): core -> autodiff ->
// dist / nn / optim -> models -> infer / diagnostics -> train -> experiments.
export * from "./core/errors.js";
export { Runtime, Arena, init, runtime } from "./core/runtime.js";
export { Tensor, shapeSize, type Lifetime } from "./core/tensor.js";
export { tidy, keep, dispose, type TensorContainer } from "./core/scope.js";
export type { TensorOrNumber } from "./autodiff/ops/operand.js";
export { Rng } from "./core/rng.js";
export * from "./core/threads.js";
export * from "./core/parallel.js";
export {
  backward,
  clearTape,
  gradOf,
  isRecording,
  needsGrad,
  noGrad,
  record,
  startRecording,
  stopRecording,
  valueAndGrad,
} from "./autodiff/tape.js";
export * from "./autodiff/ops/unary.js";
export * from "./autodiff/ops/binary.js";
export * from "./autodiff/ops/reduce.js";
export * from "./autodiff/ops/shape.js";
export * from "./autodiff/ops/linalg.js";
export * from "./autodiff/ops/gaussian.js";
export * from "./autodiff/ops/categorical.js";
export * from "./autodiff/estimators.js";
export * from "./distributions/index.js";
export * from "./nn/index.js";
export * from "./optim/index.js";
export * from "./models/index.js";
export * from "./infer/index.js";
export * from "./diagnostics/index.js";
export * from "./train/index.js";
export * from "./mapa/index.js";
