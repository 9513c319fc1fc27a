import { describe, expect, it } from "vitest";
import { Rng } from "../../../src/core/rng.js";
import { Minibatcher } from "../../../src/infer/families/dataset.js";

describe("Minibatcher: the library's one minibatcher", () => {
  it("epochs are permutations cut into floor(N / B) disjoint batches (the incomplete rest dropped); a new permutation each epoch", () => {
    const mb = new Minibatcher(10, 3, new Rng(1));
    expect(mb.perEpoch).toBe(3);
    const epoch = () => Array.from({ length: mb.perEpoch }, () => Array.from(mb.next()));
    const a = epoch();
    const b = epoch();
    for (const e of [a, b]) {
      const rows = e.flat();
      expect(new Set(rows).size).toBe(9);
      expect(rows.every((i) => i >= 0 && i < 10)).toBe(true);
    }
    expect(b).not.toEqual(a);
    // same generator state, same batches
    const again = new Minibatcher(10, 3, new Rng(1));
    expect(Array.from({ length: 3 }, () => Array.from(again.next()))).toEqual(a);
  });

  it("random(): B consecutive entries of the current permutation from a uniform start, without advancing the epoch", () => {
    const mb = new Minibatcher(8, 3, new Rng(2));
    const first = Array.from(mb.next());
    const perm = new Rng(2).permutation(8);
    expect(first).toEqual(Array.from(perm.subarray(0, 3)));
    const starts = new Set<number>();
    for (let k = 0; k < 200; k++) {
      const r = Array.from(mb.random());
      const start = Array.from(perm).indexOf(r[0]);
      expect(r).toEqual(Array.from(perm.subarray(start, start + 3)));
      starts.add(start);
    }
    expect([...starts].sort()).toEqual([0, 1, 2, 3, 4, 5]);
    expect(Array.from(mb.next())).toEqual(Array.from(perm.subarray(3, 6)));
    const full = new Minibatcher(4, 4, new Rng(0));
    expect(Array.from(full.random())).toEqual([0, 1, 2, 3]);
  });

  it("bad sizes are typed errors naming batchSize", () => {
    expect(() => new Minibatcher(4, 5, new Rng(0))).toThrow(/batchSize/);
    expect(() => new Minibatcher(4, 0, new Rng(0))).toThrow(/batchSize/);
  });

  it("getState / setState: the epoch position moves to another minibatcher; bad positions are refused", () => {
    const rng = new Rng(4);
    const a = new Minibatcher(10, 3, rng);
    a.next();
    a.next();
    const state = a.getState();
    const rngState = rng.getState();
    const next = [a.next(), a.next(), a.next()].map((b) => Array.from(b));
    const rng2 = new Rng(0);
    rng2.setState(rngState);
    const b = new Minibatcher(10, 3, rng2);
    b.setState(state);
    expect([b.next(), b.next(), b.next()].map((x) => Array.from(x))).toEqual(next);
    expect(() => b.setState({ order: Int32Array.from([0, 1, 2]), pos: 0 })).toThrow(/state\.order: expected an Int32Array of 0 or 10 indices/);
    expect(() => b.setState({ order: Int32Array.from([0, 1, 2, 3, 4, 5, 6, 7, 8, 8]), pos: 0 })).toThrow(/a permutation of 0\.\.9/);
    expect(() => b.setState({ order: state.order, pos: 11 })).toThrow(/state\.pos/);
  });
});
