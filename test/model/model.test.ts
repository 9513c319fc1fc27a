import { describe, it, expect } from "vitest";
import { Tensor, Rng, Normal, Categorical, add, mul, scale, shift, exp, defineModel, DuplicateSiteError, MissingObservationError, MissingValueError, SupportError, ShapeError, DomainError, Dataset, makeFamily, fit, elbo, valueAndGrad, noGrad, MLP, cosineDecay } from "../../src/index.js";
import { engineModel } from "../../src/low-level.js";
import type { ModelContext } from "../../src/index.js";

const logN = (x: number, m: number, s: number) => -0.5 * ((x - m) / s) ** 2 - Math.log(s) - 0.5 * Math.log(2 * Math.PI);

/** z_n ~ N(0, 1), x_n ~ N(2 z_n + 1, 0.5^2). */
const linear = defineModel("linear", (m) => {
  m.plate("data", () => {
    const z = m.sample("z", new Normal(0, 1));
    m.observe("x", new Normal(shift(scale(z, 2), 1), 0.5));
  });
});

/** theta ~ N(0, 2^2) global, z_n ~ N(theta, 1), x_n ~ N(z_n, 1). */
const hierarchical = defineModel("hier", (m) => {
  const theta = m.sample("theta", new Normal(0, 2));
  m.plate("data", () => {
    const z = m.sample("z", new Normal(theta, 1));
    m.observe("x", new Normal(z, 1));
  });
});

describe("model language: sites and traces", () => {
  it("lists sites with scope, dim, support and distribution from one forward run", () => {
    const sites = hierarchical.sites({ size: 3 });
    expect(sites.map((s) => [s.name, s.scope, s.dim, s.support.kind, s.observed, s.distribution])).toEqual([
      ["theta", "global", 1, "real", false, "Normal"],
      ["z", "local", 1, "real", false, "Normal"],
      ["x", "local", 1, "real", true, "Normal"],
    ]);
  });

  it("summary: a table of sites (kind, scope, dim, support, distribution) and parameters", () => {
    const text = hierarchical.summary();
    const lines = text.split("\n");
    expect(lines[0]).toBe('model "hier"');
    expect(lines[1]).toMatch(/^site\s+kind\s+scope\s+dim\s+support\s+distribution$/);
    expect(lines[2]).toMatch(/^theta\s+latent\s+global\s+1\s+real\s+Normal$/);
    expect(lines[4]).toMatch(/^x\s+observed\s+local\s+1\s+real\s+Normal$/);
  });

  it("log p of given values matches the closed form, with N / B subsampling scale", () => {
    const z = [0.3, -1.2, 2];
    const x = [0.1, 0.4, -0.5];
    const lp = linear.logJoint({ z: Tensor.from(z, [3, 1]) }, { x: Tensor.from(x, [3, 1]) }).item();
    const want = z.reduce((s, zi, i) => s + logN(zi, 0, 1) + logN(x[i], 2 * zi + 1, 0.5), 0);
    expect(lp).toBeCloseTo(want, 12);
    const scaled = linear.logJoint({ z: Tensor.from(z, [3, 1]) }, { x: Tensor.from(x, [3, 1]) }, { dataSize: 12 }).item();
    expect(scaled).toBeCloseTo(4 * want, 10);
    const t = hierarchical.run({ values: { theta: Tensor.from([0.5], [1, 1]), z: Tensor.from(z, [3, 1]) }, data: { x: Tensor.from(x, [3, 1]) }, requireValues: true });
    const wantH = logN(0.5, 0, 2) + z.reduce((s, zi, i) => s + logN(zi, 0.5, 1) + logN(x[i], zi, 1), 0);
    expect(t.logJoint().item()).toBeCloseTo(wantH, 12);
    expect(t.globalLogProb()!.item()).toBeCloseTo(logN(0.5, 0, 2), 12);
    expect(t.localLogProb()!.toArray()).toHaveLength(3);
  });

  it("draws from the joint by running forward (moments of x: mean 1, var 4 + 0.25)", () => {
    const draw = linear.sampleJoint(20000, new Rng(7));
    const x = draw.data.x.toArray();
    const z = draw.values.z.toArray();
    const mean = x.reduce((a, b) => a + b, 0) / x.length;
    const v = x.reduce((a, b) => a + (b - mean) ** 2, 0) / x.length;
    expect(mean).toBeCloseTo(1, 1);
    expect(v).toBeGreaterThan(4.25 * 0.95);
    expect(v).toBeLessThan(4.25 * 1.05);
    const cov = z.reduce((a, zi, i) => a + zi * (x[i] - mean), 0) / z.length;
    expect(cov).toBeCloseTo(2, 1);
    expect(draw.values.z.shape).toEqual([20000, 1]);
  });

  it("same seed, same draws", () => {
    const a = hierarchical.sampleJoint(5, new Rng(3)).data.x.toArray();
    const b = hierarchical.sampleJoint(5, new Rng(3)).data.x.toArray();
    expect(a).toEqual(b);
  });

  it("typed errors name the site: duplicate, missing observation, missing value, wrong shape, support", () => {
    const twice = defineModel((m) => {
      m.sample("a", new Normal(0, 1));
      m.sample("a", new Normal(0, 1));
    });
    expect(() => twice.sampleJoint(1, new Rng(0))).toThrow(DuplicateSiteError);
    expect(() => twice.sampleJoint(1, new Rng(0))).toThrow(/site "a"/);
    expect(() => linear.logJoint({ z: Tensor.from([0], [1, 1]) }, {})).toThrow(MissingObservationError);
    expect(() => linear.logJoint({}, { x: Tensor.from([0], [1, 1]) })).toThrow(MissingValueError);
    expect(() => linear.logJoint({}, { x: Tensor.from([0], [1, 1]) })).toThrow(/site "z"/);
    expect(() => linear.logJoint({ z: Tensor.from([0, 1], [2, 1]) }, { x: Tensor.from([0, 1, 2], [3, 1]) })).toThrow(ShapeError);
    const pos = defineModel((m) => {
      m.plate("d", () => m.observe("k", new Categorical([0, 0, 0])));
    });
    expect(() => pos.logJoint({}, { k: Tensor.from([0, 5], [2, 1]) })).toThrow(SupportError);
    expect(() => pos.logJoint({}, { k: Tensor.from([0, 5], [2, 1]) })).toThrow(/site "k".*5 at row 1/);
    expect(() => defineModel((m) => m.plate("p", () => m.plate("q", () => 0))).sampleJoint(2, new Rng(0))).toThrow(DomainError);
  });

  it("mask: discrete control flow by masking (a row's log p takes the branch its discrete value selects)", () => {
    // k ~ Cat(0.5, 0.5); if k = 1: x ~ N(-3, 1) else x ~ N(3, 1); written with masks
    const branchy = defineModel((m) => {
      m.plate("d", () => {
        const k = m.sample("k", new Categorical([0, 0]));
        const isOne = k; // values 0 / 1
        const isZero = shift(scale(k, -1), 1);
        m.mask(isZero.reshape([k.rows]), () => m.observe("x0", new Normal(3, 1)));
        m.mask(isOne.reshape([k.rows]), () => m.observe("x1", new Normal(-3, 1)));
      });
    });
    const x = Tensor.from([0.5, -2], [2, 1]);
    const lp = branchy.logJoint({ k: Int32Array.from([0, 1]) }, { x0: x, x1: x }).item();
    expect(lp).toBeCloseTo(2 * Math.log(0.5) + logN(0.5, 3, 1) + logN(-2, -3, 1), 12);
  });

  it("param and module sites: learnable model parameters are found in the trace", () => {
    const dec = new MLP([1, 4, 1], { rng: 2 });
    const withParams = defineModel((m: ModelContext) => {
      const logS = m.param("logS", [0.1]);
      const net = m.module("decoder", dec);
      m.plate("d", () => {
        const z = m.sample("z", new Normal(0, 1));
        m.observe("x", Normal.fromLogStd(net.forward(z), logS));
      });
    });
    const stores = withParams.params();
    expect(stores).toHaveLength(2);
    expect(stores).toContain(dec.params);
    expect(withParams.params()[0]).toBe(stores[0]); // the same tensor every run
  });

  it("a run inside valueAndGrad allocates no persistent memory (constants live in the arena)", () => {
    const x = Tensor.from([0.3, 1.1], [2, 1], "persistent");
    const z = Tensor.from([0.1, 0.2], [2, 1], "persistent");
    const rt = x.rt;
    valueAndGrad(() => linear.logJoint({ z }, { x }, { validate: false }));
    const before = (rt as unknown as { top: number }).top;
    for (let i = 0; i < 2000; i++) valueAndGrad(() => linear.logJoint({ z }, { x }, { validate: false }));
    const after = (rt as unknown as { top: number }).top;
    expect(after).toBe(before);
  });
});

describe("model language: fitted through the engine (F-VI and A-VI families)", () => {
  // exact posterior of z_n | x_n: precision 1 + 4 / 0.25 = 17, mean 8 (x - 1) / 17
  const xs = noGrad(() => linear.sampleJoint(200, new Rng(11)).data.x.toArray());
  const data = new Dataset(xs.map((v) => [v]));
  const engine = engineModel(linear);

  it("the engine sees the sites (one local real latent, obsDim 1)", () => {
    expect(engine.latents).toEqual([{ name: "z", scope: "local", dim: 1, support: { kind: "real" } }]);
    expect(engine.obsDim).toBe(1);
  });

  it("F-VI reaches the exact posterior means and sd 1/sqrt(17)", () => {
    const fam = makeFamily(engine, data, { kind: "fvi" });
    fit({ model: linear, guide: fam, objective: elbo({ samples: 4 }), data, iterations: 3000, lr: 0.05, rng: new Rng(1), lrSchedule: cosineDecay(3000, 0.01) });
    const f = fam.localFactors(data.full()).z;
    const means = f.mean.toArray();
    const sds = f.logStd.toArray().map(Math.exp);
    const err = Math.max(...means.map((m, i) => Math.abs(m - (8 * (xs[i] - 1)) / 17)));
    expect(err).toBeLessThan(0.05);
    for (const s of sds) expect(Math.abs(s - 1 / Math.sqrt(17))).toBeLessThan(0.03);
  });

  it("A-VI (an MLP of x_n) closes the gap: its means are linear in x", () => {
    const fam = makeFamily(engine, data, { kind: "avi", seed: 3 });
    fit({ model: linear, guide: fam, objective: elbo({ samples: 4 }), data, iterations: 3000, lr: 0.01, rng: new Rng(2), lrSchedule: cosineDecay(3000, 0.01) });
    const f = fam.localFactors(data.full()).z;
    const means = f.mean.toArray();
    const err = Math.max(...means.map((m, i) => Math.abs(m - (8 * (xs[i] - 1)) / 17)));
    expect(err).toBeLessThan(0.1);
  });

  it("global latents through the engine: logPriorGlobal of the same values", () => {
    const eng = engineModel(hierarchical);
    expect(eng.latents.map((s) => s.scope)).toEqual(["global", "local"]);
    const values = { theta: Tensor.from([0.5], [1, 1]), z: Tensor.from([0, 1], [2, 1]) };
    const batch = { obs: Tensor.from([0.2, 0.9], [2, 1]) };
    const local = eng.logJoint(values, batch).toArray();
    expect(local[1]).toBeCloseTo(logN(1, 0.5, 1) + logN(0.9, 1, 1), 12);
    expect(eng.logPriorGlobal!(values).item()).toBeCloseTo(logN(0.5, 0, 2), 12);
    expect(eng.logPriorGlobal!({ ...values }).item()).toBeCloseTo(logN(0.5, 0, 2), 12);
  });
});

void add;
void mul;
void exp;

describe("model language: learnable model parameters are trained by fit", () => {
  it("m.param b in x_n ~ N(z_n + b, 1) reaches the maximum-likelihood value mean(x)", () => {
    const withParam = defineModel("offset", (m) => {
      const b = m.param("b", [0]);
      m.plate("data", () => {
        const z = m.sample("z", new Normal(0, 1));
        m.observe("x", new Normal(add(z, b), 1));
      });
    });
    const xs = Array.from({ length: 300 }, (_, i) => 3 + Math.sin(i) * 1.5);
    const data = new Dataset(xs);
    const q = makeFamily(withParam, data, { kind: "avi", seed: 1 });
    fit({ model: withParam, guide: q, objective: elbo({ samples: 4 }), data, iterations: 1500, lr: 0.02, rng: 3, lrSchedule: cosineDecay(1500, 0.05) });
    const b = withParam.params()[0].get("b").item();
    const mle = xs.reduce((a, v) => a + v, 0) / xs.length;
    expect(Math.abs(b - mle)).toBeLessThan(0.05);
  });
});

describe("model language: global latents only", () => {
  it("Gamma-Poisson: the family's q(lambda) (log-normal through exp) matches the conjugate posterior Gamma(a + sum x, b + N)", async () => {
    const { Gamma, Poisson } = await import("../../src/index.js");
    const model = defineModel("gamma-poisson", (m) => {
      const lambda = m.sample("lambda", new Gamma(2, 1));
      m.plate("data", () => m.observe("x", new Poisson(lambda)));
    });
    const xs = [3, 5, 2, 4, 6, 3, 4, 5, 2, 3, 4, 4];
    const data = new Dataset(xs);
    const q = makeFamily(model, data, { kind: "const" });
    expect(q.params).toHaveLength(1);
    fit({ model, guide: q, objective: elbo({ samples: 8 }), data, iterations: 3000, lr: 0.02, rng: 1, lrSchedule: cosineDecay(3000, 0.02) });
    const { mean, logStd } = q.globalFactors().lambda;
    const s2 = Math.exp(2 * logStd.item());
    const eq = Math.exp(mean.item() + s2 / 2);
    const sum = xs.reduce((a, b) => a + b, 0);
    const exactMean = (2 + sum) / (1 + xs.length);
    const exactSd = Math.sqrt(2 + sum) / (1 + xs.length);
    expect(Math.abs(eq - exactMean)).toBeLessThan(0.05);
    expect(Math.abs(eq * Math.sqrt(Math.exp(s2) - 1) - exactSd)).toBeLessThan(0.05);
  });
});

describe("model language: a covariate and the data mapping", () => {
  it("x_n ~ N(2 u_n + z_n, 1) with u_n a covariate (batch.context): F-VI reaches the exact means (x - 2u) / 2", () => {
    const reg = defineModel("regression", (m) => {
      m.plate("data", () => {
        const z = m.sample("z", new Normal(0, 1));
        m.observe("x", new Normal(add(mul(m.data("u"), 2), z), 1));
      });
    }, { context: "u" });
    const us = Array.from({ length: 60 }, (_, i) => Math.sin(i));
    const xs = us.map((u, i) => 2 * u + Math.cos(3 * i));
    const data = new Dataset(xs, { context: us });
    const q = makeFamily(reg, data, { kind: "fvi" });
    fit({ model: reg, guide: q, objective: elbo({ samples: 8 }), data, iterations: 2000, lr: 0.05, rng: 2, lrSchedule: cosineDecay(2000, 0.01) });
    const means = q.localFactors(data.full()).z.mean.toArray();
    const err = Math.max(...means.map((m, i) => Math.abs(m - (xs[i] - 2 * us[i]) / 2)));
    expect(err).toBeLessThan(0.06);
    expect(() => defineModel("bad", () => undefined, { contxt: "u" } as never)).toThrow(/mapping\.contxt/);
  });
});
