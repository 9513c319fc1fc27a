// What a live view of a run shows: q(site | x_n) against the exact
// posterior at a few datapoints, as numbers on a grid (the page draws them).
import { noGrad } from "../autodiff/tape.js";
import type { Rng } from "../core/rng.js";
import { tidy } from "../core/scope.js";
import { Tensor } from "../core/tensor.js";
import type { Dataset } from "../infer/families/dataset.js";
import type { Support } from "../distributions/support.js";
import type { Guide } from "../models/guide.js";
import type { JobModel } from "./models.js";

/** q and the exact posterior of the plotted site's first coordinate at one datapoint. */
export interface PosteriorPoint {
  /** The datapoint n (row of the observations). */
  readonly row: number;
  readonly observation: readonly number[];
  readonly grid: readonly number[];
  /** q's density on the grid: exp log q (a model with one 1-D latent site) or a histogram of the draws. */
  readonly q: readonly number[];
  readonly qDensity: "exact" | "histogram";
  /** Mean and std of the draws from q. */
  readonly qMean: number;
  readonly qStd: number;
  /** The exact posterior density on the grid, its mean and std, when the model has a closed form. */
  readonly exact: readonly number[] | null;
  readonly exactMean: number | null;
  readonly exactStd: number | null;
}

export interface PosteriorView {
  readonly site: string;
  readonly points: readonly PosteriorPoint[];
}

export interface ViewOptions {
  /** Draws from q per datapoint. Default 2000. */
  draws?: number;
  /** Grid points. Default 121. */
  gridSize?: number;
}

/**
 * q(site | x_n) at each datapoint of `rows`: `draws` draws from the guide
 * (from `rng`, never the training generator, outside any recorded step) give
 * q's mean and std and the grid's range (with the exact posterior's); q's
 * density is exp(guide.logProb) on the grid when the site is the model's only
 * latent and 1-D, else a histogram of the draws (about sqrt(draws) bins).
 */
export function posteriorView(guide: Guide, jm: JobModel, data: Dataset, rows: readonly number[], rng: Rng, { draws = 2000, gridSize = 121 }: ViewOptions = {}): PosteriorView {
  const site = jm.plotSite;
  const observations = data.values();
  const onlySite = jm.engine.latents.length === 1 && site.dim === 1;
  const points = rows.filter((r) => r >= 0 && r < data.N).map((row) => noGrad(() => tidy(() => {
    const observation = Array.from(observations.subarray(row * data.D, (row + 1) * data.D));
    const draw = guide.sample(data.batch(new Int32Array(draws).fill(row)), rng).values[site.name];
    const x = draw instanceof Tensor ? column0(draw) : Float64Array.from(draw);
    const qMean = x.reduce((a, b) => a + b, 0) / x.length;
    const qStd = Math.sqrt(x.reduce((a, b) => a + (b - qMean) ** 2, 0) / Math.max(1, x.length - 1));
    const exact = jm.exactPosterior?.(observation) ?? null;
    let lo = qMean - 4 * qStd;
    let hi = qMean + 4 * qStd;
    if (exact) {
      exact.means.forEach((m, k) => {
        lo = Math.min(lo, m - 4 * exact.stds[k]);
        hi = Math.max(hi, m + 4 * exact.stds[k]);
      });
    }
    if (!(hi > lo)) [lo, hi] = [qMean - 1, qMean + 1];
    // within the site's support (a positive or interval site's density is 0 outside it)
    const [low, high] = bounds(site.support);
    [lo, hi] = [Math.max(lo, low), Math.min(hi, high)];
    // a histogram gets about sqrt(draws) bins (its noise per bin ~ 1 / sqrt(count))
    const G = onlySite ? gridSize : Math.min(gridSize, Math.max(11, Math.round(Math.sqrt(draws))));
    const h = (hi - lo) / (G - 1);
    const grid = Array.from({ length: G }, (_, i) => lo + i * h);
    let q: number[];
    if (onlySite) {
      // the support's open ends: no density evaluated on a boundary point
      const inside = grid.map((v, i) => i).filter((i) => grid[i] > low && grid[i] < high);
      const logQ = guide.logProb({ [site.name]: Tensor.from(inside.map((i) => grid[i]), [inside.length, 1]) }, data.batch(new Int32Array(inside.length).fill(row))).toArray();
      q = new Array<number>(G).fill(0);
      inside.forEach((i, j) => (q[i] = Math.exp(logQ[j])));
    } else {
      q = new Array<number>(G).fill(0);
      for (const v of x) {
        const i = Math.round((v - lo) / h);
        if (i >= 0 && i < G) q[i] += 1 / (x.length * h);
      }
    }
    return {
      row, observation, grid, q, qDensity: onlySite ? "exact" as const : "histogram" as const, qMean, qStd,
      exact: exact ? exact.density(grid) : null, exactMean: exact ? exact.mean : null, exactStd: exact ? exact.std : null,
    };
  })));
  return { site: site.name, points };
}

/** The open range of a continuous support's values (the first coordinate). */
function bounds(support: Support): [number, number] {
  if (support.kind === "positive") return [0, Infinity];
  if (support.kind === "interval") return [support.low, support.high];
  if (support.kind === "simplex") return [0, 1];
  return [-Infinity, Infinity];
}

/** The first column of a [rows, d] tensor. */
function column0(t: Tensor): Float64Array {
  const v = t.view();
  const d = t.rank === 2 ? t.cols : 1;
  const out = new Float64Array(t.size / d);
  for (let i = 0; i < out.length; i++) out[i] = v[i * d];
  return out;
}
