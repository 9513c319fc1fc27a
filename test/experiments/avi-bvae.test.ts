import { describe, expect, it } from "vitest";
import { DomainError } from "../../src/core/errors.js";
import { getExperiment, quietContext } from "../../src/experiments/index.js";
import { MissingDataError, loadFashionMnist } from "../../src/experiments/avi/fashion-mnist.js";

describe("avi-bvae --quick", () => {
  it("-ELBO decreases and the wider encoder is no worse than width 1", async () => {
    const r = await getExperiment("avi-bvae").run({ quick: true, seed: 0, outDir: "." }, quietContext());
    const methods = (r.data as { methods: { name: string; negElbo: number[]; finalNegElbo: number; finalTrainMse: number }[] }).methods;
    expect(methods.map((m) => m.name)).toEqual(["F-VI", "A-VI k=1", "A-VI k=32"]);
    for (const m of methods) {
      const first = m.negElbo.slice(0, 15).reduce((a, b) => a + b, 0) / 15;
      expect(m.finalNegElbo).toBeLessThan(first);
      expect(Number.isFinite(m.finalTrainMse)).toBe(true);
    }
    expect(methods[2].finalNegElbo).toBeLessThanOrEqual(methods[1].finalNegElbo);
    expect(r.figures?.map((f) => f.name)).toEqual(["neg-elbo", "mse"]);
  }, 60000);

  it("loads FashionMNIST scaled to [0, 1], balanced over classes, train and test disjoint; bad sizes are typed errors", () => {
    const { train, test } = loadFashionMnist(20, 10);
    expect(train.images.length).toBe(20 * 784);
    expect(Math.max(...train.images)).toBeLessThanOrEqual(1);
    expect(Math.max(...train.images)).toBeGreaterThan(0.5);
    expect(Array.from(train.labels.slice(0, 10))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(Array.from(test.images.slice(0, 784))).not.toEqual(Array.from(train.images.slice(0, 784)));
    expect(() => loadFashionMnist(0, 10)).toThrow(DomainError);
    expect(() => loadFashionMnist(60001, 10)).toThrow(DomainError);
    expect(() => loadFashionMnist(10, 10, "/nonexistent/fashion-mnist")).toThrow(MissingDataError);
    expect(() => loadFashionMnist(10, 10, "/nonexistent/fashion-mnist")).toThrow(/0\.json/);
  });
});
