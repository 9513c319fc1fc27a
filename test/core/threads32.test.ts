// The f32 dense path (dense(..., {precision: "f32"})) on the threaded runtime
// (src/core/parallel.ts: parallelDense32Forward / parallelDense32Backward):
// y and every gradient identical bit for bit to a plain runtime's, and the
// split really runs.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backward, dense, Rng, type Activation } from "../../src/index.js";
import { activationCode, createThreadedRuntime, Runtime, startRecording } from "../../src/low-level.js";
import { firstBitDifference } from "../helpers/kernel-memory.js";
import { plainRuntime } from "../helpers/plain-runtime.js";



interface Case {
  B: number;
  nIn: number;
  nOut: number;
  act: Activation;
  bias: boolean;
  /** Whether x needs a gradient (false: the data layer, dx is skipped). Default true. */
  dx?: boolean;
}

/** y = dense(x, W, b, act, {precision: "f32"}) and its gradients for a seed gy on rt, all from seed 11. */
function run(rt: Runtime, { B, nIn, nOut, act, bias, dx = true }: Case) {
  const rng = new Rng(11, rt);
  const x = rng.normal([B, nIn], "persistent");
  const W = rng.normal([nIn, nOut], "persistent");
  const b = bias ? rng.normal([nOut], "persistent") : null;
  const gy = rng.normal([B, nOut], "persistent");
  x.requiresGrad = dx;
  W.requiresGrad = true;
  if (b) b.requiresGrad = true;
  rt.arena.reset();
  startRecording();
  const y = dense(x, W, b, act, 0.1, { precision: "f32" });
  backward(y, gy);
  const bits = (t: { toArray(): number[] } | null | undefined) => (t ? new Float64Array(t.toArray()) : null);
  return { y: bits(y), dx: bits(dx ? x.grad : null), dW: bits(W.grad), db: bits(b?.grad) };
}

describe("f32 dense on the threaded runtime (2 threads)", () => {
  let rt: Runtime;
  let ref: Runtime;
  beforeAll(async () => {
    rt = await createThreadedRuntime({ threads: 2, minWork: 0, maxMemoryBytes: 256 << 20 });
    ref = await plainRuntime();
  });
  afterAll(async () => {
    await rt.threads?.terminate();
  });

  const CASES: Case[] = [
    { B: 128, nIn: 784, nOut: 256, act: "tanh", bias: true, dx: false }, // the MNIST encoder layer (x is data)
    { B: 128, nIn: 256, nOut: 784, act: "identity", bias: true }, // the MNIST decoder output
    { B: 128, nIn: 256, nOut: 32, act: "identity", bias: true }, // encoder head
    { B: 128, nIn: 16, nOut: 256, act: "tanh", bias: true }, // decoder input: 8-row dW ranges
    { B: 60, nIn: 784, nOut: 256, act: "relu", bias: true }, // rows 32..60: below gemm32's packing threshold (M >= 32), all 60 above
    { B: 130, nIn: 300, nOut: 270, act: "sigmoid", bias: false }, // odd sizes, B not a multiple of 4, no bias, 2 k blocks
    { B: 130, nIn: 37, nOut: 50, act: "relu", bias: true },
    { B: 9, nIn: 6, nOut: 3, act: "softplus", bias: true }, // narrow: dot tiles, narrow TN tiles, 4-row and 2-row dW ranges
    { B: 33, nIn: 21, nOut: 41, act: "leakyRelu", bias: true },
    { B: 64, nIn: 5, nOut: 2, act: "leakyRelu", bias: false },
    { B: 21, nIn: 18, nOut: 4, act: "sigmoid", bias: true }, // NN narrow (N <= 4, K >= 16): B^T in each thread's panel
  ];
  for (const c of CASES) {
    const name = `${c.B}x${c.nIn}x${c.nOut} ${c.act}${c.bias ? "" : " (no bias)"}${c.dx === false ? " (no dx)" : ""}`;
    it(`${name}: y, dx, dW, db identical bit for bit`, () => {
      const jobs = rt.threads!.jobs;
      const got = run(rt, c);
      expect(rt.threads!.jobs).toBe(jobs + 2); // forward and backward were split
      const want = run(ref, c);
      for (const key of ["y", "dx", "dW", "db"] as const) {
        expect(got[key] === null, key).toBe(want[key] === null);
        if (want[key] !== null) expect(firstBitDifference(got[key]!, want[key]!), key).toBe(-1);
      }
    });
  }

  it("every activation code is covered", () => {
    expect(new Set(CASES.map((c) => c.act))).toEqual(new Set(Object.keys(activationCode)));
  });

  it("a forward without gradients splits once and matches", () => {
    const c: Case = { B: 64, nIn: 40, nOut: 30, act: "tanh", bias: true };
    const forward = (r: Runtime) => {
      const rng = new Rng(5, r);
      const x = rng.normal([c.B, c.nIn], "persistent");
      const W = rng.normal([c.nIn, c.nOut], "persistent");
      const b = rng.normal([c.nOut], "persistent");
      r.arena.reset();
      return new Float64Array(dense(x, W, b, c.act, 0.01, { precision: "f32" }).toArray());
    };
    const jobs = rt.threads!.jobs;
    const got = forward(rt);
    expect(rt.threads!.jobs).toBe(jobs + 1);
    expect(firstBitDifference(got, forward(ref))).toBe(-1);
  });

  it("stays on one thread below minWork, and for a bias-only backward", () => {
    const pool = rt.threads!;
    pool.minWork = 2 ** 18;
    try {
      const jobs = pool.jobs;
      run(rt, { B: 100, nIn: 10, nOut: 50, act: "tanh", bias: true });
      expect(pool.jobs).toBe(jobs);
    } finally {
      pool.minWork = 0;
    }
    const rng = new Rng(2, rt);
    const x = rng.normal([16, 8], "persistent");
    const W = rng.normal([8, 8], "persistent");
    const b = rng.normal([8], "persistent");
    b.requiresGrad = true;
    rt.arena.reset();
    startRecording();
    const jobs = pool.jobs;
    backward(dense(x, W, b, "identity", 0.01, { precision: "f32" }), rng.normal([16, 8]));
    expect(pool.jobs).toBe(jobs + 1); // the forward only
    expect(b.grad!.toArray().every(Number.isFinite)).toBe(true);
  });
});
