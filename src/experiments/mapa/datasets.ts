/**
 * Low-dimensional synthetic data with a known generating model, for the
 * MAPA study (issue 6): z ~ N(0, I_d) (d = 1 or 2), x = f(z) + N(0, s^2 I_D),
 * f a fixed smooth map. Because f and s are exposed, the true log-likelihood
 * log p(x) and the true posterior p(z | x) are computable by quadrature on a
 * latent grid (trueLogLikelihood, truePosteriorMean).
 */
import { DomainError, UnknownNameError, assertInteger, assertPositive } from "../../core/errors.js";
import { Rng } from "../../core/rng.js";

/** The synthetic data sets: a 2-D spiral, a random tanh MLP (1-D and 2-D latent), a fold with bimodal posteriors. */
export const SYNTHETIC_NAMES = ["spiral", "mlp", "mlp-2d", "fold"] as const;
export type SyntheticName = (typeof SYNTHETIC_NAMES)[number];

/** A true decoder: rows of z (flat [M, latentDim]) -> rows of f(z) (flat [M, obsDim]). */
export type TrueDecoder = (z: Float64Array) => Float64Array;

export interface SyntheticDataset {
  name: SyntheticName;
  latentDim: number;
  obsDim: number;
  /** Observation noise s of x = f(z) + N(0, s^2 I). */
  noiseStd: number;
  /** The true map f. */
  decoder: TrueDecoder;
  /** Whether f is injective (false: posteriors are bimodal). */
  injective: boolean;
  /** Flat row-major [nTrain, obsDim], [nTrain, latentDim], [nTest, obsDim], [nTest, latentDim]. */
  train: Float64Array;
  trainZ: Float64Array;
  test: Float64Array;
  testZ: Float64Array;
  nTrain: number;
  nTest: number;
}

export interface SyntheticOptions {
  nTrain?: number;
  nTest?: number;
  noiseStd?: number;
}

/** Seed of the fixed random MLP maps: f is part of the data set's definition, not of a run. */
const MLP_SEED = 20190501;

/** x = r(t) (cos t, sin t), r = 0.3 t, t = 1 + 1.5 pi (1 + tanh(z / 2)): one and a half turns, monotone in z. */
function spiral(z: Float64Array): Float64Array {
  const out = new Float64Array(z.length * 2);
  for (let i = 0; i < z.length; i++) {
    const t = 1 + 1.5 * Math.PI * (1 + Math.tanh(z[i] / 2));
    out[2 * i] = 0.3 * t * Math.cos(t);
    out[2 * i + 1] = 0.3 * t * Math.sin(t);
  }
  return out;
}

/** x = (z^2 - 1, sin(z^2)): even in z, so p(z | x) has modes at +-|z|. */
function fold(z: Float64Array): Float64Array {
  const out = new Float64Array(z.length * 2);
  for (let i = 0; i < z.length; i++) {
    const q = z[i] * z[i];
    out[2 * i] = q - 1;
    out[2 * i + 1] = Math.sin(q);
  }
  return out;
}

/** f(z) = W2 tanh(W1 z + b1) + b2 with fixed seeded weights (hidden 16, output D); gain chosen so |df/dz| is O(1). */
function randomTanhMlp(latentDim: number, obsDim: number, seed: number): TrueDecoder {
  const H = 16;
  const rng = new Rng(seed);
  const mark = rng.rt.arena.mark();
  const W1 = rng.normal([latentDim * H]).toFloat64Array().map((v) => 1.2 * v);
  const b1 = rng.normal([H]).toFloat64Array().map((v) => 0.5 * v);
  const W2 = rng.normal([H * obsDim]).toFloat64Array().map((v) => v / Math.sqrt(H / 2));
  rng.rt.arena.restore(mark);
  return (z) => {
    const M = z.length / latentDim;
    const out = new Float64Array(M * obsDim);
    const h = new Float64Array(H);
    for (let m = 0; m < M; m++) {
      for (let j = 0; j < H; j++) {
        let a = b1[j];
        for (let d = 0; d < latentDim; d++) a += z[m * latentDim + d] * W1[d * H + j];
        h[j] = Math.tanh(a);
      }
      for (let o = 0; o < obsDim; o++) {
        let a = 0;
        for (let j = 0; j < H; j++) a += h[j] * W2[j * obsDim + o];
        out[m * obsDim + o] = a;
      }
    }
    return out;
  };
}

function definition(name: SyntheticName): { latentDim: number; obsDim: number; decoder: TrueDecoder; injective: boolean } {
  switch (name) {
    case "spiral":
      return { latentDim: 1, obsDim: 2, decoder: spiral, injective: true };
    case "fold":
      return { latentDim: 1, obsDim: 2, decoder: fold, injective: false };
    case "mlp":
      return { latentDim: 1, obsDim: 10, decoder: randomTanhMlp(1, 10, MLP_SEED), injective: true };
    case "mlp-2d":
      return { latentDim: 2, obsDim: 10, decoder: randomTanhMlp(2, 10, MLP_SEED + 1), injective: true };
  }
}

/** Draws a synthetic data set (train and test) with the seed's Rng: z ~ N(0, I), x = f(z) + s eps. */
export function syntheticDataset(name: SyntheticName, seed: number, options: SyntheticOptions = {}): SyntheticDataset {
  if (!SYNTHETIC_NAMES.includes(name)) {
    throw new UnknownNameError("name", `one of ${SYNTHETIC_NAMES.join(", ")}`, JSON.stringify(name));
  }
  const nTrain = options.nTrain ?? 2000;
  const nTest = options.nTest ?? 1000;
  const noiseStd = options.noiseStd ?? 0.1;
  assertInteger("nTrain", nTrain, 2);
  assertInteger("nTest", nTest, 1);
  assertPositive("noiseStd", noiseStd);
  const def = definition(name);
  const rng = new Rng(seed);
  const draw = (n: number) => {
    const z = rng.normal([n * def.latentDim]).toFloat64Array();
    const x = def.decoder(z);
    const eps = rng.normal([x.length]).toFloat64Array();
    for (let i = 0; i < x.length; i++) x[i] += noiseStd * eps[i];
    return { x, z };
  };
  const mark = rng.rt.arena.mark();
  const tr = draw(nTrain);
  const te = draw(nTest);
  rng.rt.arena.restore(mark);
  return { name, ...def, noiseStd, train: tr.x, trainZ: tr.z, test: te.x, testZ: te.z, nTrain, nTest };
}

/** A latent quadrature grid: points (flat [G, d]) and log weights log p(z_g) + log(cell volume). */
export interface LatentGrid {
  latentDim: number;
  points: Float64Array;
  logWeights: Float64Array;
  size: number;
}

/** Tensor-product grid over [-range, range]^d with `perDim` points per axis, weighted by the N(0, I) prior (trapezoid). */
export function latentGrid(latentDim: number, perDim = latentDim === 1 ? 4001 : 241, range = latentDim === 1 ? 6.5 : 5): LatentGrid {
  if (latentDim !== 1 && latentDim !== 2) throw new DomainError("latentDim", "1 or 2 (quadrature grid)", String(latentDim));
  assertInteger("perDim", perDim, 3);
  assertPositive("range", range);
  const step = (2 * range) / (perDim - 1);
  const axis = Array.from({ length: perDim }, (_, i) => -range + i * step);
  const size = perDim ** latentDim;
  const points = new Float64Array(size * latentDim);
  const logWeights = new Float64Array(size);
  const logCell = latentDim * Math.log(step) - 0.5 * latentDim * Math.log(2 * Math.PI);
  for (let g = 0; g < size; g++) {
    let sq = 0;
    for (let d = 0; d < latentDim; d++) {
      const v = axis[Math.floor(g / perDim ** d) % perDim];
      points[g * latentDim + d] = v;
      sq += v * v;
    }
    logWeights[g] = logCell - 0.5 * sq;
  }
  return { latentDim, points, logWeights, size };
}

/** Per row of x: log p(x) = log sum_g w_g N(x; f(z_g), s^2 I), and the posterior moments E[z | x], E[z^2 | x] on the grid. */
export interface GridPosterior {
  logLikelihood: Float64Array;
  /** Flat [n, latentDim]. */
  mean: Float64Array;
  /** Flat [n, latentDim]: E[z_d^2 | x]. */
  secondMoment: Float64Array;
}

/** Quadrature posterior of x = fGrid + N(0, diag(s^2)) over a latent grid, given f on the grid (flat [G, D]); s one number or one per dimension. */
export function gridPosterior(grid: LatentGrid, fGrid: Float64Array, noiseStd: number | ArrayLike<number>, x: Float64Array, obsDim: number): GridPosterior {
  const stds = typeof noiseStd === "number" ? new Float64Array(obsDim).fill(noiseStd) : Float64Array.from(noiseStd);
  if (stds.length !== obsDim) throw new DomainError("noiseStd", `one number or ${obsDim} numbers`, `${stds.length} numbers`);
  stds.forEach((v, i) => assertPositive(`noiseStd[${i}]`, v));
  if (fGrid.length !== grid.size * obsDim) throw new DomainError("fGrid", `${grid.size * obsDim} values`, `${fGrid.length}`);
  const n = x.length / obsDim;
  const d = grid.latentDim;
  let logNorm = -0.5 * obsDim * Math.log(2 * Math.PI);
  stds.forEach((v) => (logNorm -= Math.log(v)));
  const inv = stds.map((v) => 1 / (2 * v * v));
  const logLikelihood = new Float64Array(n);
  const mean = new Float64Array(n * d);
  const secondMoment = new Float64Array(n * d);
  const lp = new Float64Array(grid.size);
  for (let i = 0; i < n; i++) {
    let mx = -Infinity;
    for (let g = 0; g < grid.size; g++) {
      let sq = 0;
      for (let o = 0; o < obsDim; o++) {
        const r = x[i * obsDim + o] - fGrid[g * obsDim + o];
        sq += r * r * inv[o];
      }
      const v = grid.logWeights[g] - sq;
      lp[g] = v;
      if (v > mx) mx = v;
    }
    let total = 0;
    for (let g = 0; g < grid.size; g++) {
      const w = Math.exp(lp[g] - mx);
      total += w;
      for (let k = 0; k < d; k++) {
        const z = grid.points[g * d + k];
        mean[i * d + k] += w * z;
        secondMoment[i * d + k] += w * z * z;
      }
    }
    for (let k = 0; k < d; k++) {
      mean[i * d + k] /= total;
      secondMoment[i * d + k] /= total;
    }
    logLikelihood[i] = mx + Math.log(total) + logNorm;
  }
  return { logLikelihood, mean, secondMoment };
}

/** The true model's posterior on a grid for rows of x (flat [n, obsDim]): exact log p(x), E[z | x], E[z^2 | x] by quadrature. */
export function truePosterior(ds: SyntheticDataset, x: Float64Array, grid: LatentGrid = latentGrid(ds.latentDim)): GridPosterior {
  return gridPosterior(grid, ds.decoder(grid.points), ds.noiseStd, x, ds.obsDim);
}
