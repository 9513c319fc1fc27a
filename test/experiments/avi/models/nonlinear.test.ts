import { describe, it, expect } from "vitest";
import { Rng, Tensor, noGrad } from "../../../../src/index.js";
import { NonlinearModel } from "../../../../src/experiments/avi/models/nonlinear.js";

describe("NonlinearModel", () => {
  const model = new NonlinearModel();
  it("logJoint keeps the -cos z log-scale term of the likelihood", () => {
    const z = 0.7;
    const th = -0.3;
    const x = 1.1;
    const lp = noGrad(() => model.logJoint({ z: Tensor.from([z], [1, 1]), theta: Tensor.from([th], [1, 1]) }, { obs: Tensor.from([x], [1, 1]) })).item();
    const ln = (v: number, m: number, s: number) => -0.5 * Math.log(2 * Math.PI) - Math.log(s) - 0.5 * ((v - m) / s) ** 2;
    expect(lp).toBeCloseTo(ln(z, 0, 1) + ln(x, th + z + z * Math.sin(z), Math.exp(Math.cos(z))), 12);
    expect(noGrad(() => model.logPriorGlobal({ theta: Tensor.from([th], [1, 1]) })).item()).toBeCloseTo(ln(th, 0, 1), 12);
  });
  it("simulates x = theta + z + z sin z + exp(cos z) eps", () => {
    const { values, batch } = model.sampleJoint(2000, new Rng(1), 0.5);
    const z = (values.z as Tensor).toArray();
    const x = batch.obs.toArray();
    const r = x.map((xi, i) => (xi - 0.5 - z[i] - z[i] * Math.sin(z[i])) / Math.exp(Math.cos(z[i])));
    const m = r.reduce((s, v) => s + v, 0) / r.length;
    const v = r.reduce((s, u) => s + (u - m) ** 2, 0) / r.length;
    expect(Math.abs(m)).toBeLessThan(0.1);
    expect(Math.abs(v - 1)).toBeLessThan(0.1);
  });
});
