// Known-answer fixture of the calibration tests: theta ~ N(0, I_d),
// x | theta ~ N(theta, s^2 I_d), whose exact posterior is
// N(x / (1 + s^2), s^2 / (1 + s^2) I_d). `sdFactor` < 1 shrinks the posterior
// sd (an over-confident approximation), `shift` moves its mean.
import { Rng } from "../../src/core/rng.js";

export interface ConjugateDraws {
  theta: number[][];
  x: number[][];
  samples: number[][][];
  posteriorMean: number[][];
  posteriorSd: number;
}

function normals(rng: Rng, n: number): Float64Array {
  const mark = rng.rt.arena.mark();
  const z = rng.normal([n]).toFloat64Array();
  rng.rt.arena.restore(mark);
  return z;
}

export function conjugateGaussian(opts: { simulations: number; draws: number; dim?: number; noiseSd?: number; sdFactor?: number; shift?: number; seed?: number }): ConjugateDraws {
  const { simulations: N, draws: L, dim: d = 2, noiseSd: s = 0.5, sdFactor = 1, shift = 0, seed = 0 } = opts;
  const rng = new Rng(seed);
  const zt = normals(rng, N * d);
  const zx = normals(rng, N * d);
  const zs = normals(rng, N * L * d);
  const shrink = 1 / (1 + s * s);
  const posteriorSd = Math.sqrt(s * s * shrink);
  const theta: number[][] = [];
  const x: number[][] = [];
  const posteriorMean: number[][] = [];
  const samples: number[][][] = [];
  for (let i = 0; i < N; i++) {
    const t = Array.from({ length: d }, (_, k) => zt[i * d + k]);
    const xi = t.map((v, k) => v + s * zx[i * d + k]);
    const m = xi.map((v) => v * shrink);
    theta.push(t);
    x.push(xi);
    posteriorMean.push(m);
    samples.push(Array.from({ length: L }, (_, l) => m.map((mk, k) => mk + shift + sdFactor * posteriorSd * zs[(i * L + l) * d + k])));
  }
  return { theta, x, samples, posteriorMean, posteriorSd };
}

/** log N(p; m, sd^2 I) of each point. */
export function gaussianLogDensity(points: number[][], m: number[], sd: number): Float64Array {
  return Float64Array.from(points, (p) => p.reduce((s, v, k) => s - 0.5 * ((v - m[k]) / sd) ** 2 - Math.log(sd) - 0.5 * Math.log(2 * Math.PI), 0));
}
