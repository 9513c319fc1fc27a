// cos, exp, log and pow with the same bits in every JavaScript engine, for
// numbers computed in JS inside a training step (schedules, log-scales of a
// distribution built from numbers, log K). JS Math.* is implementation-
// approximated and differs between V8 versions in the last bit (Node 20 vs
// Chromium 156: 3-10% of inputs), which made the same seed give different
// bits in a browser; these run the kernels' libm (assembly/portable-math.ts).
// Setup code and diagnostics may keep Math.*: only what feeds a step matters.
import { runtime } from "./runtime.js";

/** cos(x), engine-independent (Wasm libm). */
export function portableCos(x: number): number {
  return runtime().k.mathCos(x);
}

/** e^x, engine-independent (Wasm libm). */
export function portableExp(x: number): number {
  return runtime().k.mathExp(x);
}

/** ln(x), engine-independent (Wasm libm). */
export function portableLog(x: number): number {
  return runtime().k.mathLog(x);
}

/** x^y, engine-independent (Wasm libm). */
export function portablePow(x: number, y: number): number {
  return runtime().k.mathPow(x, y);
}
