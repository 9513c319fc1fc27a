import { describe, expect, it } from "vitest";
import { DomainError, ParamSpecs, Rng, Tensor, noGrad, polynomialNet } from "../../../src/index.js";

/** Builds net for input size F and output size d; returns its inference function and its parameters by name. */
function build(net: ReturnType<typeof polynomialNet>, F: number, d: number) {
  const specs = new ParamSpecs();
  const fn = net.build(specs, F, d);
  const store = specs.build(new Rng(0));
  return { fn, store };
}

describe("polynomialNet", () => {
  it("mean a_0 + sum_j a_j x^j with one shared log-std; all zeros by default", () => {
    const { fn, store } = build(polynomialNet(2), 1, 1);
    expect(store.names.sort()).toEqual(["coef.bias", "coef.weight", "logStd"]);
    expect(store.values.toArray().every((v) => v === 0)).toBe(true);
    store.get("coef.weight").set([0.5, -0.25]);
    store.get("coef.bias").set([1]);
    store.get("logStd").set([0.3]);
    const xs = [-2, 0, 1.5];
    const out = noGrad(() => fn(Tensor.from(xs, [3, 1])));
    out.mean.toArray().forEach((m, i) => expect(m).toBeCloseTo(1 + 0.5 * xs[i] - 0.25 * xs[i] ** 2, 12));
    expect(out.logStd.toArray()).toEqual([0.3, 0.3, 0.3]);
  });

  it("init sets every coefficient, the constant term and the log-std (degree 1: N(a x + b, c^2) from a, b, log c)", () => {
    const { fn, store } = build(polynomialNet(1, { init: { coefficients: 2, bias: 2, logStd: Math.log(2) } }), 1, 1);
    expect(store.get("coef.weight").item()).toBe(2);
    expect(store.get("coef.bias").item()).toBe(2);
    const out = noGrad(() => fn(Tensor.from([-1, 3], [2, 1])));
    expect(out.mean.toArray()).toEqual([0, 8]);
    out.logStd.toArray().forEach((v) => expect(Math.exp(v)).toBeCloseTo(2, 12));
    const zero = build(polynomialNet(0, { init: { bias: -1.5, logStd: -1 } }), 2, 3);
    expect(zero.store.get("bias").toArray()).toEqual([-1.5, -1.5, -1.5]);
    expect(zero.store.get("logStd").toArray()).toEqual([-1, -1, -1]);
  });

  it("rejects a non-finite initial value naming it", () => {
    expect(() => polynomialNet(1, { init: { bias: NaN } })).toThrow(DomainError);
    expect(() => polynomialNet(1, { init: { logStd: Infinity } })).toThrow(/init\.logStd/);
  });
});
