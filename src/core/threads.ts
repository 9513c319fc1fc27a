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
  /** Smallest multiply-add count (e.g. B*in*out of a dense layer) that is split across threads. Default 2^18 (~15 us of work). */
  minWork?: number;
  /**
   * Busy-wait polls (~6 ns each here) before a thread sleeps in Atomics.wait:
   * the worker after a job (the next layer's job often follows within
   * microseconds), the main thread before waiting for the last chunk. Default
   * 20000 (~0.1 ms); 0 = sleep at once (lowest CPU use, tens of us more latency).
   */
  spin?: number;
}

const PAGE = 65536;
const MAX_PAGES = 65536; // 4 GiB: the wasm32 limit
const DEFAULT_MAX_MEMORY = 2 ** 31;
const DEFAULT_SPIN = 20000;
const DEFAULT_MIN_WORK = 2 ** 18; // ADR 0006: the small VAE (5e4 per layer) loses 13-18 % when split
const MAX_THREADS = 64;

// Control block: an Int32 header, then the job: f64 numbers
// [start of chunk 0, ..., start of chunk n-1, chunks...], a chunk being
// [nCalls, (kernelIndex, argc, ...args) * nCalls]. Every thread (the main
// one too) claims chunks by a compare-and-swap on CLAIM = n << 12 | next,
// and the main thread waits until DONE = n. A worker that the OS has not
// scheduled yet (other processes on the cores) is never waited for: the
// threads that run take its chunks. A claim succeeds only while its chunk is
// open, and the main thread rewrites the job only when all chunks are done,
// so a late worker never reads a job being written.
const GENERATION = 0; // bumped by the main thread to wake the workers
const CLAIM = 1; // chunks << 12 | next unclaimed chunk
const DONE = 2; // chunks finished
const FAILED = 3; // set by a worker whose call threw (details on its port)
const STOP = 4; // 1: workers exit
const HEADER_BYTES = 32;
const JOB_F64 = 2048;
const MAX_CHUNKS = 4095;

/**
 * The worker's whole program (plain JS, evaluated by new Worker(..., {eval:
 * true})). A dynamic import, not require: eval'd code is ESM when the process
 * runs with --input-type=module.
 */
const WORKER_SOURCE = `"use strict";
import("node:worker_threads").then(({ workerData, parentPort }) => {
const { module, memory, control, panel, names, port, spin } = workerData;
const env = { memory, abort(m, f, line, col) { throw new Error("amortvi kernel abort at " + line + ":" + col); } };
const k = new WebAssembly.Instance(module, { env }).exports;
k.setGemmPanel(panel);
const fns = names.map((n) => k[n]);
const ctl = new Int32Array(control, 0, ${HEADER_BYTES / 4});
const job = new Float64Array(control, ${HEADER_BYTES}, ${JOB_F64});
let gen = Atomics.load(ctl, ${GENERATION}); // before "ready": a job started right after it must not be missed
parentPort.postMessage("ready");
for (;;) {
  for (let s = 0; s < spin && Atomics.load(ctl, ${GENERATION}) === gen; s++);
  Atomics.wait(ctl, ${GENERATION}, gen);
  gen = Atomics.load(ctl, ${GENERATION});
  if (Atomics.load(ctl, ${STOP})) break;
  for (;;) {
    const w = Atomics.load(ctl, ${CLAIM});
    const n = w >>> 12, i = w & 4095;
    if (i >= n) break;
    if (Atomics.compareExchange(ctl, ${CLAIM}, w, w + 1) !== w) continue;
    try {
      let at = job[i];
      for (let c = 0, calls = job[at++]; c < calls; c++) {
        const argc = job[at + 1];
        fns[job[at]].apply(null, Array.from(job.subarray(at + 2, at + 2 + argc)));
        at += 2 + argc;
      }
    } catch (e) {
      port.postMessage({ chunk: i, message: String((e && e.stack) || e) });
      Atomics.store(ctl, ${FAILED}, 1);
    }
    if (Atomics.add(ctl, ${DONE}, 1) + 1 === n) Atomics.notify(ctl, ${DONE});
  }
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
 * `run(chunks)` runs each chunk (a list of calls, in order) on whichever
 * thread claims it first, the calling thread included, and returns when all
 * are done (a fork / join of a few microseconds).
 */
export class ThreadPool {
  /** Threads in all, the main thread included. */
  readonly size: number;
  /** Smallest multiply-add count that src/core/parallel.ts splits across threads. */
  minWork: number;
  /** Number of run() calls so far (fork / joins). */
  jobs = 0;
  private readonly ctl: Int32Array;
  private readonly job: Float64Array;
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
    private readonly spin: number,
  ) {
    this.size = workers.length + 1;
    this.minWork = minWork;
    this.ctl = new Int32Array(control, 0, HEADER_BYTES / 4);
    this.job = new Float64Array(control, HEADER_BYTES, JOB_F64);
    names.forEach((n, i) => this.index.set(n, i));
  }

  /** Starts `workers` workers on rt's shared memory, each instance with its own gemm panel. */
  static async start(
    rt: Runtime, module: WebAssembly.Module, memory: WebAssembly.Memory, workers: number, minWork: number, spin: number,
  ): Promise<ThreadPool> {
    const wt = await workerThreads();
    const names = Object.keys(rt.k).filter((n) => typeof (rt.k as unknown as Record<string, unknown>)[n] === "function");
    const control = new SharedArrayBuffer(HEADER_BYTES + JOB_F64 * 8);
    const panelBytes = rt.k.GEMM_PANEL_BYTES.value;
    const started: Worker[] = [];
    const ports: MessagePort[] = [];
    try {
      for (let index = 0; index < workers; index++) {
        const { port1, port2 } = new wt.MessageChannel();
        const panel = rt.alloc(panelBytes);
        const worker = new wt.Worker(WORKER_SOURCE, {
          eval: true,
          workerData: { module, memory, control, panel, names, port: port2, spin },
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
    return new ThreadPool(rt, wt, started, ports, control, names, minWork, spin);
  }

  /**
   * Runs every chunk (its calls in order) on some thread, this one included,
   * and waits for all. If calls throw, every chunk still runs and the error
   * of the lowest-numbered failed chunk is thrown (a WorkerError if a worker ran it).
   */
  run(chunks: readonly (readonly KernelCall[])[]): void {
    if (this.closed) throw new DomainError("threads", "a running thread pool", "a terminated one");
    const n = chunks.length;
    if (n > MAX_CHUNKS) throw new DomainError("chunks", `at most ${MAX_CHUNKS} chunks`, String(n));
    this.encode(chunks);
    this.jobs++;
    const ctl = this.ctl;
    Atomics.store(ctl, DONE, 0);
    Atomics.store(ctl, FAILED, 0);
    Atomics.store(ctl, CLAIM, n << 12);
    if (n > 1) this.wake();
    let error: { chunk: number; error: unknown } | null = null;
    for (;;) {
      const w = Atomics.load(ctl, CLAIM);
      const i = w & MAX_CHUNKS;
      if (i >= n) break;
      if (Atomics.compareExchange(ctl, CLAIM, w, w + 1) !== w) continue;
      try {
        for (const [name, ...args] of chunks[i]) (this.rt.k[name] as (...a: number[]) => unknown)(...args);
      } catch (err) {
        if (!error || i < error.chunk) error = { chunk: i, error: err };
      }
      Atomics.add(ctl, DONE, 1);
    }
    for (let s = 0; s < this.spin && Atomics.load(ctl, DONE) < n; s++);
    for (let d = Atomics.load(ctl, DONE); d < n; d = Atomics.load(ctl, DONE)) Atomics.wait(ctl, DONE, d);
    const fromWorker = this.workerError();
    if (fromWorker && (!error || fromWorker.chunk < error.chunk)) throw fromWorker.error;
    if (error) throw error.error;
  }

  /** Stops the workers and detaches the pool from its runtime (which stays usable, single-threaded). */
  async terminate(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    Atomics.store(this.ctl, STOP, 1);
    this.wake();
    if (this.rt.threads === this) this.rt.threads = null;
    await Promise.all(this.workers.map((w) => w.terminate()));
    for (const p of this.ports) p.close();
  }

  private encode(chunks: readonly (readonly KernelCall[])[]): void {
    const job = this.job;
    let at = chunks.length;
    const room = (n: number) => {
      if (at + n > JOB_F64) throw new DomainError("chunks", `at most ${JOB_F64} numbers per job`, "more");
    };
    chunks.forEach((calls, i) => {
      room(1);
      job[i] = at;
      job[at++] = calls.length;
      for (const [name, ...args] of calls) {
        const fn = this.index.get(name);
        if (fn === undefined) throw new DomainError("kernel", "the name of an exported kernel function", JSON.stringify(name));
        room(2 + args.length);
        job[at] = fn;
        job[at + 1] = args.length;
        job.set(args, at + 2);
        at += 2 + args.length;
      }
    });
  }

  private wake(): void {
    Atomics.add(this.ctl, GENERATION, 1);
    Atomics.notify(this.ctl, GENERATION);
  }

  /** The error of the workers' lowest-numbered failed chunk in this job, if any. */
  private workerError(): { chunk: number; error: WorkerError } | null {
    if (Atomics.load(this.ctl, FAILED) === 0) return null;
    let first: { chunk: number; error: WorkerError } | null = null;
    this.ports.forEach((port, w) => {
      for (let msg = this.wt.receiveMessageOnPort(port); msg; msg = this.wt.receiveMessageOnPort(port)) {
        const { chunk, message } = msg.message as { chunk: number; message: string };
        if (!first || chunk < first.chunk) first = { chunk, error: new WorkerError(w + 1, message) };
      }
    });
    return first ?? { chunk: -1, error: new WorkerError(0, "unknown error") };
  }
}

/** Validated options with defaults. */
function threadOptions({ threads, maxMemoryBytes = DEFAULT_MAX_MEMORY, minWork = DEFAULT_MIN_WORK, spin = DEFAULT_SPIN }: ThreadOptions) {
  if (!Number.isInteger(threads) || threads < 1 || threads > MAX_THREADS) {
    throw new DomainError("threads", `an integer in 1..${MAX_THREADS}`, String(threads));
  }
  const maxPages = Math.ceil(maxMemoryBytes / PAGE);
  if (!(maxPages >= 1 && maxPages <= MAX_PAGES)) throw new DomainError("maxMemoryBytes", "a size in (0, 4 GiB]", String(maxMemoryBytes));
  if (!(minWork >= 0)) throw new DomainError("minWork", "a number >= 0", String(minWork));
  if (!Number.isInteger(spin) || spin < 0) throw new DomainError("spin", "an integer >= 0", String(spin));
  return { threads, maxPages, minWork, spin };
}

/**
 * A Runtime on a shared WebAssembly.Memory with `threads - 1` worker threads
 * (Node only). Dense layers (f64 and f32) and matmuls above `minWork` multiply-adds are
 * split across the threads with results identical to one thread's. Call
 * `rt.threads?.terminate()` when done (idle workers do not keep Node alive).
 */
export async function createThreadedRuntime(options: ThreadOptions): Promise<Runtime> {
  const { threads, maxPages, minWork, spin } = threadOptions(options);
  if (threads > 1) await workerThreads(); // fail before compiling in a browser
  const bytes = kernelBytes();
  const { initial } = definedMemoryLimits(bytes);
  if (maxPages < initial) throw new DomainError("maxMemoryBytes", `at least ${initial * PAGE}`, String(options.maxMemoryBytes));
  const module = await WebAssembly.compile(sharedMemoryModuleBytes(bytes, maxPages));
  const memory = new WebAssembly.Memory({ initial, maximum: maxPages, shared: true });
  const env = { ...(imports().env as object), memory };
  const rt = new Runtime(await WebAssembly.instantiate(module, { env }));
  if (threads > 1) rt.threads = await ThreadPool.start(rt, module, memory, threads - 1, minWork, spin);
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
