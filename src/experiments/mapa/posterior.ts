/**
 * mapa-posterior (issue 6, document 002 claim 1: "MAPA captures the trend of
 * the true posterior"): posterior means of MAPA (our construction, computed
 * from the training data alone) and of a jointly trained VAE encoder against
 * the true posterior means by quadrature, on every synthetic data set; and
 * MAPA's density against the true posterior density at a few test points.
 * The latent of a model fitted to data is identifiable only up to a
 * transformation, so means are compared after a sign flip (1-D) or an affine
 * map fitted by least squares (2-D), and on the bimodal fold against the
 * true trend of |z| (sqrt E[z^2 | x]), since there E[z | x] = 0.
 */
import { resolveSettings } from "../settings.js";
import type { SettingSpec } from "../types.js";
import { Rng } from "../../core/rng.js";
import { runtime } from "../../core/runtime.js";
import { Tensor } from "../../core/tensor.js";
import { latentGrid, syntheticDataset, truePosterior, SYNTHETIC_NAMES, type SyntheticDataset, type SyntheticName } from "./datasets.js";
import { encoderMoments } from "../../diagnostics/vae.js";
import { spearman } from "../../infer/mapa/codes.js";
import { MapaPosterior } from "../../infer/mapa/posterior.js";
import { Dataset } from "../../infer/families/dataset.js";
import { elbo } from "../../infer/objectives/elbo.js";
import { vae as makeVae } from "../../infer/vae.js";
import { fit } from "../../train/fit.js";
import { densityGrid, lineChart, type DensityPanel, type Series } from "../../report/plots.js";
import { registerExperiment } from "../registry.js";
import type { ExperimentResult, RunContext, RunOptions } from "../types.js";
import { correlation } from "./shared.js";

interface Config {
  datasets: readonly SyntheticName[];
  nTrain: number;
  nTest: number;
  /** Epochs of joint VAE training for the encoder comparison (0: no encoder). */
  encoderEpochs: number;
}

const FULL: Config = { datasets: SYNTHETIC_NAMES, nTrain: 2000, nTest: 1000, encoderEpochs: 100 };
const QUICK: Config = { datasets: ["spiral", "fold"], nTrain: 500, nTest: 200, encoderEpochs: 0 };

/** mapa-posterior's settings: data sets, sizes, and the epochs of the joint VAE whose encoder is compared (0: none). */
export const MAPA_POSTERIOR_SETTING_SPECS: readonly SettingSpec[] = [
  { name: "datasets", type: "names", choices: SYNTHETIC_NAMES, default: { full: FULL.datasets, quick: QUICK.datasets }, description: "synthetic data sets (src/data/synthetic.ts)" },
  { name: "nTrain", type: "integer", min: 2, default: { full: FULL.nTrain, quick: QUICK.nTrain }, description: "training rows (MAPA is computed from them)" },
  { name: "nTest", type: "integer", min: 1, default: { full: FULL.nTest, quick: QUICK.nTest }, description: "test rows at which posterior means are compared" },
  { name: "encoderEpochs", type: "integer", min: 0, default: { full: FULL.encoderEpochs, quick: QUICK.encoderEpochs }, description: "epochs of joint VAE training for the encoder comparison (0: no encoder)" },
];

/** Column d of a flat [n, dim] array. */
function column(v: Float64Array, dim: number, d: number): Float64Array {
  return Float64Array.from({ length: v.length / dim }, (_, i) => v[i * dim + d]);
}

/** Least-squares affine map of rows of `from` ([n, 2]) onto column d of `to`; returns the fitted values and R^2. */
function affineAlign(from: Float64Array, to: Float64Array): { fitted: Float64Array; r2: number } {
  const n = to.length;
  // Normal equations for [1, a, b] (3 x 3), solved by Cramer's rule.
  const X = Array.from({ length: n }, (_, i) => [1, from[2 * i], from[2 * i + 1]]);
  const A = [0, 1, 2].map((r) => [0, 1, 2].map((c) => X.reduce((s, x) => s + x[r] * x[c], 0)));
  const y = [0, 1, 2].map((r) => X.reduce((s, x, i) => s + x[r] * to[i], 0));
  const det = (m: number[][]) => m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1]) - m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0]) + m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0]);
  const D = det(A);
  const beta = [0, 1, 2].map((k) => det(A.map((row, r) => row.map((v, c) => (c === k ? y[r] : v)))) / D);
  const fitted = Float64Array.from(X, (x) => beta[0] + beta[1] * x[1] + beta[2] * x[2]);
  const m = to.reduce((s, v) => s + v, 0) / n;
  const ssTot = to.reduce((s, v) => s + (v - m) ** 2, 0);
  const ssRes = to.reduce((s, v, i) => s + (v - fitted[i]) ** 2, 0);
  return { fitted, r2: 1 - ssRes / ssTot };
}

/** Encoder means of a joint VAE trained for `epochs` on ds (flat [nTest, latentDim]). */
function encoderMeans(ds: SyntheticDataset, epochs: number, seed: number): Float64Array {
  const vae = makeVae({ obsDim: ds.obsDim, latentDim: ds.latentDim, rng: new Rng(seed).fork(11) });
  const data = new Dataset(ds.train, { dim: ds.obsDim });
  const rng = new Rng(seed).fork(12);
  fit({ model: vae.model, guide: vae.guide, objective: elbo({ scale: "datapoint" }), data, epochs, batchSize: 100, lr: 1e-3, rng: rng.fork(2), batchRng: rng.fork(1) });
  const m = encoderMoments(vae, Tensor.from(ds.test, [ds.nTest, ds.obsDim])).mean.flat();
  data.dispose();
  vae.dispose();
  runtime().arena.reset();
  return Float64Array.from(m);
}

/**
 * Aligned estimate of the true trend `target` from estimated means (flat [n, d]): sign flip (d = 1,
 * injective f: the codes are then z itself up to sign), a linear map (d = 1, a trend of |z| in
 * MAPA's own coordinate) or an affine map (d = 2).
 */
function align(est: Float64Array, d: number, target: Float64Array, injective: boolean): { y: Float64Array; score: number; scoreName: string } {
  if (d === 2) {
    const { fitted, r2 } = affineAlign(est, target);
    return { y: fitted, score: r2, scoreName: "R^2 (affine)" };
  }
  const rho = correlation(est, target);
  if (injective) return { y: est.map((v) => Math.sign(rho) * v), score: Math.abs(rho), scoreName: "|rho|" };
  const me = est.reduce((s, v) => s + v, 0) / est.length;
  const mt = target.reduce((s, v) => s + v, 0) / target.length;
  const b = est.reduce((s, v, i) => s + (v - me) * (target[i] - mt), 0) / est.reduce((s, v) => s + (v - me) ** 2, 0);
  return { y: est.map((v) => mt + b * (v - me)), score: Math.abs(rho), scoreName: "|rho|" };
}

function sortedSeries(name: string, panel: string, x: Float64Array, y: Float64Array): Series {
  const order = Array.from(x.keys()).sort((a, b) => x[a] - x[b]);
  return { name, panel, x: order.map((i) => x[i]), y: order.map((i) => y[i]) };
}

async function run(opts: RunOptions, ctx: RunContext): Promise<ExperimentResult> {
  const set = resolveSettings({ name: "mapa-posterior", settings: MAPA_POSTERIOR_SETTING_SPECS }, opts);
  const cfg: Config = { datasets: set.names("datasets") as SyntheticName[], nTrain: set.number("nTrain"), nTest: set.number("nTest"), encoderEpochs: set.number("encoderEpochs") };
  const headline: Record<string, number | string> = {};
  const notes: string[] = [];
  const series: Series[] = [];
  const densities: DensityPanel[] = [];
  const data: Record<string, unknown> = { config: cfg };
  ctx.progress.start(cfg.datasets.length, "data sets");
  for (const name of cfg.datasets) {
    const ds = syntheticDataset(name, opts.seed, { nTrain: cfg.nTrain, nTest: cfg.nTest });
    const d = ds.latentDim;
    const truth = truePosterior(ds, ds.test);
    const post = MapaPosterior.fit(ds.train, ds.obsDim, d, new Rng(opts.seed).fork(7));
    const mapaMean = post.posteriorMean(ds.test);
    const enc = cfg.encoderEpochs > 0 ? encoderMeans(ds, cfg.encoderEpochs, opts.seed) : null;
    const result: Record<string, unknown> = { method: post.method, bandwidth: post.bandwidth, precompute: post.precompute };
    for (let k = 0; k < d; k++) {
      // The fold's true E[z | x] is 0 by symmetry: compare with the trend of |z| instead.
      const target = ds.injective ? column(truth.mean, d, k) : column(truth.secondMoment, d, k).map(Math.sqrt);
      const what = ds.injective ? `E[z${d > 1 ? k + 1 : ""} | x]` : "sqrt E[z^2 | x]";
      const panel = d > 1 ? `${name}, z${k + 1}` : name;
      const m = align(mapaMean, d, target, ds.injective);
      const key = `${panel}: MAPA vs true ${what}`;
      headline[`${key} ${m.scoreName}`] = Number(m.score.toFixed(4));
      const scores: Record<string, number> = { mapa: m.score };
      if (!ds.injective) {
        scores.mapaSpearman = Math.abs(spearman(mapaMean, target));
        scores.mapaVsTrueMean = correlation(mapaMean, column(truth.mean, d, k));
        headline[`${panel}: MAPA vs true E[z | x] rho`] = Number(scores.mapaVsTrueMean.toFixed(4));
      }
      series.push(sortedSeries("true", panel, target, target), sortedSeries("MAPA", panel, target, m.y));
      if (enc) {
        const e = align(enc, d, target, ds.injective);
        scores.encoder = e.score;
        headline[`${panel}: joint-VAE encoder vs true ${what} ${e.scoreName}`] = Number(e.score.toFixed(4));
        series.push(sortedSeries("encoder (joint VAE)", panel, target, e.y));
      }
      result[panel] = { compared: what, scoreName: m.scoreName, ...scores };
      notes.push(
        `${panel}: MAPA's posterior mean against the true ${what}: ${m.scoreName} = ${m.score.toFixed(3)}` +
          (enc ? `; the encoder of a joint VAE (${cfg.encoderEpochs} epochs): ${(scores.encoder as number).toFixed(3)}` : "") +
          (m.score > 0.9 ? " - MAPA captures the trend." : " - MAPA does NOT capture the trend well here (score <= 0.9)."),
      );
      if (!ds.injective) {
        notes.push(
          `${name}: f is not injective, the true posterior is bimodal at +-|z| and E[z | x] = 0; MAPA, built from the data alone, orders the folded curve once and is unimodal in its own coordinate (rho with the true E[z | x] = ${scores.mapaVsTrueMean.toFixed(3)}): it captures the trend of |z| (Spearman ${scores.mapaSpearman.toFixed(3)}), not the two modes.`,
        );
      }
    }
    if (d === 1) densities.push(...densityPanels(ds, post, truth.mean));
    data[name] = result;
    post.dispose();
    runtime().arena.reset();
    ctx.progress.tick(1);
  }
  ctx.progress.stop();
  return {
    headline,
    data,
    notes,
    figures: [
      { name: "posterior-means", title: "Posterior means against the true trend E[z | x] (fold: sqrt E[z^2 | x]); test points sorted by it; estimates sign-aligned in 1-D, linearly aligned on the fold, affinely in 2-D (the latent is identifiable only up to such maps)", spec: lineChart({ xLabel: "true posterior trend", yLabel: "posterior mean", series, columns: 3, maxPoints: 400 }) },
      { name: "posterior-densities", title: "True posterior density vs MAPA at three test points per 1-D data set (MAPA in its own latent coordinate, sign-aligned)", spec: densityGrid({ panels: densities, xLabel: "z", yLabel: "density" }) },
    ],
  };
}

/** Panels of true posterior vs MAPA density at the test points with the 10%, 50%, 90% quantiles of the true posterior mean (1-D latents). */
function densityPanels(ds: SyntheticDataset, post: MapaPosterior, trueMean: Float64Array): DensityPanel[] {
  const grid = latentGrid(1, 601, 4);
  const f = ds.decoder(grid.points);
  const order = Array.from(trueMean.keys()).sort((a, b) => (ds.injective ? trueMean[a] - trueMean[b] : ds.testZ[a] ** 2 - ds.testZ[b] ** 2));
  const step = grid.points[1] - grid.points[0];
  const sign = Math.sign(correlation(post.posteriorMean(ds.test), ds.injective ? trueMean : ds.testZ.map(Math.abs))) || 1;
  return [0.1, 0.5, 0.9].map((qt) => {
    const i = order[Math.floor(qt * (order.length - 1))];
    const x = ds.test.subarray(i * ds.obsDim, (i + 1) * ds.obsDim);
    const lp = Float64Array.from({ length: grid.size }, (_, g) => {
      let sq = 0;
      for (let o = 0; o < ds.obsDim; o++) sq += (x[o] - f[g * ds.obsDim + o]) ** 2;
      return grid.logWeights[g] - sq / (2 * ds.noiseStd ** 2);
    });
    const mx = Math.max(...lp);
    const p = lp.map((v) => Math.exp(v - mx));
    const Z = p.reduce((s, v) => s + v, 0) * step;
    const a = runtime().arena;
    const m = a.mark();
    const zs = Tensor.from(grid.points.map((z) => sign * z), [grid.size, 1]);
    const q = post.logProb(zs, Float64Array.from(x)).toFloat64Array().map(Math.exp);
    a.restore(m);
    return {
      row: ds.name,
      col: `test point at ${Math.round(qt * 100)}% quantile`,
      x: Array.from(grid.points),
      curves: [{ name: "true posterior", y: p.map((v) => v / Z) }, { name: "MAPA", y: q }],
    };
  });
}

registerExperiment({
  name: "mapa-posterior",
  title: "MAPA vs the true posterior: posterior means against x and densities at test points",
  description:
    "MAPA (our construction: index posterior + spectral code assignment, docs/mapa.md) is computed from the training data alone; its posterior means on test points are compared with the true posterior means by quadrature " +
    "(and with a joint VAE's encoder), after the alignment that the non-identifiable latent requires (sign in 1-D, affine in 2-D); on the bimodal fold with the trend of |z|.",
  settings: MAPA_POSTERIOR_SETTING_SPECS,
  iterations: { unsupported: "MAPA has no training loop; the encoder it is compared with trains for --set encoderEpochs=<n> epochs (default 100, quick 0)" },
  run,
});
