import { describe, it, expect } from "vitest";
import { DomainError, MLP, Rng, Tensor, UnknownNameError, noGrad, type Activation } from "../../src/index.js";
import { gradCheck } from "../helpers/gradcheck.js";
import { paramGradCheck } from "../helpers/param-gradcheck.js";

describe("MLP", () => {
  it("maps [B, in] to [B, out] and is deterministic in the seed", () => {
    const x = Tensor.from([[0.1, -0.2, 0.3], [1, 2, 3]], undefined, "persistent");
    const a = new MLP([3, 8, 5, 2], { rng: 11 });
    const b = new MLP([3, 8, 5, 2], { rng: 11 });
    const c = new MLP([3, 8, 5, 2], { rng: 12 });
    const ya = noGrad(() => a.forward(x));
    expect(ya.shape).toEqual([2, 2]);
    expect(noGrad(() => b.forward(x)).toArray()).toEqual(ya.toArray());
    expect(noGrad(() => c.forward(x)).toArray()).not.toEqual(ya.toArray());
    expect(a.layers).toHaveLength(3);
    expect(a.params.size).toBe(3 * 8 + 8 + 8 * 5 + 5 + 5 * 2 + 2);
    expect([a.inputSize, a.outputSize]).toEqual([3, 2]);
  });

  it("applies the hidden activation between layers and the output activation last", () => {
    const net = new MLP([1, 1, 1], { activation: "relu", outputActivation: "sigmoid", rng: 0 });
    net.params.loadJSON({
      "0.weight": { shape: [1, 1], values: [2] },
      "0.bias": { shape: [1], values: [-1] },
      "1.weight": { shape: [1, 1], values: [3] },
      "1.bias": { shape: [1], values: [0.5] },
    });
    const y = noGrad(() => net.forward(Tensor.from([[0], [2]]))).toArray();
    const sig = (z: number) => 1 / (1 + Math.exp(-z));
    expect(y[0]).toBeCloseTo(sig(0.5), 14); // relu(-1) = 0
    expect(y[1]).toBeCloseTo(sig(3 * 3 + 0.5), 14);
  });

  it.each<[Activation, Activation]>([
    ["tanh", "identity"],
    ["softplus", "sigmoid"],
    ["leakyRelu", "tanh"],
  ])("parameter gradients (%s hidden, %s output) match finite differences", (activation, outputActivation) => {
    const net = new MLP([3, 5, 4, 2], { activation, outputActivation, rng: 2, slope: 0.1 });
    const x = new Rng(9).normal([4, 3], "persistent");
    expect(paramGradCheck(net.params, () => net.forward(x))).toBeLessThan(1e-6);
  });

  it("input gradient matches finite differences (1x1 and odd sizes)", () => {
    const wide = new MLP([3, 7, 1], { rng: 4 });
    expect(gradCheck((x) => wide.forward(x), [{ shape: [5, 3] }])).toBeLessThan(1e-6);
    const tiny = new MLP([1, 1], { rng: 4, outputActivation: "softplus" });
    expect(gradCheck((x) => tiny.forward(x), [{ shape: [1, 1] }])).toBeLessThan(1e-6);
  });

  it("defaults to heNormal for relu nets and glorotUniform otherwise", () => {
    const bound = Math.sqrt(6 / (200 + 100));
    const glorot = new MLP([200, 100], { rng: 1 }).params.get("0.weight").toArray();
    expect(Math.max(...glorot.map(Math.abs))).toBeLessThanOrEqual(bound);
    const he = new MLP([200, 100, 1], { activation: "relu", rng: 1 }).params.get("0.weight").toArray();
    expect(Math.max(...he.map(Math.abs))).toBeGreaterThan(bound);
  });

  it("rejects bad sizes and activation names", () => {
    expect(() => new MLP([3])).toThrow(DomainError);
    expect(() => new MLP([3, 0, 2])).toThrow(/sizes\[1\]/);
    expect(() => new MLP([3, 2], { activation: "gelu" as Activation })).toThrow(UnknownNameError);
    expect(() => new MLP([3, 2], { outputActivation: "x" as Activation })).toThrow(/outputActivation/);
  });
});
