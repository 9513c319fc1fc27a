import { describe, it, expect } from "vitest";
import { Rng, Tensor, ShapeError, noGrad } from "../../../../src/index.js";
import { SawModel, sawDataset, sawOptimalNegElbo } from "../../../../src/experiments/avi/models/saw.js";

describe("SawModel", () => {
  const model = new SawModel();
  it("logJoint = log N(z_n; x_{n-1}, 1) + log N(x_n; a (z_n + theta), 1) with x_{n-1} from the context", () => {
    const data = sawDataset([2, 3]);
    const lp = noGrad(() => model.logJoint({ z: Tensor.from([1, 2], [2, 1]), theta: Tensor.from([0.5], [1, 1]) }, data.full())).toArray();
    const ln = (v: number, m: number) => -0.5 * Math.log(2 * Math.PI) - 0.5 * (v - m) ** 2;
    expect(lp[0]).toBeCloseTo(ln(1, 0) + ln(2, 0.75 * 1.5), 12);
    expect(lp[1]).toBeCloseTo(ln(2, 2) + ln(3, 0.75 * 2.5), 12);
  });
  it("requires the context, naming batch.context", () => {
    expect(() => model.logJoint({ z: Tensor.zeros([1, 1]), theta: Tensor.zeros([1, 1]) }, { obs: Tensor.zeros([1, 1]) })).toThrow(ShapeError);
    expect(() => model.logJoint({ z: Tensor.zeros([1, 1]), theta: Tensor.zeros([1, 1]) }, { obs: Tensor.zeros([1, 1]) })).toThrow(/batch\.context/);
  });
  it("simulates the series from x_0 = 0", () => {
    const { x, z } = model.simulate(3000, new Rng(2));
    let s = 0;
    for (let n = 0; n < x.length; n++) s += (x[n] - 0.75 * (z[n] + model.theta)) ** 2;
    expect(Math.abs(s / x.length - 1)).toBeLessThan(0.1);
    expect(z[0]).toBeLessThan(5); // z_1 ~ N(x_0 = 0, 1)
  });
});

describe("sawOptimalNegElbo", () => {
  it("is N (1/2 + log(1 + a^2) / 2) on average for a long series", () => {
    const m = new SawModel();
    const { x } = m.simulate(20000, new Rng(9));
    const perPoint = sawOptimalNegElbo(x, m.a) / x.length;
    expect(Math.abs(perPoint - (0.5 + 0.5 * Math.log(1 + 0.75 ** 2)))).toBeLessThan(0.02);
  });
});
