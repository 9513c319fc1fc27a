import { describe, it, expect } from "vitest";
import { Tensor, DomainError } from "../../src/index.js";
import { Runtime } from "../../src/low-level.js";
import { compileKernels } from "../../src/core/runtime.js";

/** A fresh runtime, so that growth is measured from a known state. */
async function freshRuntime(): Promise<Runtime> {
  const instance = await WebAssembly.instantiate(await compileKernels(), {
    env: { abort: () => { throw new Error("abort"); } },
  });
  return new Runtime(instance);
}

describe("Runtime memory", () => {
  it("tensor values survive memory growth and rt.f64 is refreshed", async () => {
    const rt = await freshRuntime();
    const values = Array.from({ length: 1000 }, (_, i) => Math.sin(i));
    const t = Tensor.from(values, [1000], "persistent", rt);
    const a = Tensor.from([1, 2, 3], [3], "arena", rt);
    const oldView = rt.f64;
    const before = rt.memoryBytes;
    rt.alloc(32 << 20);
    expect(rt.memoryBytes).toBeGreaterThan(before);
    // the old view is detached by growth: the reason views must not be kept
    expect(oldView.length).toBe(0);
    expect(rt.f64.length).toBe(rt.memoryBytes / 8);
    expect(t.toArray()).toEqual(values);
    expect(a.toArray()).toEqual([1, 2, 3]);
    expect(rt.f64[t.ptr / 8 + 5]).toBe(values[5]);
  });

  it("kernels see the grown memory", async () => {
    const rt = await freshRuntime();
    rt.alloc(16 << 20);
    const t = Tensor.full([5], 2.5, "persistent", rt);
    expect(t.ptr).toBeGreaterThan(16 << 20);
    expect(t.toArray()).toEqual([2.5, 2.5, 2.5, 2.5, 2.5]);
  });

  it("alloc is 16-byte aligned and rejects bad sizes", async () => {
    const rt = await freshRuntime();
    for (const n of [1, 8, 24, 100]) expect(rt.alloc(n) % 16).toBe(0);
    expect(() => rt.alloc(-1)).toThrow(DomainError);
    expect(() => rt.alloc(1.5)).toThrow(DomainError);
  });

  it("allocF64 fills", async () => {
    const rt = await freshRuntime();
    const p = rt.allocF64(3, 7);
    expect(Array.from(rt.f64.subarray(p / 8, p / 8 + 3))).toEqual([7, 7, 7]);
  });
});

describe("Arena", () => {
  it("reset reuses the same memory", async () => {
    const rt = await freshRuntime();
    const first = [rt.arena.alloc(100), rt.arena.alloc(1000), rt.arena.alloc(8)];
    const bytes = rt.memoryBytes;
    for (let step = 0; step < 100; step++) {
      rt.arena.reset();
      expect([rt.arena.alloc(100), rt.arena.alloc(1000), rt.arena.alloc(8)]).toEqual(first);
    }
    expect(rt.memoryBytes).toBe(bytes);
  });

  it("arena allocations do not overlap", async () => {
    const rt = await freshRuntime();
    const a = Tensor.full([3], 1, "arena", rt);
    const b = Tensor.full([5], 2, "arena", rt);
    expect(b.ptr).toBeGreaterThanOrEqual(a.ptr + 24);
    expect(a.toArray()).toEqual([1, 1, 1]);
  });

  it("mark / restore bracket a scope", async () => {
    const rt = await freshRuntime();
    rt.arena.alloc(64);
    const m = rt.arena.mark();
    const p = rt.arena.alloc(64);
    rt.arena.restore(m);
    expect(rt.arena.alloc(64)).toBe(p);
  });

  it("overflow takes new blocks, merges them at reset, then stops growing", async () => {
    const rt = await freshRuntime();
    const step = () => {
      const ptrs: number[] = [];
      for (let i = 0; i < 40; i++) ptrs.push(rt.arena.alloc(100_000)); // 4 MB > the 1 MB first block
      return ptrs;
    };
    step();
    rt.arena.reset();
    const second = step();
    // merged into one block: consecutive addresses
    second.forEach((p, i) => expect(p).toBe(second[0] + i * 100_000));
    const bytes = rt.memoryBytes;
    const peak = rt.arena.peakBytes;
    for (let i = 0; i < 20; i++) {
      rt.arena.reset();
      expect(step()).toEqual(second);
    }
    expect(rt.memoryBytes).toBe(bytes);
    expect(rt.arena.peakBytes).toBe(peak);
    expect(peak).toBeGreaterThanOrEqual(4_000_000);
  });
});
