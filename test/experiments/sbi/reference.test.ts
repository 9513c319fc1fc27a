import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { DomainError, Rng } from "../../../src/index.js";
import { cholesky } from "../../../src/core/dense-matrix.js";
import { adaptiveMetropolis, McmcConvergenceError } from "../../../src/experiments/sbi/reference/mcmc.js";
import { mcmcReference, posteriorTarget } from "../../../src/experiments/sbi/reference/mcmc-reference.js";
import { fileReferenceStore, memoryReferenceStore } from "../../../src/experiments/sbi/reference/store.js";
import { normals } from "../../../src/experiments/sbi/random.js";
import { matrix, type Matrix, type Task } from "../../../src/experiments/sbi/task.js";
import { sbiTask } from "../../../src/experiments/sbi/tasks/index.js";
import { gaussianLinearPosterior } from "../../../src/experiments/sbi/tasks/gaussian-linear.js";
import { twoMoonsSymmetry } from "../../../src/experiments/sbi/tasks/two-moons.js";
import { columnMoments, covariance2d, grid2dMoments, logIntegral1d, repeatRow } from "./helpers.js";

/** A test-sized sampler: 4 chains, ESS >= 200 (10-D posteriors need the longer default warmup to adapt their proposal). */
const QUICK = { chains: 4, warmup: 1500, block: 500, minEss: 200 };

/** log p(theta) + log p(x | theta) of many rows at once (-Infinity outside the prior). */
const logPosteriorRows = (task: Task, x: ArrayLike<number>) => (rows: Matrix) => {
  const lp = task.prior.logProb(rows);
  const ll = task.logLikelihood(rows, x);
  return lp.map((v, i) => (v > -Infinity ? v + ll[i] : v));
};

/** Mean and variance of coordinate j of a factorized posterior by 1-D quadrature along j at c. */
function coordinateMoments(f: (rows: Matrix) => Float64Array, c: ArrayLike<number>, j: number, a: number, b: number) {
  const profile = (ts: Float64Array, power: number) => {
    const rows = repeatRow(c, ts.length);
    ts.forEach((t, i) => (rows.data[i * c.length + j] = t));
    const lp = f(rows);
    return lp.map((v, i) => (power === 0 ? v : v + power * Math.log(Math.abs(ts[i]) || 1e-300)));
  };
  const z = logIntegral1d((t) => profile(t, 0), a, b, 4000);
  // E[t] and E[t^2] through t = (t + s) - s with a shift keeping t + s > 0
  const s = -a + 1;
  const m1 = Math.exp(logIntegral1d((t) => profile(t, 0).map((v, i) => v + Math.log(t[i] + s)), a, b, 4000) - z) - s;
  const m2 = Math.exp(logIntegral1d((t) => profile(t, 0).map((v, i) => v + 2 * Math.log(t[i] + s)), a, b, 4000) - z) - 2 * s * (m1 + s) + s * s;
  return { mean: m1, variance: m2 - m1 * m1 };
}

describe("closed-form and rejection references against quadrature of prior x likelihood", () => {
  it("gaussian_linear: samples have the conjugate N(x / 2, 0.05 I), which the quadrature of prior x likelihood confirms", () => {
    const task = sbiTask("gaussian_linear");
    const o = task.observations()[0];
    const s = task.referencePosterior(1, 20000, new Rng(1));
    const { mean, variance } = columnMoments(s);
    const exact = gaussianLinearPosterior(o.x);
    expect(exact.variance).toBeCloseTo(0.05, 14);
    const f = logPosteriorRows(task, o.x);
    for (const j of [0, 4, 9]) {
      const q = coordinateMoments(f, exact.mean, j, -3, 3);
      expect(q.mean).toBeCloseTo(exact.mean[j], 6);
      expect(q.variance).toBeCloseTo(0.05, 6);
    }
    mean.forEach((m, j) => expect(Math.abs(m - o.x[j] / 2)).toBeLessThan(5 * Math.sqrt(0.05 / 20000)));
    variance.forEach((v) => expect(Math.abs(v / 0.05 - 1)).toBeLessThan(0.05));
  });

  it("gaussian_linear_uniform: the truncated-Normal draws match the quadrature moments of each coordinate (the observation nearest the box edge)", () => {
    const task = sbiTask("gaussian_linear_uniform");
    const obs = task.observations();
    const o = obs.reduce((a, b) => (Math.max(...Array.from(b.x, Math.abs)) > Math.max(...Array.from(a.x, Math.abs)) ? b : a));
    expect(Math.max(...Array.from(o.x, Math.abs))).toBeGreaterThan(0.9);
    const s = task.referencePosterior(o.index, 20000, new Rng(2));
    const { mean, variance } = columnMoments(s);
    const f = logPosteriorRows(task, o.x);
    const c = mean.map((m) => Math.max(-0.99, Math.min(0.99, m)));
    for (let j = 0; j < 10; j++) {
      const q = coordinateMoments(f, c, j, -1 + 1e-12, 1 - 1e-12);
      expect(Math.abs(mean[j] - q.mean)).toBeLessThan(5 * Math.sqrt(q.variance / 20000));
      expect(Math.abs(variance[j] / q.variance - 1)).toBeLessThan(0.05);
    }
  });

  it("gaussian_mixture: the truncated mixture draws match the 2-D quadrature's mean and covariance", () => {
    const task = sbiTask("gaussian_mixture");
    const o = task.observations()[0];
    const s = task.referencePosterior(1, 20000, new Rng(3));
    const q = grid2dMoments(logPosteriorRows(task, o.x), [-10 + 1e-12, 10 - 1e-12], [-10 + 1e-12, 10 - 1e-12], 800);
    const { mean } = columnMoments(s);
    const cov = covariance2d(s);
    mean.forEach((m, j) => expect(Math.abs(m - q.mean[j])).toBeLessThan(5 * Math.sqrt(q.cov[2 * j] / 20000)));
    [0, 2].forEach((k) => expect(Math.abs(cov[k] / q.cov[k] - 1)).toBeLessThan(0.05));
  });
});

describe("two_moons: the analytic sampler, MCMC and quadrature agree on one crescent", () => {
  const task = sbiTask("two_moons");
  const o = task.observations()[0];
  const fold = (m: Matrix) => {
    const d = m.data.slice();
    twoMoonsSymmetry.fold(d, m.rows);
    return matrix(m.rows, 2, d);
  };

  it("analytic draws cover both crescents equally and their folded moments match the 2-D quadrature; MCMC (folded chains) agrees", () => {
    const analytic = task.referencePosterior(1, 20000, new Rng(4));
    let upper = 0;
    for (let i = 0; i < analytic.rows; i++) if (analytic.data[2 * i] + analytic.data[2 * i + 1] >= 0) upper++;
    expect(Math.abs(upper / analytic.rows - 0.5)).toBeLessThan(0.02);
    const folded = fold(analytic);
    const { mean } = columnMoments(folded);
    const cov = covariance2d(folded);
    // quadrature over a box around the folded crescent, the other half-plane excluded
    const lo = [0, 1].map((j) => Math.min(...Array.from({ length: folded.rows }, (_, i) => folded.data[2 * i + j])) - 0.05);
    const hi = [0, 1].map((j) => Math.max(...Array.from({ length: folded.rows }, (_, i) => folded.data[2 * i + j])) + 0.05);
    const f = logPosteriorRows(task, o.x);
    const q = grid2dMoments((pts) => f(pts).map((v, i) => (pts.data[2 * i] + pts.data[2 * i + 1] >= 0 ? v : -Infinity)), [lo[0], hi[0]], [lo[1], hi[1]], 600);
    mean.forEach((m, j) => expect(Math.abs(m - q.mean[j])).toBeLessThan(5 * Math.sqrt(q.cov[2 * j] / 20000)));
    [0, 1, 2].forEach((k) => expect(Math.abs(cov[k] - q.cov[k])).toBeLessThan(0.05 * Math.sqrt(q.cov[0] * q.cov[2])));

    const store = memoryReferenceStore();
    const mcmc = mcmcReference({ space: "identity", symmetry: twoMoonsSymmetry })(task, o, 1000, new Rng(5), { store, mcmc: QUICK });
    const file = [...store.files.values()][0];
    expect(Math.max(...file.diagnostics.rhat)).toBeLessThan(1.01);
    const mf = fold(mcmc);
    const mm = columnMoments(mf).mean;
    const ess = Math.min(...file.diagnostics.essBulk);
    mm.forEach((m, j) => expect(Math.abs(m - q.mean[j])).toBeLessThan(5 * Math.sqrt(q.cov[2 * j] / ess)));
    const mcov = covariance2d(mf);
    [0, 2].forEach((k) => expect(Math.abs(mcov[k] / q.cov[k] - 1)).toBeLessThan(0.25));
    let mUpper = 0;
    for (let i = 0; i < mcmc.rows; i++) if (mcmc.data[2 * i] + mcmc.data[2 * i + 1] >= 0) mUpper++;
    expect(Math.abs(mUpper / mcmc.rows - 0.5)).toBeLessThan(0.06);
  });
});

/** Self-normalized importance sampling in the sampler's space with a Gaussian proposal fitted to `fit` (sd inflated 1.5x): weighted means, ESS. */
function importanceCheck(task: Task, x: ArrayLike<number>, fit: Matrix, space: "identity" | "log", draws: number, seed: number) {
  const d = fit.cols;
  const u = matrix(fit.rows, d, space === "log" ? fit.data.map(Math.log) : fit.data.slice());
  const { mean } = columnMoments(u);
  const cov = new Float64Array(d * d);
  for (let i = 0; i < u.rows; i++) for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) cov[a * d + b] += (2.25 * (u.data[i * d + a] - mean[a]) * (u.data[i * d + b] - mean[b])) / (u.rows - 1);
  const L = cholesky(cov, d);
  const logDetL = Array.from({ length: d }, (_, i) => Math.log(L[i * (d + 1)])).reduce((s, v) => s + v, 0);
  const z = normals(new Rng(seed), draws * d);
  const pts = new Float64Array(draws * d);
  const logQ = new Float64Array(draws);
  for (let n = 0; n < draws; n++) {
    let sq = 0;
    for (let a = 0; a < d; a++) {
      let v = mean[a];
      for (let b = 0; b <= a; b++) v += L[a * d + b] * z[n * d + b];
      pts[n * d + a] = v;
      sq += z[n * d + a] ** 2;
    }
    logQ[n] = -0.5 * sq - logDetL - 0.5 * d * Math.log(2 * Math.PI);
  }
  const lp = posteriorTarget(task, x, { space }).logDensity(pts, draws);
  const logW = lp.map((v, n) => v - logQ[n]);
  const max = Math.max(...logW);
  const w = logW.map((v) => Math.exp(v - max));
  const total = w.reduce((s, v) => s + v, 0);
  const m = new Array<number>(d).fill(0);
  for (let n = 0; n < draws; n++) for (let a = 0; a < d; a++) m[a] += (w[n] / total) * pts[n * d + a];
  const ess = total ** 2 / w.reduce((s, v) => s + v * v, 0);
  return { mean: m, ess, mcmcMean: mean, mcmcVariance: columnMoments(u).variance };
}

describe("MCMC references (test-sized runs, memory store)", () => {
  it("sir: the chains' moments of log theta match the 2-D quadrature of the posterior", () => {
    const task = sbiTask("sir");
    const o = task.observations()[0];
    const store = memoryReferenceStore();
    const s = task.referencePosterior(1, 400, new Rng(6), { store, mcmc: QUICK });
    const file = store.read("sir", 1)!;
    expect(file.samples.length).toBe(400);
    expect(Math.min(...file.diagnostics.essBulk)).toBeGreaterThanOrEqual(400);
    // evenly spaced along every chain, >= 20 draws apart: almost no repeats (sbibm's references are unique draws)
    expect(new Set(file.samples.map((r) => r.join(","))).size).toBeGreaterThan(0.98 * 400);
    expect(file.seed).toBe(o.seed);
    expect(file.x).toEqual(Array.from(o.x));
    const logS = matrix(s.rows, 2, s.data.map(Math.log));
    const { mean, variance } = columnMoments(logS);
    const target = posteriorTarget(task, o.x, { space: "log" });
    const sd = variance.map(Math.sqrt);
    const q = grid2dMoments((pts) => target.logDensity(pts.data, pts.rows), [mean[0] - 8 * sd[0], mean[0] + 8 * sd[0]], [mean[1] - 8 * sd[1], mean[1] + 8 * sd[1]], 80);
    const ess = Math.min(...file.diagnostics.essBulk);
    mean.forEach((m, j) => expect(Math.abs(m - q.mean[j])).toBeLessThan(5 * Math.sqrt(q.cov[2 * j] / ess)));
    [0, 2].forEach((k, j) => expect(Math.abs(variance[j] / q.cov[k] - 1)).toBeLessThan(0.25));
  });

  it("bernoulli_glm (10-D) and lotka_volterra (log space): MCMC means agree with importance sampling from a Gaussian fitted to the chains", () => {
    for (const [name, space, index] of [
      ["bernoulli_glm", "identity", 1],
      ["lotka_volterra", "log", 2],
    ] as const) {
      const task = sbiTask(name);
      const o = task.observations()[index - 1];
      const store = memoryReferenceStore();
      const s = task.referencePosterior(index, 400, new Rng(7), { store, mcmc: { ...QUICK, warmup: name === "bernoulli_glm" ? 3000 : 1500 } });
      const ess = Math.min(...store.read(name, index)!.diagnostics.essBulk);
      const is = importanceCheck(task, o.x, s, space, name === "bernoulli_glm" ? 20000 : 4000, 8);
      expect(is.ess).toBeGreaterThan(500);
      is.mean.forEach((m, j) => {
        const se = Math.sqrt(is.mcmcVariance[j] * (1 / ess + 1 / is.ess));
        expect(Math.abs(m - is.mcmcMean[j])).toBeLessThan(5 * se);
      });
    }
  });

  it("slcp: a run with the sign symmetry folded contains the true parameters (up to sign) and draws both signs of theta3, theta4", () => {
    const task = sbiTask("slcp");
    const o = task.observations()[4];
    const store = memoryReferenceStore();
    const s = task.referencePosterior(5, 500, new Rng(9), { store, mcmc: QUICK });
    const file = store.read("slcp", 5)!;
    expect(file.method).toMatch(/symmetry/);
    expect(task.prior.logProb(s).every(Number.isFinite)).toBe(true);
    const folded = matrix(s.rows, 5, s.data.map((v, k) => (k % 5 === 2 || k % 5 === 3 ? Math.abs(v) : v)));
    const { mean, variance } = columnMoments(folded);
    const truth = Array.from(o.theta, (v, j) => (j === 2 || j === 3 ? Math.abs(v) : v));
    truth.forEach((t, j) => expect(Math.abs(t - mean[j])).toBeLessThan(4 * Math.sqrt(variance[j])));
    for (const j of [2, 3]) {
      let negative = 0;
      for (let i = 0; i < s.rows; i++) if (s.data[i * 5 + j] < 0) negative++;
      expect(Math.abs(negative / s.rows - 0.5)).toBeLessThan(0.1);
    }
  });

  it("chains stuck in two separated modes are a McmcConvergenceError with their R-hat, not a result", () => {
    const target = {
      dim: 1,
      logDensity: (u: Float64Array, n: number) => Float64Array.from({ length: n }, (_, i) => Math.log(Math.exp(-0.5 * ((u[i] - 10) / 0.3) ** 2) + Math.exp(-0.5 * ((u[i] + 10) / 0.3) ** 2))),
    };
    const starts = Float64Array.from([10, -10, 10, -10]);
    let caught: unknown;
    try {
      adaptiveMetropolis(target, starts, new Rng(1), { chains: 4, warmup: 200, block: 200, maxDraws: 800 });
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(McmcConvergenceError);
    expect((caught as McmcConvergenceError).rhat[0]).toBeGreaterThan(1.5);
    expect(String(caught)).toMatch(/R-hat/);
  });
});

describe("reference cache and arguments", () => {
  const dir = mkdtempSync(join(tmpdir(), "amortvi-sbi-ref-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("a cached file serves smaller requests (a subset of its samples), a larger request or a changed observation recomputes it", () => {
    const task = sbiTask("two_moons");
    const o = task.observations()[1];
    const reference = mcmcReference({ space: "identity", symmetry: twoMoonsSymmetry });
    const store = memoryReferenceStore();
    let writes = 0;
    const counting = { read: store.read, write: (f: Parameters<typeof store.write>[0]) => (writes++, store.write(f)) };
    reference(task, o, 300, new Rng(1), { store: counting, mcmc: QUICK });
    expect(writes).toBe(1);
    const stored = new Set(store.read("two_moons", 2)!.samples.map((r) => r.join(",")));
    const small = reference(task, o, 100, new Rng(2), { store: counting, mcmc: QUICK });
    expect(writes).toBe(1);
    for (let i = 0; i < small.rows; i++) expect(stored.has(Array.from(small.data.subarray(2 * i, 2 * i + 2)).join(","))).toBe(true);
    reference(task, o, 400, new Rng(3), { store: counting, mcmc: QUICK });
    expect(writes).toBe(2);
    expect(store.read("two_moons", 2)!.samples.length).toBe(400);
    store.files.get("two_moons/2")!.x[0] += 1;
    reference(task, o, 100, new Rng(4), { store: counting, mcmc: QUICK });
    expect(writes).toBe(3);
  });

  it("the file store writes <dir>/<task>/obs-<i>.json and reads it back", () => {
    const task = sbiTask("two_moons");
    const store = fileReferenceStore(dir);
    expect(store.read("two_moons", 3)).toBeNull();
    mcmcReference({ space: "identity", symmetry: twoMoonsSymmetry })(task, task.observations()[2], 200, new Rng(1), { store, mcmc: QUICK });
    const file = fileReferenceStore(dir).read("two_moons", 3)!;
    expect(file.samples.length).toBe(200);
    expect(file.settings.chains).toBe(4);
    expect(file.diagnostics.rhat.length).toBe(2);
  });

  it("bad observation numbers and sizes are DomainErrors naming the argument", () => {
    const task = sbiTask("gaussian_linear");
    expect(() => task.referencePosterior(0, 10, new Rng(1))).toThrow(DomainError);
    expect(() => task.referencePosterior(11, 10, new Rng(1))).toThrow(/^i:|i: expected/);
    expect(() => task.referencePosterior(1, 0, new Rng(1))).toThrow(/n: expected/);
  });
});
