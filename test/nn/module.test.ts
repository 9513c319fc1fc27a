import { describe, it, expect } from "vitest";
import { DomainError, Linear, MLP, ParamSpecs, Rng, Tensor, inits, noGrad } from "../../src/index.js";


describe("ParamSpecs", () => {
  it("collects several layers into one shared store with scoped names", () => {
    const specs = new ParamSpecs();
    const enc = new MLP([3, 4, 2], { specs: specs.scope("encoder") });
    const head = new Linear(2, 1, { specs: specs.scope("head"), bias: false });
    const extra = specs.add("logStd", [2], inits.constant(-1));
    expect(specs.count).toBe(6);
    expect(() => enc.params).toThrow(DomainError);
    expect(() => extra.tensor).toThrow(/build/);
    const store = specs.build(new Rng(0));
    expect(enc.params).toBe(store);
    expect(head.params).toBe(store);
    expect(store.names).toEqual(["encoder.0.weight", "encoder.0.bias", "encoder.1.weight", "encoder.1.bias", "head.weight", "logStd"]);
    expect(store.size).toBe(3 * 4 + 4 + 4 * 2 + 2 + 2 + 2);
    expect(extra.tensor).toBe(store.get("logStd"));
    expect(head.weight.tensor.ptr).toBe(store.get("head.weight").ptr);
    expect(head.bias).toBeNull();
  });

  it("refuses duplicate names, adding after build and building twice", () => {
    const specs = new ParamSpecs();
    specs.add("a", [1], "zeros");
    expect(() => specs.add("a", [1], "zeros")).toThrow(DomainError);
    expect(() => specs.scope("")).toThrow(/prefix/);
    specs.build(new Rng(0));
    expect(() => specs.add("b", [1], "zeros")).toThrow(/built/);
    expect(() => specs.build(new Rng(0))).toThrow(/build/);
  });
});

describe("Linear", () => {
  it("owns a private store when no collector is given; same seed -> same weights", () => {
    const a = new Linear(3, 2, { rng: 5 });
    const b = new Linear(3, 2, { rng: new Rng(5) });
    expect(a.params.names).toEqual(["weight", "bias"]);
    expect(a.params.values.toArray()).toEqual(b.params.values.toArray());
    expect(a.bias!.tensor.toArray()).toEqual([0, 0]);
    expect(new Linear(3, 2, { rng: 6 }).params.values.toArray()).not.toEqual(a.params.values.toArray());
  });

  it("computes x W + b", () => {
    const l = new Linear(2, 3, { rng: 1 });
    l.params.loadJSON({ weight: { shape: [2, 3], values: [1, 2, 3, 4, 5, 6] }, bias: { shape: [3], values: [0.5, -0.5, 1] } });
    const y = noGrad(() => l.forward(Tensor.from([[1, -1], [2, 0.5]])));
    expect(y.toRows()).toEqual([
      [1 - 4 + 0.5, 2 - 5 - 0.5, 3 - 6 + 1],
      [2 + 2 + 0.5, 4 + 2.5 - 0.5, 6 + 3 + 1],
    ]);
    expect(noGrad(() => l.forward(Tensor.from([[1, -1]]), "relu")).toArray()).toEqual([0, 0, 0]);
  });

  it("rejects bad sizes", () => {
    expect(() => new Linear(0, 2)).toThrow(/nIn/);
    expect(() => new Linear(2, 1.5)).toThrow(/nOut/);
  });
});
