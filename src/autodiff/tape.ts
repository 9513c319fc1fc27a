import { ShapeError, describeShape } from "../core/errors.js";
import { runtime } from "../core/runtime.js";
import { setGraphPendingCheck } from "../core/scope.js";
import { Tensor } from "../core/tensor.js";

/**
 * Define-by-run reverse mode. While recording, every op whose inputs need a
 * gradient pushes one closure that, given the op's output gradient, adds the
 * input gradients (all backward kernels accumulate: dx += ...). Ops are
 * coarse (a dense layer is one node), so a VAE step records tens of nodes.
 */
interface TapeNode {
  out: Tensor;
  backward: (gradOut: Tensor) => void;
}

const nodes: TapeNode[] = [];
/** Tensors whose .grad was allocated in the arena; cleared when the tape restarts. */
const arenaGrads: Tensor[] = [];
let recording = false;
/** valueAndGrad calls so far (named in DisposedTensorError messages). */
let steps = 0;

// a tidy() that ends while a graph may still read its tensors frees nothing
setGraphPendingCheck(() => recording || nodes.length > 0);

/** True when an op with these inputs must record a backward closure. */
export function needsGrad(...inputs: (Tensor | null | undefined)[]): boolean {
  if (!recording) return false;
  for (const t of inputs) if (t && t.requiresGrad) return true;
  return false;
}

/** needsGrad over an array, without a rest-argument copy (record runs once per op). */
function anyNeedsGrad(inputs: readonly (Tensor | null | undefined)[]): boolean {
  if (!recording) return false;
  for (let i = 0; i < inputs.length; i++) {
    const t = inputs[i];
    if (t && t.requiresGrad) return true;
  }
  return false;
}

/**
 * Records `backward` for `out` if any input needs a gradient; returns `out`.
 * Backward closures must use `gradOf(x)` only for inputs with x.requiresGrad.
 */
export function record(out: Tensor, inputs: readonly (Tensor | null | undefined)[], backward: (gradOut: Tensor) => void): Tensor {
  if (anyNeedsGrad(inputs)) {
    out.requiresGrad = true;
    nodes.push({ out, backward });
  }
  return out;
}

/** The gradient buffer of t, allocated zeroed in the arena on first use (parameters bring their own). */
export function gradOf(t: Tensor): Tensor {
  if (!t.grad) {
    t.grad = Tensor.zeros(t.shape, "arena", t.rt);
    arenaGrads.push(t);
  }
  return t.grad;
}

export function isRecording(): boolean {
  return recording;
}

/** Forgets the recorded graph and the arena gradients of the previous pass. */
export function clearTape(): void {
  nodes.length = 0;
  for (const t of arenaGrads) t.grad = null;
  arenaGrads.length = 0;
}

/** Starts recording a new graph (does not touch the arena). */
export function startRecording(): void {
  clearTape();
  recording = true;
}

/** Stops recording; the recorded graph stays until backward or clearTape. */
export function stopRecording(): void {
  recording = false;
}

/**
 * Backpropagates from `out` (a scalar, or any tensor with an explicit seed
 * gradient of the same shape) through the recorded graph, accumulating into
 * every leaf's .grad, then releases the graph.
 */
export function backward(out: Tensor, seed?: Tensor): void {
  recording = false;
  if (!seed && out.size !== 1) {
    throw new ShapeError("out", "a scalar loss (or pass a seed gradient)", `shape ${describeShape(out.shape)}`);
  }
  if (seed && seed.size !== out.size) {
    throw new ShapeError("seed", `shape ${describeShape(out.shape)}`, `shape ${describeShape(seed.shape)}`);
  }
  if (out.requiresGrad) {
    const g = gradOf(out);
    if (seed) out.rt.k.copy(g.ptr, seed.ptr, g.size);
    else out.rt.k.fill(g.ptr, 1, 1);
    for (let i = nodes.length - 1; i >= 0; i--) {
      const n = nodes[i];
      if (n.out.grad) n.backward(n.out.grad);
    }
  }
  nodes.length = 0;
}

/**
 * One training pass: resets the arena's innermost scope (the whole arena
 * outside tidy(); arena tensors of earlier passes then throw
 * DisposedTensorError), records `fn`, backpropagates its scalar result into
 * the parameters' gradient buffers and returns the loss value.
 */
export function valueAndGrad(fn: () => Tensor): number {
  const rt = runtime();
  clearTape();
  rt.arena.reset("the arena reset at the start of valueAndGrad step", ++steps);
  recording = true;
  let loss: Tensor;
  try {
    loss = fn();
  } finally {
    recording = false;
  }
  const value = loss.item();
  backward(loss);
  return value;
}

/**
 * Runs fn without recording (evaluation); restores the previous mode. It
 * frees nothing: wrap evaluation loops in tidy() (src/core/scope.ts) so that
 * their temporaries do not pile up in the arena between training steps.
 */
export function noGrad<T>(fn: () => T): T {
  const was = recording;
  recording = false;
  try {
    return fn();
  } finally {
    recording = was;
  }
}
