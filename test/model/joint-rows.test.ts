import { describe, it, expect } from "vitest";
import { Tensor, Rng, Normal, DomainError, Dataset, makeFamily, fit, elbo, add } from "../../src/index.js";
import { defineModel, engineModel, FullBatchError, isJointRows, type JointRowsDistribution } from "../../src/model/index.js";
import { normalLogProb } from "../../src/autodiff/ops/gaussian.js";
import { real } from "../../src/distributions/support.js";

const logN = (x: number, m: number, s: number) => -0.5 * ((x - m) / s) ** 2 - Math.log(s) - 0.5 * Math.log(2 * Math.PI);

/** A test distribution over N rows jointly: N(0, 1) per row, declared joint (the language must then require all N rows). */
class JointStandardNormal implements JointRowsDistribution {
  readonly support = real;
  readonly batchShape: readonly number[];
  readonly eventShape: readonly number[] = [];
  readonly reparameterized = false;
  constructor(readonly jointRows: number) {
    this.batchShape = [jointRows, 1];
  }
  sample(rng: Rng, shape: readonly number[] = this.batchShape): Tensor {
    return rng.normal(shape);
  }
  logProb(value: Tensor): Tensor {
    return normalLogProb(value, Tensor.scalar(0), Tensor.scalar(0));
  }
}

const N = 4;
const prior = new JointStandardNormal(N);
/** z ~ joint(N rows), x_n ~ N(z_n, 1), plate of fixed size N. */
const series = defineModel("series", (m) =>
  m.plate(
    "time",
    () => {
      const z = m.sample("z", prior);
      m.observe("x", new Normal(z, 1));
    },
    { size: N },
  ),
);

describe("model language: sites over the plate's rows jointly", () => {
  const z = Tensor.from([0.1, -0.4, 1.2, 0.3], [N, 1]);
  const x = Tensor.from([0.5, 0, 1, -1], [N, 1]);

  it("isJointRows tells a joint-rows distribution from an elementwise one", () => {
    expect(isJointRows(prior)).toBe(true);
    expect(isJointRows(new Normal(0, 1))).toBe(false);
  });

  it("scores the full plate: per-row terms that sum to the closed form", () => {
    const lp = series.logJoint({ z }, { x }).item();
    const zs = z.toArray();
    const xs = x.toArray();
    expect(lp).toBeCloseTo(zs.reduce((s, zi, i) => s + logN(zi, 0, 1) + logN(xs[i], zi, 1), 0), 12);
    // a forward run draws the whole plate (its size is fixed)
    expect(series.sampleJoint(1, new Rng(0)).data.x.shape).toEqual([N, 1]);
  });

  it("a minibatch, a larger plate or a global joint site is a FullBatchError naming the site", () => {
    const part = { z: Tensor.from([0.1, -0.4], [2, 1]) };
    expect(() => series.logJoint(part, { x: Tensor.from([0.5, 0], [2, 1]) })).toThrow(FullBatchError);
    expect(() => series.logJoint(part, { x: Tensor.from([0.5, 0], [2, 1]) })).toThrow(/site "z".*full batch only.*a batch of 2 rows/);
    // all 4 rows, but as a subsample of a plate of 8 (scaled by 8 / 4): still not the full plate
    const wide = defineModel("wide", (m) => m.plate("time", () => m.observe("x", new Normal(m.sample("z", prior), 1)), { size: 2 * N }));
    expect(() => wide.logJoint({ z }, { x })).toThrow(/plate of size 8/);
    const global = defineModel("global", (m) => m.sample("z", prior));
    expect(() => global.run({ rng: new Rng(0) })).toThrow(FullBatchError);
  });

  it("the engine view flags requiresFullSequence and rejects rows out of data order", () => {
    const engine = engineModel(series);
    expect(engine.requiresFullSequence).toBe(true);
    expect(engineModel(defineModel("iid", (m) => m.plate("d", () => m.observe("x", new Normal(m.sample("z", new Normal(0, 1)), 1))))).requiresFullSequence).toBeUndefined();
    const inOrder = engine.logJoint({ z }, { obs: x, index: Int32Array.from([0, 1, 2, 3]) }).toArray();
    expect(inOrder).toHaveLength(N);
    expect(() => engine.logJoint({ z }, { obs: x, index: Int32Array.from([1, 0, 2, 3]) })).toThrow(FullBatchError);
    expect(() => engine.logJoint({ z }, { obs: x, index: Int32Array.from([1, 0, 2, 3]) })).toThrow(/batch\.index/);
  });

  it("fit on minibatches of such a model fails at the first step with the typed error", () => {
    const data = new Dataset([0.5, 0, 1, -1]);
    const fam = makeFamily(series, data, { kind: "fvi" });
    expect(() => fit({ model: series, guide: fam, objective: elbo(), data, iterations: 2, batchSize: 2, rng: new Rng(1) })).toThrow(FullBatchError);
    const full = fit({ model: series, guide: fam, objective: elbo(), data, iterations: 2, rng: new Rng(1) });
    expect(full.steps).toBe(2);
  });
});

describe("engine view: a covariate from batch.context", () => {
  /** x_n ~ N(c_n + z_n, 1) with the covariate c (m.data). */
  const withCovariate = defineModel("covariate", (m) =>
    m.plate("data", () => {
      const z = m.sample("z", new Normal(0, 1));
      m.observe("x", new Normal(add(m.data("c"), z), 1));
    }),
  );

  it("discovers the sites without probe data (zeros [2, contextDim] for the covariate) and scores with batch.context", () => {
    const engine = engineModel(withCovariate, { context: "c" });
    expect(engine.latents.map((s) => s.name)).toEqual(["z"]);
    const lp = engine.logJoint({ z: Tensor.from([0.2, -1], [2, 1]) }, { obs: Tensor.from([1, 2], [2, 1]), context: Tensor.from([0.5, 3], [2, 1]) }).toArray();
    expect(lp[0]).toBeCloseTo(logN(0.2, 0, 1) + logN(1, 0.7, 1), 12);
    expect(lp[1]).toBeCloseTo(logN(-1, 0, 1) + logN(2, 2, 1), 12);
  });

  it("typed errors: no batch.context, a bad contextDim, no covariate in a default engine", () => {
    const engine = engineModel(withCovariate, { context: "c" });
    expect(() => engine.logJoint({ z: Tensor.zeros([2, 1]) }, { obs: Tensor.zeros([2, 1]) })).toThrow(/batch\.context/);
    expect(() => engineModel(withCovariate, { context: "c", contextDim: 0 })).toThrow(DomainError);
    expect(() => engineModel(withCovariate)).toThrow(/data\.c/);
  });
});
