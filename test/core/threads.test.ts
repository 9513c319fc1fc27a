import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build } from "esbuild";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backward, dense, DomainError, matmul, Rng, Tensor, WorkerError, type Activation } from "../../src/index.js";
import {
  activationCode,
  createThreadedRuntime,
  parallelAdamStep,
  parallelRows,
  rowSplits,
  Runtime,
  startRecording,
  type KernelCall,
} from "../../src/low-level.js";
import { compileKernels, kernelBytes } from "../../src/core/runtime.js";
import { firstBitDifference } from "../helpers/kernel-memory.js";
import { plainRuntime } from "../helpers/plain-runtime.js";
import { definedMemoryLimits, sharedMemoryModuleBytes } from "../../src/core/shared-module.js";



const bits = (t: Tensor) => new Float64Array(t.toArray());

interface DenseCase {
  B: number;
  nIn: number;
  nOut: number;
  act: Activation;
  bias: boolean;
}

/** y = dense(x, W, b, act) and its gradients for a seed gy, on runtime rt, all from seed 7. */
function denseRun(rt: Runtime, { B, nIn, nOut, act, bias }: DenseCase) {
  const rng = new Rng(7, rt);
  const x = rng.normal([B, nIn], "persistent");
  const W = rng.normal([nIn, nOut], "persistent");
  const b = bias ? rng.normal([nOut], "persistent") : null;
  const gy = rng.normal([B, nOut], "persistent");
  for (const t of [x, W, b]) if (t) t.requiresGrad = true;
  rt.arena.reset();
  startRecording();
  const y = dense(x, W, b, act, 0.1);
  backward(y, gy);
  return { y: bits(y), dx: bits(x.grad!), dW: bits(W.grad!), db: b ? bits(b.grad!) : null };
}

describe("shared-memory kernel module", () => {
  it("imports a shared env.memory and keeps every export of the default module", async () => {
    const bytes = kernelBytes();
    const shared = sharedMemoryModuleBytes(bytes, 1024);
    expect(WebAssembly.validate(shared)).toBe(true);
    const mod = new WebAssembly.Module(shared);
    expect(WebAssembly.Module.imports(mod)).toContainEqual({ module: "env", name: "memory", kind: "memory" });
    const names = (m: WebAssembly.Module) => WebAssembly.Module.exports(m).map((e) => `${e.name}:${e.kind}`).sort();
    expect(names(mod)).toEqual(names(await compileKernels()));
    // a memory without the shared flag does not satisfy the import
    expect(() => new WebAssembly.Instance(mod, { env: { memory: new WebAssembly.Memory({ initial: 2, maximum: 1024 }) } })).toThrow();
    expect(definedMemoryLimits(bytes).initial).toBeGreaterThan(0);
  });

  it("rowSplits covers the rows in multiples of 4", () => {
    expect(rowSplits(128, 2)).toEqual([[0, 64], [64, 128]]);
    expect(rowSplits(10, 2)).toEqual([[0, 8], [8, 10]]);
    expect(rowSplits(130, 3)).toEqual([[0, 44], [44, 88], [88, 130]]);
    expect(rowSplits(3, 2)).toEqual([[0, 3]]);
  });
});

describe("threaded runtime (2 threads)", () => {
  let rt: Runtime;
  let ref: Runtime;
  beforeAll(async () => {
    rt = await createThreadedRuntime({ threads: 2, minWork: 0, maxMemoryBytes: 256 << 20 });
    ref = await plainRuntime();
  });
  afterAll(async () => {
    await rt.threads?.terminate();
  });

  it("runs on a shared memory with one worker", () => {
    expect(rt.threads?.size).toBe(2);
    expect(rt.k.memory.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(rt.k.memory.buffer).toBe(rt.k.memory.buffer); // views are not re-created on every access
  });

  const CASES: DenseCase[] = [
    { B: 128, nIn: 784, nOut: 256, act: "tanh", bias: true }, // the MNIST encoder layer
    { B: 128, nIn: 256, nOut: 784, act: "identity", bias: true },
    { B: 130, nIn: 37, nOut: 50, act: "relu", bias: true }, // odd sizes, B not a multiple of 4
    { B: 9, nIn: 6, nOut: 3, act: "softplus", bias: true }, // narrow: gemmNT scratch path
    { B: 64, nIn: 16, nOut: 20, act: "sigmoid", bias: false },
    { B: 33, nIn: 21, nOut: 41, act: "leakyRelu", bias: true },
  ];
  for (const c of CASES) {
    it(`dense ${c.B}x${c.nIn}x${c.nOut} ${c.act}${c.bias ? "" : " (no bias)"}: forward and gradients identical bit for bit`, () => {
      const jobs = rt.threads!.jobs;
      const got = denseRun(rt, c);
      expect(rt.threads!.jobs).toBe(jobs + 2); // forward and backward were split
      const want = denseRun(ref, c);
      for (const key of ["y", "dx", "dW", "db"] as const) {
        if (want[key] === null) continue;
        expect(firstBitDifference(got[key]!, want[key]!), key).toBe(-1);
      }
    });
  }

  it("every activation code is covered", () => {
    expect(new Set(CASES.map((c) => c.act))).toEqual(new Set(Object.keys(activationCode)));
  });

  it("matmul (no transposes): forward and gradients identical bit for bit", () => {
    const run = (r: Runtime) => {
      const rng = new Rng(3, r);
      const a = rng.normal([66, 45], "persistent");
      const b = rng.normal([45, 31], "persistent");
      const g = rng.normal([66, 31], "persistent");
      a.requiresGrad = b.requiresGrad = true;
      r.arena.reset();
      startRecording();
      const c = matmul(a, b);
      backward(c, g);
      return [bits(c), bits(a.grad!), bits(b.grad!)];
    };
    const jobs = rt.threads!.jobs;
    const got = run(rt);
    expect(rt.threads!.jobs).toBe(jobs + 3);
    run(ref).forEach((want, i) => expect(firstBitDifference(got[i], want), `output ${i}`).toBe(-1));
  });

  it("Adam over element ranges: parameters, moments and zeroed gradients identical bit for bit", () => {
    const n = 4099; // not a multiple of 4: the last range has the scalar tail
    const run = (r: Runtime, split: boolean) => {
      const rng = new Rng(11, r);
      const [p, g, m, v] = [rng.normal([n], "persistent"), rng.normal([n], "persistent"), rng.normal([n], "persistent"), rng.uniform([n], "persistent")];
      for (let t = 1; t <= 3; t++) {
        const args = [p.ptr, g.ptr, m.ptr, v.ptr, n, 0.01, 0.9, 0.999, 1e-8, 0.1, t % 2, t] as const;
        if (split) expect(parallelAdamStep(r, ...args)).toBe(true);
        else r.k.adamStep(...args);
        if (t < 3) rng.fillNormal(g.ptr, n);
      }
      return [bits(p), bits(g), bits(m), bits(v)];
    };
    const jobs = rt.threads!.jobs;
    const got = run(rt, true);
    expect(rt.threads!.jobs).toBe(jobs + 3);
    run(ref, false).forEach((want, i) => expect(firstBitDifference(got[i], want), ["params", "grads", "m", "v"][i]).toBe(-1));
    expect(parallelAdamStep(ref, 0, 0, 0, 0, n, 0.01, 0.9, 0.999, 1e-8, 0, 0, 1)).toBe(false); // no pool: caller runs the kernel
  });

  it("small products stay on one thread above minWork", () => {
    const pool = rt.threads!;
    pool.minWork = 2 ** 18;
    try {
      const jobs = pool.jobs;
      denseRun(rt, { B: 100, nIn: 10, nOut: 50, act: "tanh", bias: true });
      expect(pool.jobs).toBe(jobs);
    } finally {
      pool.minWork = 0;
    }
  });

  it("memory growth while workers run: views refreshed, workers see the new pages", () => {
    const before = rt.memoryBytes;
    rt.alloc(48 << 20);
    expect(rt.memoryBytes).toBeGreaterThan(before);
    expect(rt.f64.length).toBe(rt.memoryBytes / 8);
    const c: DenseCase = { B: 40, nIn: 30, nOut: 20, act: "tanh", bias: true };
    const got = denseRun(rt, c); // its tensors lie above the old end of memory
    const want = denseRun(ref, c);
    expect(firstBitDifference(got.y, want.y)).toBe(-1);
    expect(firstBitDifference(got.dW, want.dW)).toBe(-1);
  });

  it("an error in a worker is rethrown in the main thread, and the pool keeps working", () => {
    const pool = rt.threads!;
    const outside = rt.memoryBytes + 4096; // beyond the end of memory: the kernel traps
    // which thread claims which chunk is up to the scheduler: a slow first
    // chunk keeps this thread busy while the worker takes the failing one
    const big = Tensor.zeros([1 << 20], "persistent", rt);
    let fromWorker = 0;
    for (let attempt = 0; attempt < 20 && fromWorker === 0; attempt++) {
      try {
        pool.run([[["fill", big.ptr, big.size, 1], ["fill", big.ptr, big.size, 2]], [["fill", outside, 4, 1]]]);
        expect.unreachable("the job has a failing chunk");
      } catch (err) {
        expect(String(err)).toMatch(/out of bounds/);
        if (err instanceof WorkerError) fromWorker++;
      }
    }
    expect(fromWorker).toBe(1);
    // the main thread's own failure, and the lowest failed chunk wins
    expect(() => pool.run([[["fill", outside, 4, 1]]])).toThrow(/out of bounds/);
    const t = Tensor.zeros([8], "persistent", rt);
    pool.run([[["fill", t.ptr, 4, 1]], [["fill", t.ptr + 32, 4, 2]]]);
    expect(t.toArray()).toEqual([1, 1, 1, 1, 2, 2, 2, 2]);
  });

  it("parallelRows: any kernel over row ranges, only with a pool and above minWork", async () => {
    const t = Tensor.zeros([40], "persistent", rt);
    const calls = (r0: number, r1: number): KernelCall[] => [["fill", t.ptr + 8 * r0, r1 - r0, r0]];
    expect(parallelRows(rt, 2 ** 30, 40, calls)).toBe(true);
    expect(t.toArray()).toEqual(rowSplits(40, 4).flatMap(([r0, r1]) => Array(r1 - r0).fill(r0)));
    expect(parallelRows(rt, -1, 40, calls)).toBe(false); // below minWork
    expect(parallelRows(ref, 2 ** 30, 40, calls)).toBe(false); // no pool
  });

  it("runs every chunk exactly once (64 chunks)", () => {
    const t = Tensor.zeros([64], "persistent", rt);
    // chunk i writes element i only
    const chunks = Array.from({ length: 64 }, (_, i) => [["fill", t.ptr + 8 * i, 1, i + 1] as const]);
    rt.threads!.run(chunks);
    expect(t.toArray()).toEqual(Array.from({ length: 64 }, (_, i) => i + 1));
  });

  it("rejects unknown kernels and oversized jobs", () => {
    const pool = rt.threads!;
    expect(() => pool.run([[], [["noSuchKernel" as "fill", 0]]])).toThrow(DomainError);
    expect(() => pool.run(Array.from({ length: 5000 }, () => []))).toThrow(/at most 4095 chunks/);
    expect(() => pool.run([Array.from({ length: 500 }, () => ["fill", 0, 0, 0] as const)])).toThrow(/numbers per job/);
  });
});

describe("thread options and lifecycle", () => {
  it("validates its options", async () => {
    await expect(createThreadedRuntime({ threads: 0 })).rejects.toThrow(DomainError);
    await expect(createThreadedRuntime({ threads: 1.5 })).rejects.toThrow(/threads: expected an integer/);
    await expect(createThreadedRuntime({ threads: 2, maxMemoryBytes: 2 ** 33 })).rejects.toThrow(/maxMemoryBytes/);
    await expect(createThreadedRuntime({ threads: 2, minWork: -1 })).rejects.toThrow(/minWork/);
    await expect(createThreadedRuntime({ threads: 2, spin: -1 })).rejects.toThrow(/spin: expected an integer >= 0/);
  });

  it("the shared memory stops at maxMemoryBytes", async () => {
    const rt = await createThreadedRuntime({ threads: 1, maxMemoryBytes: 4 << 20 });
    expect(() => rt.alloc(8 << 20)).toThrow(RangeError);
    expect(Tensor.full([3], 1.5, "persistent", rt).toArray()).toEqual([1.5, 1.5, 1.5]); // still usable
  });

  it("threads: 1 is a shared-memory runtime without workers", async () => {
    const rt = await createThreadedRuntime({ threads: 1, maxMemoryBytes: 64 << 20 });
    expect(rt.threads).toBeNull();
    expect(denseRun(rt, { B: 8, nIn: 3, nOut: 2, act: "tanh", bias: true }).y.length).toBe(16);
  });

  it("terminate() stops the workers; the runtime goes on single-threaded", async () => {
    const rt = await createThreadedRuntime({ threads: 2, minWork: 0, maxMemoryBytes: 64 << 20 });
    const pool = rt.threads!;
    await pool.terminate();
    expect(rt.threads).toBeNull();
    expect(() => pool.run([])).toThrow(/terminated/);
    const jobs = pool.jobs;
    expect(denseRun(rt, { B: 8, nIn: 3, nOut: 2, act: "tanh", bias: true }).y.length).toBe(16);
    expect(pool.jobs).toBe(jobs);
  });

  it("a job right after start-up is not missed (10 pools)", async () => {
    for (let i = 0; i < 10; i++) {
      const rt = await createThreadedRuntime({ threads: 2, maxMemoryBytes: 16 << 20, spin: i % 2 === 0 ? 0 : 20000 });
      const t = Tensor.zeros([4], "persistent", rt);
      rt.threads!.run([[], [["fill", t.ptr, 4, i]]]);
      expect(t.toArray()).toEqual([i, i, i, i]);
      await rt.threads!.terminate();
    }
  });

  it("initThreads refuses to replace an existing default runtime", async () => {
    const { initThreads, runtime } = await import("../../src/index.js");
    runtime();
    await expect(initThreads(2)).rejects.toThrow(/before the default runtime is first used/);
  });

  it("a process that never terminates its pool still exits (workers are unref'd)", async () => {
    const entry = fileURLToPath(new URL("../../src/index.ts", import.meta.url));
    // the library as the neutral bundle tsup makes of it (no static node: import)
    const dir = mkdtempSync(join(tmpdir(), "amortvi-threads-"));
    const outfile = join(dir, "index.mjs");
    await build({ entryPoints: [entry], bundle: true, outfile, format: "esm", platform: "neutral", logLevel: "silent" });
    const code = `import { initThreads, Tensor, dense } from ${JSON.stringify(pathToFileURL(outfile).href)};
const rt = await initThreads(2, { minWork: 0, maxMemoryBytes: 64 << 20 });
const x = Tensor.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16], [8, 2]);
const W = Tensor.from([1, 0, 0, 1], [2, 2]);
console.log(JSON.stringify({ y: dense(x, W, null).toArray(), jobs: rt.threads.jobs }));`;
    const child = spawnSync(process.execPath, ["--input-type=module"], { input: code, encoding: "utf8", timeout: 20_000 });
    rmSync(dir, { recursive: true, force: true });
    expect(child.error).toBeUndefined(); // a timeout would set it
    expect(child.stderr).toBe("");
    expect(child.status).toBe(0);
    const out = JSON.parse(child.stdout.trim());
    expect(out.jobs).toBe(1);
    expect(out.y).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16]);
  });
});
