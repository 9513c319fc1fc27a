import { beforeAll, describe, expect, it } from "vitest";
import { DomainError, init, UnknownNameError } from "../../src/index.js";
import { gaussianGaussianOptimum } from "../../src/experiments/notes/models/gaussian-gaussian.js";
import { MixturePrior } from "../../src/experiments/notes/models/mixture-prior.js";
import { resolveJob, type TrainingJob } from "../../src/worker/job.js";
import { buildTraining, runJob, wasmCosineDecay } from "../../src/worker/training.js";
import { cosineDecay } from "../../src/optim/schedule.js";
import { compileModelSource } from "../../src/worker/user-model.js";
import { loadParams, paramsByName } from "../../src/worker/params.js";
import { simpson } from "../helpers/quadrature.js";

beforeAll(async () => {
  await init();
});

const note1: TrainingJob = { model: { name: "note-1" }, family: { amortization: "avi" }, objective: "qp", iterations: 60, seed: 3 };

describe("a training job", () => {
  it("is validated with typed errors naming the field", () => {
    expect(() => resolveJob({ ...note1, iterations: 0 })).toThrow(/job.iterations/);
    expect(() => resolveJob({ ...note1, objective: "kl" as never })).toThrow(UnknownNameError);
    expect(() => resolveJob({ ...note1, family: { density: "flow" as never } })).toThrow(/job.family.density/);
    expect(() => resolveJob({ ...note1, family: { amortization: "fvi" }, objective: "pq" })).toThrow(/job.family.amortization: expected "avi" for the pq objective/);
    expect(() => resolveJob({ ...note1, family: { amortization: "fvi" }, train: "simulations" })).toThrow(DomainError);
    expect(() => resolveJob({ ...note1, lr: -1 })).toThrow(/job.lr/);
    expect(() => resolveJob({ ...note1, extra: 1 } as never)).toThrow(/job.extra/);
    expect(() => buildTraining({ ...note1, model: { name: "note-9" } as never })).toThrow(/job.model.name/);
    expect(() => buildTraining({ ...note1, model: { name: "note-1", settings: { s0: -1 } } })).toThrow(/s0/);
    expect(() => buildTraining({ ...note1, model: { name: "note-1", settings: { sigma: 1 } } })).toThrow(/job.model.settings.sigma/);
    const r = resolveJob(note1);
    expect([r.observations, r.batchSize, r.lr, r.family.density, r.train, r.schedule]).toEqual([200, 100, 0.01, "gaussian", "data", "constant"]);
    expect(() => resolveJob({ ...note1, schedule: "step" as never })).toThrow(/job.schedule/);
  });

  it("is its seed: the same job gives the same losses and parameters, another seed others", () => {
    const a = runJob(note1);
    const b = runJob(note1);
    const c = runJob({ ...note1, seed: 4 });
    expect(Array.from(b.losses)).toEqual(Array.from(a.losses));
    expect(paramsByName(b.params)).toEqual(paramsByName(a.params));
    expect(Array.from(c.losses)).not.toEqual(Array.from(a.losses));
    for (const r of [a, b, c]) r.training.dispose();
  });

  it("the cosine schedule is cosineDecay with the Wasm kernel's cosines (engine-independent bits), clamped at 0 and T", () => {
    const wasm = wasmCosineDecay(600, 0.01);
    const js = cosineDecay(600, 0.01);
    for (let t = 0; t <= 600; t++) expect(Math.abs(wasm(t) - js(t))).toBeLessThan(1e-15);
    expect([wasm(0), wasm(600), wasm(900)]).toEqual([1, 0.01, 0.01]);
    expect(wasm(300)).toBeCloseTo(0.505, 15);
  });

  it("builds every model, amortization and density; flows and the mixture through autoGuide", () => {
    const user = 'm.plate("data", () => { const x = m.sample("x", new Normal(0, 1)); m.observe("y", new Normal(x, 0.5)); });';
    const models = [{ name: "note-1" }, { name: "note-2" }, { name: "avi-saw" }, { name: "user", source: user }] as const;
    for (const model of models) {
      for (const amortization of ["fvi", "avi", "windowed-avi"] as const) {
        const t = buildTraining({ model, family: { amortization, density: "gaussian" }, iterations: 1 });
        expect(t.info.family).toMatch(/diagonal Gaussian/);
        t.dispose();
      }
    }
    for (const density of ["mixture", "realnvp", "spline"] as const) {
      const t = buildTraining({ model: { name: "note-2" }, family: { density }, iterations: 1 });
      expect(t.guide.family.name).toMatch(density === "mixture" ? /mixture/i : density === "realnvp" ? /RealNVP/ : /spline/);
      t.dispose();
    }
  });

  it("trains on simulations or data; note-1's A-VI reaches the exact posterior q(x|y) = N(a* y + b*, c*^2)", () => {
    const run = runJob({ ...note1, train: "simulations", iterations: 1500, lr: 0.02, batchSize: 256, schedule: "cosine" });
    const { a, b, c } = gaussianGaussianOptimum();
    const view = run.training.view([0, 1, 2], run.steps, { draws: 4000 });
    for (const p of view.points) {
      const y = p.observation[0];
      expect(p.exactMean).toBeCloseTo(a * y + b, 12);
      expect(p.exactStd).toBeCloseTo(c, 12);
      // 4000 draws: the sample mean's error is ~0.011, plus the fit's (largest in the tail of p(y), |y| ~ 3); it starts ~1 off
      expect(Math.abs(p.qMean - (a * y + b))).toBeLessThan(0.1);
      expect(Math.abs(p.qStd - c) / c).toBeLessThan(0.06);
    }
    run.training.dispose();
  });

  it("views: q's density on the grid (exp log q) and the exact posterior integrate to 1; a histogram with global latents", () => {
    const t = buildTraining({ model: { name: "note-2" }, family: { density: "mixture" }, iterations: 1 });
    const prior = new MixturePrior();
    const view = t.view([0, 5], 0, { draws: 500, gridSize: 161 });
    for (const p of view.points) {
      expect(p.qDensity).toBe("exact");
      const [lo, hi] = [p.grid[0], p.grid[p.grid.length - 1]];
      expect(simpson(p.exact!, lo, hi)).toBeCloseTo(1, 4);
      expect(simpson(p.q, lo, hi)).toBeCloseTo(1, 2);
      expect(p.exactMean).toBeCloseTo(prior.posterior(p.observation[0]).mean, 12);
    }
    expect(t.view([0], 0, { draws: 10 }).points[0].q).toEqual(t.view([0], 0, { draws: 10 }).points[0].q);
    t.dispose();
    const saw = buildTraining({ model: { name: "avi-saw" }, family: { amortization: "fvi" }, iterations: 1 });
    const h = saw.view([0], 0, { draws: 3000 }).points[0];
    expect(h.qDensity).toBe("histogram");
    expect(h.exact).toBeNull();
    const step = h.grid[1] - h.grid[0];
    expect(h.q.reduce((s, v) => s + v * step, 0)).toBeGreaterThan(0.98);
    saw.dispose();
  });

  it("a user model from source text; a syntax error names model.source", () => {
    const m = compileModelSource('m.plate("data", () => { const z = m.sample("z", new Gamma(2, 1)); m.observe("y", new Normal(log(z), 0.5)); });');
    expect(m.latentSites().map((s) => s.name)).toEqual(["z"]);
    expect(() => compileModelSource("m.plate(")).toThrow(/model.source/);
    expect(() => compileModelSource("  ")).toThrow(DomainError);
    const run = runJob({ model: { name: "user", source: 'm.plate("data", () => { const z = m.sample("z", new Gamma(2, 1)); m.observe("y", new Normal(log(z), 0.5)); });' }, iterations: 30 });
    expect(run.steps).toBe(30);
    expect(run.losses.every(Number.isFinite)).toBe(true);
    // a positive site: the view's grid stays in (0, inf) and q's density still integrates to ~1 there
    const p = run.training.view([0], 30, { draws: 500, gridSize: 201 }).points[0];
    expect(p.grid[0]).toBeGreaterThanOrEqual(0);
    expect(p.q.every((v) => Number.isFinite(v) && v >= 0)).toBe(true);
    expect(simpson(p.q, p.grid[0], p.grid[200])).toBeCloseTo(1, 1);
    run.training.dispose();
  });

  it("trained parameters load into a guide built on another thread from the same job", () => {
    const run = runJob(note1);
    const fresh = buildTraining(note1);
    expect(paramsByName(fresh.params())).not.toEqual(paramsByName(run.params));
    loadParams(fresh.stores().guide, run.params.filter((p) => p.group === "guide"));
    expect(paramsByName(fresh.params())).toEqual(paramsByName(run.params));
    expect(() => loadParams(fresh.stores().guide, [])).toThrow(/params/);
    run.training.dispose();
    fresh.dispose();
  });
});
