import { describe, it, expect } from "vitest";
import { Rng, Tensor, DomainError, noGrad } from "../../../../src/index.js";
import { MissingObservationError } from "../../../../src/model/index.js";
import { sawDataset, sawEngineModel, sawModel, sawOptimalNegElbo, sawSettings, simulateSaw } from "../../../../src/experiments/avi/models/saw.js";

describe("sawModel (avi-saw in the model language)", () => {
  const model = sawModel();
  const ln = (v: number, m: number) => -0.5 * Math.log(2 * Math.PI) - 0.5 * (v - m) ** 2;
  it("log N(z_n; x_{n-1}, 1) + log N(x_n; a (z_n + theta), 1), x_{n-1} a covariate (batch.context in the engine)", () => {
    const values = { z: Tensor.from([1, 2], [2, 1]), theta: Tensor.from([0.5], [1, 1]) };
    const data = sawDataset([2, 3]);
    const lp = noGrad(() => sawEngineModel(model).logJoint(values, data.full())).toArray();
    expect(lp[0]).toBeCloseTo(ln(1, 0) + ln(2, 0.75 * 1.5), 12);
    expect(lp[1]).toBeCloseTo(ln(2, 2) + ln(3, 0.75 * 2.5), 12);
    const total = noGrad(() => model.logJoint(values, { x: data.obs, xPrev: data.context! })).item();
    expect(total).toBeCloseTo(lp[0] + lp[1], 12);
  });
  it("requires the covariate, naming it", () => {
    const values = { z: Tensor.zeros([1, 1]), theta: Tensor.zeros([1, 1]) };
    expect(() => model.logJoint(values, { x: Tensor.zeros([1, 1]) })).toThrow(MissingObservationError);
    expect(() => model.logJoint(values, { x: Tensor.zeros([1, 1]) })).toThrow(/xPrev/);
    expect(() => sawEngineModel(model).logJoint(values, { obs: Tensor.zeros([1, 1]) })).toThrow(/batch\.context/);
  });
  it("simulates the series step by step from x_0 = 0 with the same function", () => {
    const { x, z } = simulateSaw(model, 3000, new Rng(2));
    let s = 0;
    let sz = 0;
    for (let n = 0; n < x.length; n++) {
      s += (x[n] - 0.75 * (z[n] + 3.4159)) ** 2;
      sz += (z[n] - (n > 0 ? x[n - 1] : 0)) ** 2;
    }
    expect(Math.abs(s / x.length - 1)).toBeLessThan(0.1);
    expect(Math.abs(sz / x.length - 1)).toBeLessThan(0.1);
    expect(z[0]).toBeLessThan(5); // z_1 ~ N(x_0 = 0, 1)
  });
  it("settings: defaults and validation by name", () => {
    expect(sawSettings()).toEqual({ a: 0.75, theta: 3.4159 });
    expect(() => sawModel({ a: -1 })).toThrow(DomainError);
    expect(() => sawModel({ a: -1 })).toThrow(/a/);
  });
});

describe("sawOptimalNegElbo", () => {
  it("is N (1/2 + log(1 + a^2) / 2) on average for a long series", () => {
    const { x } = simulateSaw(sawModel(), 20000, new Rng(9));
    const perPoint = sawOptimalNegElbo(x, 0.75) / x.length;
    expect(Math.abs(perPoint - (0.5 + 0.5 * Math.log(1 + 0.75 ** 2)))).toBeLessThan(0.02);
  });
});
