import { describe, it, expect } from "vitest";
import fc from "fast-check";
import { Rng, DomainError } from "../../src/index.js";
import { runtime } from "../../src/core/runtime.js";

const rt = runtime();

/** One raw Philox4x32-10 block as four u32 words. */
function rawBlock(key: [number, number], ctr: [number, number, number, number]): number[] {
  const m = rt.arena.mark();
  const p = rt.arena.alloc(16);
  rt.k.philoxRawBlock(p, key[0], key[1], ...ctr);
  const out = Array.from(rt.u32.subarray(p / 4, p / 4 + 4));
  rt.arena.restore(m);
  return out;
}

const moments = (v: Float64Array) => {
  const n = v.length;
  const mean = v.reduce((s, x) => s + x, 0) / n;
  let m2 = 0;
  let m4 = 0;
  for (const x of v) {
    const d = (x - mean) ** 2;
    m2 += d;
    m4 += d * d;
  }
  return { mean, variance: m2 / n, kurtosis: m4 / n / (m2 / n) ** 2 };
};

describe("Philox4x32-10 known-answer vectors (Random123 kat_vectors)", () => {
  it.each([
    [[0, 0], [0, 0, 0, 0], [0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8]],
    [[0xffffffff, 0xffffffff], [0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff], [0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd]],
    [[0xa4093822, 0x299f31d0], [0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344], [0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1]],
  ] as [[number, number], [number, number, number, number], number[]][])("key %j counter %j", (key, ctr, want) => {
    expect(rawBlock(key, ctr)).toEqual(want);
  });

  it("the bulk uniform fill uses the same blocks (counter b -> words (b lo, b hi, 0, 0))", () => {
    const rng = new Rng(42);
    const u = rng.uniform([6]).toArray();
    for (let b = 0; b < 3; b++) {
      const [w0, w1, w2, w3] = rawBlock([rng.key0, rng.key1], [b, 0, 0, 0]);
      const unit = (hi: number, lo: number) => ((hi >>> 5) * 67108864 + (lo >>> 6)) / 2 ** 53;
      expect(u[2 * b]).toBe(unit(w0, w1));
      expect(u[2 * b + 1]).toBe(unit(w2, w3));
    }
  });

  it("the four-block SIMD fill gives the raw blocks' bits, across a 2^32 counter carry and with odd tails", () => {
    const key: [number, number] = [0x9e3779b9, 0x7f4a7c15];
    const unit = (hi: number, lo: number) => ((hi >>> 5) * 67108864 + (lo >>> 6)) / 2 ** 53;
    for (const [ctr, n] of [[2 ** 32 - 3, 37], [5, 8], [0, 1], [2 ** 40 + 1, 19]]) {
      const p = rt.alloc(n * 8);
      rt.k.philoxUniform(p, n, key[0], key[1], ctr);
      const got = Array.from(rt.f64.subarray(p / 8, p / 8 + n));
      const want: number[] = [];
      for (let b = 0; want.length < n; b++) {
        const c = ctr + b;
        const [w0, w1, w2, w3] = rawBlock(key, [c % 2 ** 32, Math.floor(c / 2 ** 32), 0, 0]);
        want.push(unit(w0, w1), unit(w2, w3));
      }
      expect(got).toEqual(want.slice(0, n));
    }
  });

  it("normal fills: every length and every start block gives the same values as one long fill", () => {
    const key: [number, number] = [3, 4];
    const fill = (n: number, ctr: number) => {
      const p = rt.alloc(n * 8);
      rt.k.philoxNormal(p, n, key[0], key[1], ctr);
      return Array.from(rt.f64.subarray(p / 8, p / 8 + n));
    };
    const start = 2 ** 32 - 5;
    const all = fill(40, start);
    for (let n = 1; n <= 21; n++) expect(fill(n, start)).toEqual(all.slice(0, n));
    for (let b = 1; b <= 7; b++) expect(fill(40 - 2 * b, start + b)).toEqual(all.slice(2 * b));
  });
});

describe("Rng", () => {
  it("same seed, same numbers; other seed, other numbers", () => {
    const a = new Rng(7).normal([50]).toArray();
    expect(new Rng(7).normal([50]).toArray()).toEqual(a);
    expect(new Rng(8).normal([50]).toArray()).not.toEqual(a);
  });

  it("a stream continues where it stopped (4 + 4 values = 8 values)", () => {
    const r = new Rng(3);
    const parts = [...r.uniform([4]).toArray(), ...r.uniform([4]).toArray()];
    expect(parts).toEqual(new Rng(3).uniform([8]).toArray());
  });

  it("fork gives deterministic streams that differ from the parent and from each other", () => {
    const r = new Rng(11);
    const f1 = r.fork(1).uniform([8]).toArray();
    expect(r.fork(1).uniform([8]).toArray()).toEqual(f1);
    expect(r.fork(2).uniform([8]).toArray()).not.toEqual(f1);
    expect(r.uniform([8]).toArray()).not.toEqual(f1);
  });

  it("uniform: mean 1/2 and variance 1/12 at n = 1e5, all in [0, 1)", () => {
    const v = new Rng(2024).uniform([100_000]).toFloat64Array();
    const m = moments(v);
    // tolerances ~5 standard errors
    expect(Math.abs(m.mean - 0.5)).toBeLessThan(0.0046);
    expect(Math.abs(m.variance - 1 / 12)).toBeLessThan(0.0015);
    expect(v.every((x) => x >= 0 && x < 1)).toBe(true);
  });

  it("normal: mean 0, variance 1, kurtosis 3 at n = 1e5", () => {
    const m = moments(new Rng(99).normal([100_000]).toFloat64Array());
    expect(Math.abs(m.mean)).toBeLessThan(0.016);
    expect(Math.abs(m.variance - 1)).toBeLessThan(0.025);
    expect(Math.abs(m.kurtosis - 3)).toBeLessThan(0.08);
  });

  it("for any seed: reproducible, in [0, 1), mean near 1/2", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), (seed) => {
        const m = rt.arena.mark();
        const a = new Rng(seed).uniform([2000]).toFloat64Array();
        const b = new Rng(seed).uniform([2000]).toFloat64Array();
        rt.arena.restore(m);
        expect(b).toEqual(a);
        expect(a.every((x) => x >= 0 && x < 1)).toBe(true);
        expect(Math.abs(moments(a).mean - 0.5)).toBeLessThan(0.05);
      }),
      { numRuns: 50 },
    );
  });

  it("nextInt stays in range and permutation is a permutation", () => {
    const r = new Rng(5);
    for (let i = 0; i < 200; i++) {
      const k = r.nextInt(7);
      expect(Number.isInteger(k) && k >= 0 && k < 7).toBe(true);
    }
    const p = Array.from(r.permutation(50));
    expect([...p].sort((x, y) => x - y)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(p).not.toEqual(Array.from({ length: 50 }, (_, i) => i));
  });

  it("rejects seeds that are not non-negative integers", () => {
    expect(() => new Rng(-1)).toThrow(DomainError);
    expect(() => new Rng(1.5)).toThrow("seed: expected an integer >= 0, received 1.5");
    expect(() => new Rng(1).nextInt(0)).toThrow(DomainError);
  });
});

describe("Rng state (checkpoints)", () => {
  it("getState / setState: a generator moved to another's state continues its stream exactly", () => {
    const a = new Rng(12);
    a.normal([7]);
    const s = a.getState();
    expect(s).toEqual({ key0: a.key0, key1: a.key1, counter: 4 });
    const next = a.uniform([5]).toArray();
    const b = new Rng(99);
    b.setState(JSON.parse(JSON.stringify(s)));
    expect(b.uniform([5]).toArray()).toEqual(next);
    expect(b.key0).toBe(a.key0);
    for (const bad of [null, {}, { key0: -1, key1: 0, counter: 0 }, { key0: 1, key1: 2 ** 32, counter: 0 }, { key0: 1, key1: 2, counter: 1.5 }, { key0: 1, key1: 2, counter: -1 }]) {
      expect(() => b.setState(bad as never)).toThrow(DomainError);
    }
    expect(b.uniform([5]).toArray()).not.toEqual(next); // a refused state changed nothing: the stream went on
  });
});
