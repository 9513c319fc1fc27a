import { Runtime, compileKernels, imports } from "../../src/core/runtime.js";

/** A fresh single-threaded runtime on its own memory (the reference for the threaded runtime's results). */
export async function plainRuntime(): Promise<Runtime> {
  return new Runtime(await WebAssembly.instantiate(await compileKernels(), imports()));
}
