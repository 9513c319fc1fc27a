import { Arena, ALIGN, alignUp } from "./arena.js";
import { DomainError } from "./errors.js";
import { KERNELS_WASM_BASE64, type KernelExports } from "./kernels-wasm.js";
import type { ThreadPool } from "./threads.js";

export { Arena, MemoryRegion } from "./arena.js";

const PAGE = 65536;

function decodeBase64(b64: string): Uint8Array<ArrayBuffer> {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

let compiled: WebAssembly.Module | null = null;

/** The kernel module's bytes (decoded from the embedded base64). */
export function kernelBytes(): Uint8Array<ArrayBuffer> {
  return decodeBase64(KERNELS_WASM_BASE64);
}

/** Imports every kernel instance gets (env.abort). */
export function imports(): WebAssembly.Imports {
  return {
    env: {
      abort(_msg: number, _file: number, line: number, col: number) {
        throw new Error(`amortvi kernel abort at ${line}:${col}`);
      },
    },
  };
}

/**
 * One WebAssembly instance with its linear memory. Memory holds a persistent
 * region (parameters, optimizer state, data) handed out by `alloc` and a
 * scoped arena for temporaries (see Arena in arena.ts: reset per training
 * step, and per tidy() scope, never freed), so a million steps do not grow
 * memory.
 *
 * Typed-array views (`f64`, `u32`) are refreshed whenever memory grows:
 * growth detaches every old view, so never keep a view across an allocation.
 */
export class Runtime {
  readonly k: KernelExports;
  readonly arena: Arena;
  /**
   * Worker threads sharing this runtime's memory (opt-in, Node only; see
   * initThreads in src/core/threads.ts); null = single-threaded, the default.
   */
  threads: ThreadPool | null = null;
  private memory: WebAssembly.Memory;
  private top: number;
  private freeBySize = new Map<number, number[]>();
  private f64View: Float64Array;
  private u32View: Uint32Array;
  private viewBuffer: ArrayBuffer;

  constructor(instance: WebAssembly.Instance) {
    this.k = instance.exports as unknown as KernelExports;
    this.memory = this.k.memory;
    this.top = this.k.heapBase();
    this.viewBuffer = this.memory.buffer;
    this.f64View = new Float64Array(this.viewBuffer);
    this.u32View = new Uint32Array(this.viewBuffer);
    this.arena = new Arena(this, 1 << 20);
  }

  /** Float64Array over all of memory (index = byteOffset / 8); valid until the next growth. */
  get f64(): Float64Array {
    if (this.memory.buffer !== this.viewBuffer) this.refreshViews();
    return this.f64View;
  }

  get u32(): Uint32Array {
    if (this.memory.buffer !== this.viewBuffer) this.refreshViews();
    return this.u32View;
  }

  /** Current size of linear memory in bytes. */
  get memoryBytes(): number {
    return this.memory.buffer.byteLength;
  }

  private refreshViews(): void {
    this.viewBuffer = this.memory.buffer;
    this.f64View = new Float64Array(this.viewBuffer);
    this.u32View = new Uint32Array(this.viewBuffer);
  }

  /** Persistent allocation of `bytes` (16-byte aligned); contents undefined. */
  alloc(bytes: number): number {
    if (!(bytes >= 0) || !Number.isInteger(bytes)) throw new DomainError("bytes", "an integer >= 0", String(bytes));
    const size = alignUp(Math.max(bytes, ALIGN));
    const reuse = this.freeBySize.get(size);
    if (reuse && reuse.length > 0) return reuse.pop()!;
    const ptr = this.top;
    const end = ptr + size;
    if (end > this.memory.buffer.byteLength) {
      const need = Math.ceil((end - this.memory.buffer.byteLength) / PAGE);
      // grow geometrically so that many small allocations cost few growths
      const pages = Math.max(need, Math.ceil(this.memory.buffer.byteLength / PAGE / 4));
      this.memory.grow(pages);
      this.refreshViews();
    }
    this.top = end;
    return ptr;
  }

  /** Returns a block from `alloc` for reuse by a later allocation of the same size. */
  release(ptr: number, bytes: number): void {
    const size = alignUp(Math.max(bytes, ALIGN));
    if (ptr + size === this.top) {
      this.top = ptr;
      return;
    }
    let list = this.freeBySize.get(size);
    if (!list) this.freeBySize.set(size, (list = []));
    list.push(ptr);
  }

  /** Persistent allocation of n f64 values, filled with `value`. */
  allocF64(n: number, value = 0): number {
    const ptr = this.alloc(n * 8);
    this.k.fill(ptr, n, value);
    return ptr;
  }
}

/** Compiles the kernels once (async: required on a browser's main thread for modules > 4 KB). */
export async function compileKernels(): Promise<WebAssembly.Module> {
  if (!compiled) compiled = await WebAssembly.compile(decodeBase64(KERNELS_WASM_BASE64));
  return compiled;
}

let defaultRuntime: Runtime | null = null;

/**
 * Prepares the default runtime. Call once before using amortvi in a browser
 * (await init()); in Node and in workers the runtime is also created on first
 * use without it.
 */
export async function init(): Promise<Runtime> {
  if (!defaultRuntime) {
    const module = await compileKernels();
    defaultRuntime ??= new Runtime(await WebAssembly.instantiate(module, imports()));
  }
  return defaultRuntime;
}

/**
 * Makes `rt` the default runtime (initThreads). Throws if the default runtime
 * already exists: tensors made on it cannot be mixed with another runtime's.
 */
export function installDefaultRuntime(rt: Runtime): void {
  if (defaultRuntime) {
    throw new DomainError("initThreads", "a call before the default runtime is first used (before any tensor, Rng or module is made)", "the default runtime already exists");
  }
  defaultRuntime = rt;
}

/** The default runtime, instantiated synchronously on first use if init() was not awaited. */
export function runtime(): Runtime {
  if (!defaultRuntime) {
    compiled ??= new WebAssembly.Module(decodeBase64(KERNELS_WASM_BASE64));
    defaultRuntime = new Runtime(new WebAssembly.Instance(compiled, imports()));
  }
  return defaultRuntime;
}
