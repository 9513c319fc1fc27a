// tidy / keep / dispose and tensor liveness (src/core/scope.ts, src/core/arena.ts).
import { describe, expect, it } from "vitest";
import {
  DisposedTensorError, DomainError, MLP, ParamSpecs, Rng, Tensor, add, backward, dispose, exp, keep, mul, noGrad, reshape, runtime,
  scale, sum, tidy, valueAndGrad,
  Normal, Dataset,
} from "../../src/index.js";
import { startRecording, stopRecording } from "../../src/low-level.js";

const rt = runtime();
/** Arena bytes a tensor of n values takes (16-byte aligned). */
const arenaBytes = (n: number) => Math.ceil((n * 8) / 16) * 16;
const seq = (n: number, s = 1) => Array.from({ length: n }, (_, i) => s * (i + 1) + 0.25);

/** The DisposedTensorError thrown by f (fails the test if f does not throw one). */
function disposedError(f: () => unknown): DisposedTensorError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(DisposedTensorError);
    return e as DisposedTensorError;
  }
  return expect.fail("expected a DisposedTensorError");
}

describe("tidy", () => {
  it("frees every arena tensor made inside except the result: the arena grows by the result only", () => {
    const x = Tensor.from(seq(6), [2, 3]);
    const before = rt.arena.used;
    let garbage: Tensor | null = null;
    const y = tidy(() => {
      garbage = exp(x);
      const big = Tensor.full([50], 3);
      return add(scale(garbage, 2), sum(big));
    });
    expect(rt.arena.used).toBe(before + arenaBytes(6));
    expect(y.toArray()).toEqual(seq(6).map((v) => 2 * Math.exp(v) + 150));
    const e = disposedError(() => garbage!.toArray());
    expect(e.releasedBy).toContain("tidy");
    expect(e.message).toContain("[2, 3]");
    expect(x.isLive).toBe(true);
  });

  it("keeps every tensor of an array / record result, views included, with their values", () => {
    const before = rt.arena.used;
    const out = tidy(() => {
      const parts: Tensor[] = [];
      for (let i = 0; i < 5; i++) {
        Tensor.full([7], -1); // garbage between the survivors
        parts.push(Tensor.from(seq(3 + i, i + 1)));
      }
      const flat = Tensor.from(seq(6, 10), [6]);
      return { first: parts[0], rest: [parts[2], parts[4]], flat, grid: reshape(flat, [2, 3]), label: "not a tensor" };
    });
    expect(out.first.toArray()).toEqual(seq(3, 1));
    expect(out.rest[0].toArray()).toEqual(seq(5, 3));
    expect(out.rest[1].toArray()).toEqual(seq(7, 5));
    expect(out.grid.toRows()).toEqual([seq(6, 10).slice(0, 3), seq(6, 10).slice(3)]);
    expect(out.grid.ptr).toBe(out.flat.ptr);
    expect(rt.arena.used).toBe(before + arenaBytes(3) + arenaBytes(5) + arenaBytes(7) + arenaBytes(6));
  });

  it("nests: an inner result belongs to the outer scope and is freed at its end unless returned again", () => {
    let inner: Tensor | null = null;
    const before = rt.arena.used;
    const outer = tidy(() => {
      inner = tidy(() => mul(Tensor.from([1, 2]), Tensor.from([3, 4])));
      expect(inner.toArray()).toEqual([3, 8]);
      return add(inner, 1);
    });
    expect(outer.toArray()).toEqual([4, 9]);
    expect(disposedError(() => inner!.ptr).releasedBy).toContain("tidy");
    expect(rt.arena.used).toBe(before + arenaBytes(2));
  });

  it("moves results out of arena blocks added inside the scope", () => {
    const before = rt.arena.used;
    const [small, large] = tidy(() => {
      for (let i = 0; i < 3; i++) Tensor.full([100_000], i); // 2.4 MB: more than the first block
      const s = Tensor.from(seq(5));
      Tensor.full([200_000], 7);
      return [s, Tensor.from(seq(40_000, 0.5))];
    });
    expect(small.toArray()).toEqual(seq(5));
    const v = large.toArray();
    expect(v.length).toBe(40_000);
    expect(v.every((x, i) => x === 0.5 * (i + 1) + 0.25)).toBe(true);
    expect(rt.arena.used).toBeLessThan(before + arenaBytes(5) + arenaBytes(40_000) + 2 ** 21);
  });

  it("keep() lets a tensor outlive every enclosing scope; an arena one lives until the next step", () => {
    let kept: Tensor | null = null;
    tidy(() => {
      tidy(() => {
        kept = keep(Tensor.from([5, 6]));
        Tensor.full([9], 1);
      });
      Tensor.full([9], 1);
    });
    expect(kept!.toArray()).toEqual([5, 6]);
    const p = Tensor.from([1], [1], "persistent");
    p.requiresGrad = true;
    valueAndGrad(() => sum(mul(p, p)));
    expect(disposedError(() => kept!.toArray()).releasedBy).toContain("valueAndGrad step");
    p.dispose();
  });

  it("leaves persistent tensors made inside to their owner: they live until dispose(), whose memory is reused", () => {
    let owned: Tensor | null = null;
    const [returned, kept] = tidy(() => {
      owned = Tensor.from(seq(12), [12], "persistent");
      return [Tensor.from([1, 2], [2], "persistent"), keep(Tensor.from([3], [1], "persistent"))];
    });
    expect(owned!.toArray()).toEqual(seq(12));
    expect(returned.toArray()).toEqual([1, 2]);
    expect(kept.toArray()).toEqual([3]);
    const ptr = owned!.ptr;
    owned!.dispose();
    expect(disposedError(() => owned!.toArray()).releasedBy).toContain("dispose()");
    const again = Tensor.empty([12], "persistent");
    expect(again.ptr).toBe(ptr);
    dispose([returned, kept, again]);
  });

  it("objects built inside a tidy() keep working after it (cached constants, priors, data sets)", () => {
    const prior = tidy(() => new Normal(0.3141, 1.7));
    const data = tidy(() => new Dataset([1, 2, 3]));
    const lp = noGrad(() => prior.logProb(data.full().obs).toArray());
    expect(lp[0]).toBeCloseTo(-0.5 * ((1 - 0.3141) / 1.7) ** 2 - Math.log(1.7) - 0.5 * Math.log(2 * Math.PI), 12);
    data.dispose();
  });

  it("a loop of 100,000 small noGrad ops in tidy() does not grow memory", () => {
    const x = Tensor.from(seq(8), [8], "persistent");
    const work = () => tidy(() => noGrad(() => sum(exp(scale(add(x, 1), 0.1))).item()));
    for (let i = 0; i < 100; i++) work();
    const bytes = rt.memoryBytes;
    const used = rt.arena.used;
    let total = 0;
    for (let i = 0; i < 100_000; i++) total += work();
    expect(rt.memoryBytes).toBe(bytes);
    expect(rt.arena.used).toBe(used);
    expect(total / 100_000).toBeCloseTo(seq(8).reduce((s, v) => s + Math.exp(0.1 * (v + 1)), 0), 10);
    x.dispose();
  });

  it("training steps inside tidy() stay bounded and leave the arena as before", () => {
    const specs = new ParamSpecs();
    const mlp = new MLP([3, 4, 1], { activation: "tanh", specs });
    const store = specs.build(new Rng(3));
    const data = new Rng(4).normal([8, 3], "persistent");
    const before = rt.arena.used;
    const losses = tidy(() => {
      const out: number[] = [];
      for (let i = 0; i < 200; i++) out.push(valueAndGrad(() => sum(mlp.forward(data))));
      return out;
    });
    expect(rt.arena.used).toBe(before);
    expect(losses.every(Number.isFinite)).toBe(true);
    store.dispose();
    data.dispose();
  });

  it("inside a recorded step frees nothing early: gradients are those of the same step without tidy", () => {
    const p = Tensor.from([0.3, -1.2, 2], [3], "persistent");
    p.requiresGrad = true;
    p.grad = Tensor.zeros([3], "persistent");
    const loss = () => sum(mul(exp(p), p)); // d/dp = e^p (1 + p)
    const withTidy = valueAndGrad(() => tidy(() => tidy(loss)));
    const g = p.grad.toArray();
    expect(withTidy).toBeCloseTo([0.3, -1.2, 2].reduce((s, v) => s + v * Math.exp(v), 0), 12);
    g.forEach((v, i) => expect(v).toBeCloseTo(Math.exp(p.toArray()[i]) * (1 + p.toArray()[i]), 12));
    // a graph recorded inside a tidy and backpropagated after it
    p.grad.set([0, 0, 0]);
    const out = tidy(() => {
      startRecording();
      const l = loss();
      stopRecording();
      return l;
    });
    backward(out);
    expect(p.grad.toArray()).toEqual(g);
    p.grad.dispose();
    p.dispose();
  });

  it("frees the scope when fn throws, and refuses a Promise", () => {
    const before = rt.arena.used;
    expect(() => tidy(() => {
      Tensor.full([100], 1);
      throw new RangeError("boom");
    })).toThrow(RangeError);
    expect(rt.arena.used).toBe(before);
    expect(() => tidy(() => Promise.resolve(1))).toThrow(DomainError);
    expect(rt.arena.used).toBe(before);
    expect(() => tidy(42 as unknown as () => void)).toThrow(DomainError);
  });
});

describe("liveness", () => {
  it("an arena tensor kept from one valueAndGrad step throws in the next, naming its shape and the step", () => {
    const p = Tensor.from([2], [1], "persistent");
    p.requiresGrad = true;
    let kept: Tensor | null = null;
    valueAndGrad(() => {
      kept = exp(Tensor.full([4, 2], 0.5));
      return sum(mul(p, p));
    });
    expect(kept!.toArray()).toEqual(new Array(8).fill(Math.exp(0.5)));
    valueAndGrad(() => sum(mul(add(p, 0), p)));
    const e = disposedError(() => add(kept!, 1));
    expect(e.shape).toEqual([4, 2]);
    expect(e.message).toMatch(/arena tensor of shape \[4, 2\] released by the arena reset at the start of valueAndGrad step \d+/);
    expect(kept!.isLive).toBe(false);
    expect(String(kept)).toContain("released by");
    p.dispose();
  });

  it("a persistent tensor and its views throw after dispose(); disposing twice does nothing", () => {
    const t = Tensor.from(seq(6), [6], "persistent");
    const grid = t.reshape([2, 3]);
    const row = t.subTensor(3, [3]);
    expect(row.toArray()).toEqual(seq(6).slice(3));
    t.dispose();
    for (const u of [t, grid, row]) {
      const e = disposedError(() => u.toArray());
      expect(e.releasedBy).toBe("dispose()");
      expect(e.message).toContain("persistent");
    }
    expect(() => t.dispose()).not.toThrow();
    expect(() => grid.dispose()).not.toThrow();
    expect(() => t.subTensor(0, [2])).toThrow(DisposedTensorError);
  });

  it("dispose() takes a tensor, an array or a record; arena tensors are marked disposed", () => {
    const a = Tensor.from([1, 2], [2], "persistent");
    const b = Tensor.from([3], [1], "persistent");
    const c = Tensor.from([4, 5]);
    dispose({ a, nested: [b, { c }], n: 3 });
    for (const t of [a, b, c]) expect(disposedError(() => t.toArray()).releasedBy).toBe("dispose()");
    dispose([a, b, c]);
  });

  it("parameters of a disposed store throw instead of reading reused memory", () => {
    const specs = new ParamSpecs();
    const mlp = new MLP([2, 3, 1], { specs });
    const store = specs.build(new Rng(1));
    const w = store.parameters()[0];
    store.dispose();
    Tensor.full([w.size], 7, "persistent"); // would reuse the memory
    expect(() => w.toArray()).toThrow(DisposedTensorError);
    expect(() => mlp.forward(Tensor.from([[1, 2]]))).toThrow(DisposedTensorError);
    expect(() => store.dispose()).not.toThrow();
  });

  it("subTensor validates its range", () => {
    const t = Tensor.from(seq(4));
    expect(() => t.subTensor(3, [2])).toThrow(DomainError);
    expect(() => t.subTensor(-1, [1])).toThrow(DomainError);
    expect(t.subTensor(1, [2]).toArray()).toEqual(seq(4).slice(1, 3));
  });
});
