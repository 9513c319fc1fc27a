import { describe, it, expect } from "vitest";
import {
  DomainError,
  NonFiniteError,
  ParamStore,
  Rng,
  ShapeError,
  Tensor,
  UnknownNameError,
  backward,
  inits,
  tanh,
} from "../../src/index.js";
import { startRecording, stopRecording } from "../../src/low-level.js";

function store(seed = 1): ParamStore {
  return ParamStore.build(
    [
      { name: "W", shape: [3, 2], init: "glorotUniform" },
      { name: "b", shape: [2], init: inits.constant(0.5) },
      { name: "s", shape: [5], init: inits.normal(1) },
    ],
    new Rng(seed),
  );
}

describe("ParamStore", () => {
  it("lays parameters out contiguously in one buffer, with grads in one grad buffer", () => {
    const s = store();
    expect(s.size).toBe(13);
    expect(s.names).toEqual(["W", "b", "s"]);
    const W = s.get("W");
    const b = s.get("b");
    expect(W.shape).toEqual([3, 2]);
    expect(W.requiresGrad).toBe(true);
    expect(W.ptr).toBe(s.values.ptr);
    expect(b.ptr).toBe(s.values.ptr + 6 * 8);
    expect(s.get("s").grad!.ptr).toBe(s.grads.ptr + 8 * 8);
    expect(b.toArray()).toEqual([0.5, 0.5]);
    expect(s.grads.toArray()).toEqual(new Array(13).fill(0));
  });

  it("parameter views share memory with the buffer both ways", () => {
    const s = store();
    s.get("b").set([7, 8]);
    expect(s.values.toArray().slice(6, 8)).toEqual([7, 8]);
    const all = s.values.toArray();
    all[9] = -3;
    s.values.set(all);
    expect(s.get("s").toArray()[1]).toBe(-3);
    s.grads.set(Array.from({ length: 13 }, (_, i) => i));
    expect(s.get("b").grad!.toArray()).toEqual([6, 7]);
  });

  it("the tape accumulates parameter gradients straight into the store's gradient buffer", () => {
    const s = store();
    const p = s.get("s");
    const seed = Tensor.from([1, 2, 3, 4, 5]);
    for (let pass = 0; pass < 2; pass++) {
      startRecording();
      const y = tanh(p);
      stopRecording();
      backward(y, seed);
    }
    const want = p.toArray().map((v, i) => 2 * (i + 1) * (1 - Math.tanh(v) ** 2));
    const got = s.grads.toArray().slice(8);
    got.forEach((g, i) => expect(g).toBeCloseTo(want[i], 14));
    expect(s.grads.toArray().slice(0, 8)).toEqual(new Array(8).fill(0));
    s.zeroGrad();
    expect(s.grads.toArray()).toEqual(new Array(13).fill(0));
  });

  it("same seed, same values; another seed, other values", () => {
    expect(store(4).values.toArray()).toEqual(store(4).values.toArray());
    expect(store(4).values.toArray()).not.toEqual(store(5).values.toArray());
  });

  it("toJSON / loadJSON round-trip through plain JSON", () => {
    const a = store(1);
    const b = store(2);
    const json = JSON.parse(JSON.stringify(a.toJSON()));
    expect(json.W.shape).toEqual([3, 2]);
    expect(json.s.values).toHaveLength(5);
    b.loadJSON(json);
    expect(b.values.toArray()).toEqual(a.values.toArray());
  });

  it("loadJSON checks names, shapes and values before writing anything", () => {
    const a = store(1);
    const before = a.values.toArray();
    const good = a.toJSON();
    const changed = (f: (j: ReturnType<ParamStore["toJSON"]>) => void) => {
      const j = JSON.parse(JSON.stringify(good));
      j.W.values = j.W.values.map((v: number) => v + 1);
      f(j);
      return j;
    };
    expect(() => a.loadJSON(changed((j) => (j.s.shape = [4])))).toThrow(ShapeError);
    expect(() => a.loadJSON(changed((j) => delete j.b))).toThrow(/b/);
    expect(() => a.loadJSON(changed((j) => (j.extra = { shape: [1], values: [0] })))).toThrow(UnknownNameError);
    expect(() => a.loadJSON(changed((j) => (j.s.values[2] = NaN)))).toThrow(NonFiniteError);
    expect(a.values.toArray()).toEqual(before);
  });

  it("copyFrom copies values between stores of the same layout only", () => {
    const a = store(1);
    const b = store(2);
    b.copyFrom(a);
    expect(b.values.toArray()).toEqual(a.values.toArray());
    const other = ParamStore.build([{ name: "W", shape: [2, 3], init: "zeros" }], new Rng(0));
    expect(() => other.copyFrom(a)).toThrow(ShapeError);
  });

  it("snapshot / restore bring back the last good parameters", () => {
    const s = store();
    expect(s.hasSnapshot).toBe(false);
    expect(() => s.restore()).toThrow(DomainError);
    const good = s.values.toArray();
    s.snapshot();
    s.values.set(new Array(13).fill(NaN));
    expect(s.firstNonFiniteValue()).toBe(0);
    s.restore();
    expect(s.values.toArray()).toEqual(good);
    // a later snapshot overwrites the backup in place
    s.get("b").set([1, 1]);
    s.snapshot();
    s.get("b").set([2, 2]);
    s.restore();
    expect(s.get("b").toArray()).toEqual([1, 1]);
  });

  it("reports the first non-finite gradient and locates it", () => {
    const s = store();
    expect(s.firstNonFiniteGrad()).toBe(-1);
    const g = new Array(13).fill(0);
    g[10] = Infinity;
    s.grads.set(g);
    expect(s.firstNonFiniteGrad()).toBe(10);
    expect(s.locate(10)).toEqual({ name: "s", index: 2 });
    expect(s.locate(0)).toEqual({ name: "W", index: 0 });
  });

  it("rejects unknown names, duplicates, bad shapes and bad inits", () => {
    const s = store();
    expect(() => s.get("nope")).toThrow(UnknownNameError);
    expect(() => s.get("nope")).toThrow(/W, b, s/);
    const rng = new Rng(0);
    expect(() =>
      ParamStore.build(
        [
          { name: "a", shape: [1], init: "zeros" },
          { name: "a", shape: [2], init: "zeros" },
        ],
        rng,
      ),
    ).toThrow(DomainError);
    expect(() => ParamStore.build([{ name: "a", shape: [0, 2], init: "zeros" }], rng)).toThrow(/shape of a/);
    expect(() => ParamStore.build([{ name: "a", shape: [2], init: "bogus" as "zeros" }], rng)).toThrow(UnknownNameError);
  });
});
