// Gradients of a scalar loss w.r.t. fresh parameter tensors, as the pathwise
// (rsample) tests read them: one valueAndGrad step, the grads copied out.
import { Tensor } from "../../src/core/tensor.js";
import { valueAndGrad } from "../../src/autodiff/tape.js";

/** d loss / d p for each parameter p = Tensor.from(values, shape) (persistent, requiresGrad); disposes them after. */
export function lossGrads(params: { values: number[]; shape: number[] }[], loss: (...ps: Tensor[]) => Tensor): { value: number; grads: number[][] } {
  const ts = params.map((p) => {
    const t = Tensor.from(p.values, p.shape, "persistent");
    t.requiresGrad = true;
    return t;
  });
  const value = valueAndGrad(() => loss(...ts));
  const grads = ts.map((t) => (t.grad ? t.grad.toArray() : new Array(t.size).fill(0)));
  ts.forEach((t) => t.dispose());
  return { value, grads };
}
