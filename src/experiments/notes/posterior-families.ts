// note-2's guides beyond the Gaussian network: autoGuide with another
// posterior family, trained by the same losses, and the readouts of any
// q(x | y) against the exact (mixture) posterior on a grid.
import { Tensor } from "../../core/tensor.js";
import type { Rng } from "../../core/rng.js";
import { autoGuide, type AutoGuide } from "../../infer/families/auto-guide.js";
import type { DensityFamily } from "../../infer/families/density.js";
import { gaussianMixture } from "../../infer/families/mixture.js";
import type { ProbModel } from "../../model/model.js";
import type { Schedule } from "../../optim/schedule.js";
import type { ProgressReporter } from "../types.js";
import { evaluateAt } from "./guide-readout.js";
import { logNormalDensity, type NormalMixture1D } from "./models/normal-mixture-1d.js";
import { trainGuide, type NoteLoss } from "./shared.js";

/** A posterior family note-2 trains with autoGuide, under a short label for headlines and figures. */
export interface NoteFamily {
  label: string;
  family: () => DensityFamily;
}

/**
 * The non-Gaussian families of note-2. Its latent x is 1-D, where an affine
 * autoregressive or coupling flow (MAF, IAF, RealNVP) is a single affine map
 * of a standard Normal, i.e. Gaussian again, so it cannot be bimodal: the
 * 2-component mixture (a mixture density network when amortized) is the
 * family here. A neural spline flow (monotone rational-quadratic spline,
 * non-affine in 1-D; Durkan et al. 2019) is one more line:
 *   { label: "spline flow", family: () => neuralSplineFlow({ ... }) }.
 */
export const NOTE2_FAMILIES: readonly NoteFamily[] = [{ label: "mixture", family: () => gaussianMixture({ components: 2 }) }];

export interface FamilyTraining {
  iterations: number;
  batchSize: number;
  lr: number;
  hidden: readonly number[];
  schedule?: Schedule;
}

/**
 * Trains autoGuide(model, { amortized: { width, depth, activation: "tanh" }, family }) for each family and loss
 * (the note's network size and budget), from generators forked off `root` at 100 + 10 j + i (guide) and
 * 200 + 10 j + i (training) for family j and loss i; forks do not advance root.
 */
export function trainFamilyGuides(o: {
  model: ProbModel;
  families: readonly NoteFamily[];
  losses: readonly NoteLoss[];
  training: FamilyTraining;
  root: Rng;
  progress?: ProgressReporter;
  label: string;
}): { label: string; loss: NoteLoss; guide: AutoGuide; finalLoss: number }[] {
  const out: { label: string; loss: NoteLoss; guide: AutoGuide; finalLoss: number }[] = [];
  o.families.forEach((f, j) => {
    o.losses.forEach((loss, i) => {
      const guide = autoGuide(o.model, {
        amortized: { width: o.training.hidden[0], depth: o.training.hidden.length, activation: "tanh" },
        family: f.family(),
        rng: o.root.fork(100 + 10 * j + i),
      });
      const finalLoss = trainGuide({
        model: o.model, guide, loss, rng: o.root.fork(200 + 10 * j + i), progress: o.progress, label: `${o.label} ${f.label} ${loss}`,
        iterations: o.training.iterations, batchSize: o.training.batchSize, lr: o.training.lr, schedule: o.training.schedule,
      });
      out.push({ label: f.label, loss, guide, finalLoss });
    });
  });
  return out;
}

/** log q(x | y) of an AutoGuide over a 1-D site at every grid point x, for one scalar observation y (no gradient). */
export function guideLogDensity(guide: AutoGuide, y: number, xs: readonly number[], site = "x"): number[] {
  return evaluateAt(
    xs.map(() => y),
    (obs) => Array.from(guide.logProb({ [site]: Tensor.from(xs, [xs.length, 1]) }, { obs }).toArray()),
  );
}

/** log N(x; mean, std^2) at every grid point. */
export function normalLogDensity(mean: number, std: number, xs: readonly number[]): number[] {
  return xs.map((x) => logNormalDensity(x, mean, std));
}

/** Trapezoid weights of an equally spaced grid. */
function trapezoid(xs: readonly number[]): number[] {
  const h = (xs[xs.length - 1] - xs[0]) / (xs.length - 1);
  return xs.map((_, i) => (i === 0 || i === xs.length - 1 ? h / 2 : h));
}

/**
 * Divergences of q from p by the trapezoid rule on an equally spaced grid of log densities:
 * TV = 1/2 int |p - q|, KL(p || q) = int p (log p - log q), KL(q || p) = int q (log q - log p).
 */
export function gridDivergences(xs: readonly number[], logP: readonly number[], logQ: readonly number[]): { tv: number; klPQ: number; klQP: number } {
  const w = trapezoid(xs);
  let tv = 0;
  let klPQ = 0;
  let klQP = 0;
  xs.forEach((_, i) => {
    const [p, q] = [Math.exp(logP[i]), Math.exp(logQ[i])];
    tv += 0.5 * w[i] * Math.abs(p - q);
    if (logP[i] > -700) klPQ += w[i] * p * (logP[i] - logQ[i]);
    if (logQ[i] > -700) klQP += w[i] * q * (logQ[i] - logP[i]);
  });
  return { tv, klPQ, klQP };
}

/**
 * Mass of q on each mode of a mixture posterior p = sum_k w_k N(m_k, s_k^2):
 * int q(x) 1[k = argmax_j w_j N(x; m_j, s_j^2)] dx (each x goes to the component
 * that explains it best), by the trapezoid rule; for q = p it is about w_k.
 */
export function modeMasses(xs: readonly number[], p: NormalMixture1D, logQ: readonly number[]): number[] {
  const w = trapezoid(xs);
  const mass = new Array(p.components).fill(0);
  xs.forEach((x, i) => {
    let best = 0;
    let bestLog = -Infinity;
    for (let k = 0; k < p.components; k++) {
      const l = Math.log(p.weights[k]) + logNormalDensity(x, p.means[k], p.stds[k]);
      if (l > bestLog) [best, bestLog] = [k, l];
    }
    mass[best] += w[i] * Math.exp(logQ[i]);
  });
  return mass;
}
