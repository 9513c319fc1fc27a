import { describe, it, expect } from "vitest";
import { Tensor, Rng, Normal, Categorical, add, mul, shift, scale, matmul, defineModel, defineGuide, Dataset, fit, elbo, forwardKL, noGrad, cosineDecay } from "../../src/index.js";

// z_n ~ N(0, 1), x_n ~ N(2 z_n + 1, 0.5^2); exact q(z | x) = N(8 (x - 1) / 17, 1 / 17)
const model = defineModel("linear", (m) => {
  m.plate("data", () => {
    const z = m.sample("z", new Normal(0, 1));
    m.observe("x", new Normal(shift(scale(z, 2), 1), 0.5));
  });
});

/** q(z | x) = N(a x + b, exp(c)^2), a guide written as a function of sites. */
function affineGuide() {
  return defineGuide("affine", (m) => {
    const a = m.param("a", [0]);
    const b = m.param("b", [0]);
    const c = m.param("c", [0]);
    m.plate("data", () => {
      m.sample("z", Normal.fromLogStd(add(mul(m.data("x"), a), b), c));
    });
  });
}

describe("defineGuide: a guide as a function of sites", () => {
  it("finds its parameters, draws with reparameterized sites and scores given values", () => {
    const g = affineGuide();
    expect(g.params).toHaveLength(3);
    const batch = { obs: Tensor.from([[1], [2]]) };
    const draw = noGrad(() => g.sample(batch, new Rng(1)));
    expect((draw.values.z as Tensor).shape).toEqual([2, 1]);
    expect(draw.logQScore).toBeNull();
    const lp = noGrad(() => g.logProb({ z: Tensor.from([[0.5], [-1]]) }, batch).toArray());
    const logN = (v: number) => -0.5 * v * v - 0.5 * Math.log(2 * Math.PI);
    expect(lp[0]).toBeCloseTo(logN(0.5), 12);
    expect(lp[1]).toBeCloseTo(logN(-1), 12);
  });

  it("trained with the ELBO on data, it reaches the exact posterior (a, b, sd) = (8/17, -8/17, 1/sqrt 17)", () => {
    const g = affineGuide();
    const xs = noGrad(() => model.sampleJoint(400, new Rng(5)).data.x.toArray());
    const data = new Dataset(xs);
    fit({ model, guide: g, objective: elbo({ samples: 4 }), data, iterations: 3000, lr: 0.03, rng: 2, lrSchedule: cosineDecay(3000, 0.02) });
    const get = (n: string) => g.params.find((s) => s.has(n))!.get(n).item();
    expect(get("a")).toBeCloseTo(8 / 17, 1);
    expect(get("b")).toBeCloseTo(-8 / 17, 1);
    expect(Math.exp(get("c"))).toBeCloseTo(1 / Math.sqrt(17), 1);
  });

  it("trained with forward KL on simulations, the same", () => {
    const g = affineGuide();
    fit({ model, guide: g, objective: forwardKL(), batchSize: 256, iterations: 3000, lr: 0.03, rng: 4, lrSchedule: cosineDecay(3000, 0.02) });
    const get = (n: string) => g.params.find((s) => s.has(n))!.get(n).item();
    expect(get("a")).toBeCloseTo(8 / 17, 1);
    expect(Math.exp(get("c"))).toBeCloseTo(1 / Math.sqrt(17), 1);
  });

  it("a discrete site is drawn without a pathwise gradient: its log q is the score-function part", () => {
    const g = defineGuide("cat", (m) => {
      const w = m.param("w", [0.5, -0.5], [1, 2]);
      m.plate("data", () => {
        m.sample("k", new Categorical(matmul(m.data("x"), w)));
      });
    });
    const batch = { obs: Tensor.from([[1], [-2], [0.5]]) };
    const draw = noGrad(() => g.sample(batch, new Rng(3)));
    expect(draw.values.k).toBeInstanceOf(Int32Array);
    expect(draw.logQScore!.toArray()).toEqual(draw.logQ.toArray());
    const k = draw.values.k as Int32Array;
    const lp = draw.logQ.toArray();
    [1, -2, 0.5].forEach((x, i) => {
      const l = [0.5 * x, -0.5 * x];
      const lse = Math.log(Math.exp(l[0]) + Math.exp(l[1]));
      expect(lp[i]).toBeCloseTo(l[k[i]] - lse, 12);
    });
  });
});
