import { describe, it, expect } from "vitest";
import { Tensor, tanh } from "../../src/index.js";
import { gradCheck, CHECK_SHAPES } from "../helpers/gradcheck.js";

describe("tanh", () => {
  it("matches Math.tanh", () => {
    const xs = [-3, -0.5, 0, 0.25, 2, 20];
    expect(tanh(Tensor.from(xs)).toArray()).toEqual(xs.map(Math.tanh));
  });
  it.each(CHECK_SHAPES)("gradient matches finite differences for shape [%i, %i]", (r, c) => {
    expect(gradCheck((x) => tanh(x), [{ shape: [r, c] }])).toBeLessThan(1e-6);
  });
});
