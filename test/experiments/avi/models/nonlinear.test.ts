import { describe, it, expect } from "vitest";
import { Rng, Tensor, noGrad } from "../../../../src/index.js";
import { engineModel } from "../../../../src/low-level.js";
import { NONLINEAR_NEG_ELBO_CONSTANT, nonlinearModel } from "../../../../src/experiments/avi/models/nonlinear.js";

describe("nonlinearModel (avi-nonlinear in the model language)", () => {
  const model = nonlinearModel();
  const ln = (v: number, m: number, s: number) => -0.5 * Math.log(2 * Math.PI) - Math.log(s) - 0.5 * ((v - m) / s) ** 2;
  it("log p keeps the -cos z log-scale term of the likelihood; theta's N(0, 1) prior is the global part", () => {
    const [z, th, x] = [0.7, -0.3, 1.1];
    const values = { z: Tensor.from([z], [1, 1]), theta: Tensor.from([th], [1, 1]) };
    const lp = noGrad(() => model.logJoint(values, { x: Tensor.from([x], [1, 1]) })).item();
    const local = ln(z, 0, 1) + ln(x, th + z + z * Math.sin(z), Math.exp(Math.cos(z)));
    expect(lp).toBeCloseTo(ln(th, 0, 1) + local, 12);
    const engine = engineModel(model);
    expect(noGrad(() => engine.logJoint(values, { obs: Tensor.from([x], [1, 1]) })).item()).toBeCloseTo(local, 12);
    expect(noGrad(() => engine.logPriorGlobal!(values)).item()).toBeCloseTo(ln(th, 0, 1), 12);
    expect(NONLINEAR_NEG_ELBO_CONSTANT).toBeCloseTo(0.5 * Math.log(2 * Math.PI), 15);
  });
  it("simulates x = theta + z + z sin z + exp(cos z) eps (theta given, or drawn from N(0, 1))", () => {
    const draw = model.sampleJoint(2000, new Rng(1), { values: { theta: Tensor.from([0.5], [1, 1]) } });
    const z = draw.values.z.toArray();
    const r = draw.data.x.toArray().map((xi, i) => (xi - 0.5 - z[i] - z[i] * Math.sin(z[i])) / Math.exp(Math.cos(z[i])));
    const m = r.reduce((s, v) => s + v, 0) / r.length;
    const v = r.reduce((s, u) => s + (u - m) ** 2, 0) / r.length;
    expect(Math.abs(m)).toBeLessThan(0.1);
    expect(Math.abs(v - 1)).toBeLessThan(0.1);
    const thetas = Array.from({ length: 400 }, (_, i) => model.sampleJoint(1, new Rng(100 + i)).values.theta.item());
    const mt = thetas.reduce((a, b) => a + b, 0) / thetas.length;
    expect(Math.abs(mt)).toBeLessThan(0.15);
    expect(Math.abs(thetas.reduce((a, b) => a + (b - mt) ** 2, 0) / thetas.length - 1)).toBeLessThan(0.2);
  });
});
