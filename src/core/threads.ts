// Opt-in multi-threaded runtime for Node (ADR 0006). One shared
// WebAssembly.Memory, one kernel instance per thread on it (the main thread's
// is the Runtime's), n - 1 node:worker_threads workers that wait on a control
// SharedArrayBuffer with Atomics.wait and run kernel calls the main thread
// writes there. The main thread runs its own share, then waits for the rest.
// This file imports no node: module: worker_threads is reached at run time
// only (process.getBuiltinModule, or a dynamic import), so the neutral
// bundle stays loadable in browsers, which keep the single-threaded runtime.
import { AmortviError, DomainError } from "./errors.js";
import type { KernelExports } from "./kernels-wasm.js";
import { imports, installDefaultRuntime, kernelBytes, Runtime } from "./runtime.js";
import { definedMemoryLimits, sharedMemoryModuleBytes } from "./shared-module.js";

type WorkerThreads = typeof import("node:worker_threads");
type Worker = import("node:worker_threads").Worker;
type MessagePort = import("node:worker_threads").MessagePort;

/** Names of the kernel exports that are functions (what a thread can be asked to call). */
export type KernelName = {
  [K in keyof KernelExports]: KernelExports[K] extends (...args: never[]) => unknown ? K : never;
}[keyof KernelExports];

/** One kernel call: the export's name and its numeric arguments (pointers are byte offsets). */
export type KernelCall = readonly [kernel: KernelName, ...args: number[]];

export interface ThreadOptions {
  /** Threads in all, the main thread included (>= 1; 1 = shared memory, no workers). */
  threads: number;
  /** Maximum size of the shared memory (required for shared memory; reserved, not committed). Default 2 GiB. */
  maxMemoryBytes?: number;
  /** Smallest multiply-add count (e.g. B*in*out of a dense layer) that is split across threads. Default 2^18. */
  minWork?: number;
}

const PAGE = 65536;
const MAX_PAGES = 65536; // 4 GiB: the wasm32 limit
const DEFAULT_MAX_MEMORY = 2 ** 31;
const DEFAULT_MIN_WORK = 2 ** 18;
const MAX_THREADS = 64;

// Control block: Int32 header, then one f64 slot per worker holding its calls
// as [nCalls, (kernelIndex, argc, ...args) * nCalls]; nCalls < 0 = stop.
const GENERATION = 0; // bumped by the main thread to start a job
const PENDING = 1; // workers still running the job
const FAILED = 2; // set by a worker whose call threw
const HEADER_BYTES = 16;
const SLOT_F64 = 128;

/**
 * The worker's whole program (plain JS, evaluated by new Worker(..., {eval:
 * true})). A dynamic import, not require: eval'd code is ESM when the process
 * runs with --input-type=module.
 */
const WORKER_SOURCE = `"use strict";
import("node:worker_threads").then(({ workerData, parentPort }) => {
const { module, memory, control, index, panel, names, port } = workerData;
const env = { memory, abort(m, f, line, col) { throw new Error("amortvi kernel abort at " + line + ":" + col); } };
const k = new WebAssembly.Instance(module, { env }).exports;
k.setGemmPanel(panel);
const fns = names.map((n) => k[n]);
const ctl = new Int32Array(control, 0, ${HEADER_BYTES / 4});
const slot = new Float64Array(control, ${HEADER_BYTES} + index * ${SLOT_F64 * 8}, ${SLOT_F64});
let gen = Atomics.load(ctl, ${GENERATION}); // before "ready": a job started right after it must not be missed
parentPort.postMessage("ready");
for (;;) {
  Atomics.wait(ctl, ${GENERATION}, gen);
  gen = Atomics.load(ctl, ${GENERATION});
  const n = slot[0];
  if (n < 0) break;
  try {
    for (let c = 0, at = 1; c < n; c++) {
      const argc = slot[at + 1];
      fns[slot[at]].apply(null, Array.from(slot.subarray(at + 2, at + 2 + argc)));
      at += 2 + argc;
    }
  } catch (e) {
    port.postMessage(String((e && e.stack) || e));
    Atomics.store(ctl, ${FAILED}, 1);
  }
  if (Atomics.sub(ctl, ${PENDING}, 1) === 1) Atomics.notify(ctl, ${PENDING});
}
});
`;

/** node:worker_threads without a static import (the library bundle is platform-neutral). */
async function workerThreads(): Promise<WorkerThreads> {
  const proc = (globalThis as { process?: { versions?: { node?: string }; getBuiltinModule?: (id: string) => unknown } }).process;
  if (!proc?.versions?.node) {
    throw new DomainError("threads", "Node.js (worker_threads); browsers use the single-threaded runtime", "a runtime without Node.js");
  }
  const builtin = proc.getBuiltinModule?.("node:worker_threads");
  if (builtin) return builtin as WorkerThreads;
  const id = "node:worker_threads"; // a variable: bundlers leave the import alone
  return (await import(/* @vite-ignore */ id)) as WorkerThreads;
}

/** Error thrown in the main thread when a kernel call failed in a worker. */
export class WorkerError extends AmortviError {
  constructor(worker: number, message: string) {
    super("threads", "kernel calls that run without error", `an error in worker ${worker}`, message);
  }
}

/**
 * Workers that share a Runtime's memory and run kernel calls on request.
 * `run(tasks)` gives tasks[0] to the calling thread and tasks[i] to worker i,
 * and returns when all are done (a fork / join of a few microseconds).
 */
export class ThreadPool {
  /** Threads in all, the main thread included. */
  readonly size: number;
  /** Smallest multiply-add count that src/core/parallel.ts splits across threads. */
  minWork: number;
  /** Number of run() calls so far (fork / joins). */
  jobs = 0;
  private readonly ctl: Int32Array;
  private readonly slots: Float64Array[];
  private readonly index = new Map<string, number>();
  private closed = false;

  private constructor(
    private readonly rt: Runtime,
    private readonly wt: WorkerThreads,
    private readonly workers: Worker[],
    private readonly ports: MessagePort[],
    control: SharedArrayBuffer,
    names: string[],
    minWork: number,
  ) {
    this.size = workers.length + 1;
    this.minWork = minWork;
    this.ctl = new Int32Array(control, 0, HEADER_BYTES / 4);
    this.slots = workers.map((_, i) => new Float64Array(control, HEADER_BYTES + i * SLOT_F64 * 8, SLOT_F64));
    names.forEach((n, i) => this.index.set(n, i));
  }

  /** Starts `workers` workers on rt's shared memory, each instance with its own gemm panel. */
  static async start(rt: Runtime, module: WebAssembly.Module, memory: WebAssembly.Memory, workers: number, minWork: number): Promise<ThreadPool> {
    const wt = await workerThreads();
    const names = Object.keys(rt.k).filter((n) => typeof (rt.k as unknown as Record<string, unknown>)[n] === "function");
    const control = new SharedArrayBuffer(HEADER_BYTES + workers * SLOT_F64 * 8);
    const panelBytes = rt.k.GEMM_PANEL_BYTES.value;
    const started: Worker[] = [];
    const ports: MessagePort[] = [];
    try {
      for (let index = 0; index < workers; index++) {
        const { port1, port2 } = new wt.MessageChannel();
        const panel = rt.alloc(panelBytes);
        const worker = new wt.Worker(WORKER_SOURCE, {
          eval: true,
          workerData: { module, memory, control, index, panel, names, port: port2 },
          transferList: [port2],
        });
        started.push(worker);
        ports.push(port1);
        await new Promise<void>((resolve, reject) => {
          worker.once("message", () => resolve());
          worker.once("error", reject);
          worker.once("exit", (code) => reject(new Error(`amortvi worker exited during start-up (code ${code})`)));
        });
        worker.removeAllListeners();
        // idle workers must not keep the process alive (a forgotten pool does not hang it)
        worker.unref();
        port1.unref();
      }
    } catch (err) {
      await Promise.all(started.map((w) => w.terminate()));
      throw err;
    }
    return new ThreadPool(rt, wt, started, ports, control, names, minWork);
  }

  /**
   * Runs tasks[0] on this thread and tasks[i] on worker i (at most `size`
   * lists; missing ones are empty), in order within a list, and waits for all.
   * An error in a worker is rethrown here as a WorkerError.
   */
  run(tasks: readonly (readonly KernelCall[])[]): void {
    if (this.closed) throw new DomainError("threads", "a running thread pool", "a terminated one");
    if (tasks.length > this.size) throw new DomainError("tasks", `at most ${this.size} task lists`, String(tasks.length));
    this.workers.forEach((_, i) => this.encode(this.slots[i], tasks[i + 1] ?? []));
    this.jobs++;
    this.start();
    let error: unknown = null;
    try {
      for (const [name, ...args] of tasks[0] ?? []) (this.rt.k[name] as (...a: number[]) => unknown)(...args);
    } catch (err) {
      error = err;
    }
    this.join();
    if (error) throw error;
  }

  /** Stops the workers and detaches the pool from its runtime (which stays usable, single-threaded). */
  async terminate(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const slot of this.slots) slot[0] = -1;
    this.start();
    if (this.rt.threads === this) this.rt.threads = null;
    await Promise.all(this.workers.map((w) => w.terminate()));
    for (const p of this.ports) p.close();
  }

  private encode(slot: Float64Array, calls: readonly KernelCall[]): void {
    let at = 1;
    for (const [name, ...args] of calls) {
      const fn = this.index.get(name);
      if (fn === undefined) throw new DomainError("kernel", "the name of an exported kernel function", JSON.stringify(name));
      if (at + 2 + args.length > SLOT_F64) throw new DomainError("tasks", `at most ${SLOT_F64} numbers per worker and job`, "more");
      slot[at] = fn;
      slot[at + 1] = args.length;
      slot.set(args, at + 2);
      at += 2 + args.length;
    }
    slot[0] = calls.length;
  }

  private start(): void {
    Atomics.store(this.ctl, FAILED, 0);
    Atomics.store(this.ctl, PENDING, this.workers.length);
    Atomics.add(this.ctl, GENERATION, 1);
    Atomics.notify(this.ctl, GENERATION);
  }

  private join(): void {
    for (let p = Atomics.load(this.ctl, PENDING); p !== 0; p = Atomics.load(this.ctl, PENDING)) Atomics.wait(this.ctl, PENDING, p);
    if (Atomics.load(this.ctl, FAILED) === 0) return;
    for (let i = 0; i < this.ports.length; i++) {
      const msg = this.wt.receiveMessageOnPort(this.ports[i]);
      if (msg) throw new WorkerError(i + 1, String(msg.message));
    }
    throw new WorkerError(0, "unknown error");
  }
}

/** Validated options with defaults. */
function threadOptions({ threads, maxMemoryBytes = DEFAULT_MAX_MEMORY, minWork = DEFAULT_MIN_WORK }: ThreadOptions) {
  if (!Number.isInteger(threads) || threads < 1 || threads > MAX_THREADS) {
    throw new DomainError("threads", `an integer in 1..${MAX_THREADS}`, String(threads));
  }
  const maxPages = Math.ceil(maxMemoryBytes / PAGE);
  if (!(maxPages >= 1 && maxPages <= MAX_PAGES)) throw new DomainError("maxMemoryBytes", "a size in (0, 4 GiB]", String(maxMemoryBytes));
  if (!(minWork >= 0)) throw new DomainError("minWork", "a number >= 0", String(minWork));
  return { threads, maxPages, minWork };
}

/**
 * A Runtime on a shared WebAssembly.Memory with `threads - 1` worker threads
 * (Node only). Dense layers and matmuls above `minWork` multiply-adds are
 * split across the threads with results identical to one thread's. Call
 * `rt.threads?.terminate()` when done (idle workers do not keep Node alive).
 */
export async function createThreadedRuntime(options: ThreadOptions): Promise<Runtime> {
  const { threads, maxPages, minWork } = threadOptions(options);
  if (threads > 1) await workerThreads(); // fail before compiling in a browser
  const bytes = kernelBytes();
  const { initial } = definedMemoryLimits(bytes);
  if (maxPages < initial) throw new DomainError("maxMemoryBytes", `at least ${initial * PAGE}`, String(options.maxMemoryBytes));
  const module = await WebAssembly.compile(sharedMemoryModuleBytes(bytes, maxPages));
  const memory = new WebAssembly.Memory({ initial, maximum: maxPages, shared: true });
  const env = { ...(imports().env as object), memory };
  const rt = new Runtime(await WebAssembly.instantiate(module, { env }));
  if (threads > 1) rt.threads = await ThreadPool.start(rt, module, memory, threads - 1, minWork);
  return rt;
}

/**
 * Makes a threaded runtime (createThreadedRuntime) the default runtime:
 * `await initThreads(2)` before any tensor, Rng or module is made. Node only.
 */
export async function initThreads(threads: number, options: Omit<ThreadOptions, "threads"> = {}): Promise<Runtime> {
  const rt = await createThreadedRuntime({ ...options, threads });
  try {
    installDefaultRuntime(rt);
  } catch (err) {
    await rt.threads?.terminate();
    throw err;
  }
  return rt;
}
