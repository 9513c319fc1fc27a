import { Rng } from "../../src/core/rng.js";
import { MapaPosterior } from "../../src/infer/mapa/posterior.js";
import { Dataset } from "../../src/infer/families/dataset.js";
import { elbo } from "../../src/infer/objectives/elbo.js";
import { iwaeBound } from "../../src/infer/objectives/importance-weighted.js";
import { reweightedWakeSleep } from "../../src/infer/objectives/wake-sleep.js";
import type { Objective } from "../../src/infer/objectives/objective.js";
import type { Tensor } from "../../src/core/tensor.js";
import { add, sub } from "../../src/autodiff/ops/binary.js";
import { sum } from "../../src/autodiff/ops/reduce.js";
import { log, scale, shift, sqrt } from "../../src/autodiff/ops/unary.js";
import { guideOnly, modelOnly, updating } from "../../src/train/schedules/joint.js";
import { aggressive } from "../../src/train/schedules/aggressive.js";
import { wakeSleep } from "../../src/train/schedules/wake-sleep.js";
import { vae, type VAE } from "../../src/infer/vae.js";
import { fit, type FitOptions, type FitResult } from "../../src/train/fit.js";

/** A tiny known-truth data set: z ~ N(0, 1), x = (z, sin(2 z)) + N(0, 0.1^2 I) in R^2, seeded. */
export function curveData(n: number, seed: number): number[][] {
  const rng = new Rng(seed);
  const e = rng.normal([n, 3]).toRows();
  return e.map(([z, a, b]) => [z + 0.1 * a, Math.sin(2 * z) + 0.1 * b]);
}

/** A small VAE for curveData: 2-H-H-2, Z = 1. */
export function smallVae(seed = 3, hidden = 32): VAE {
  return vae({ obsDim: 2, latentDim: 1, hidden, rng: seed });
}

/** fit of a VAE (model and encoder) on rows, the negative ELBO per datapoint by default. */
export function fitVae(v: VAE, rows: number[][], options: Partial<FitOptions> = {}): FitResult {
  return fit({ model: v.model, guide: v.guide, objective: elbo({ scale: "datapoint" }), data: new Dataset(rows, { dim: 2 }), ...options });
}

/** MAPA built from the rows (1-D latent): the library's fixed posterior, no parameters. */
export function mapaOf(rows: number[][], seed = 1): MapaPosterior {
  return MapaPosterior.fit(Float64Array.from(rows.flat()), rows[0].length, 1, new Rng(seed));
}

/** A fault to inject at one loss evaluation: a NaN or -Inf loss, or a finite loss whose gradient is NaN in one parameter. */
export type Fault = "nan-loss" | "inf-loss" | { nanGradientOf: () => Tensor };

/**
 * `inner` with faults injected by evaluation number (1-based, counted in
 * `calls`, which several wrapped objectives may share): the loss becomes
 * NaN / -Inf, or gains a term 0 * sqrt(t - t) whose value is 0 and whose
 * gradient is 0 / 0 = NaN in every entry of t (a "gradient hook").
 */
export function faulty(inner: Objective, calls: { n: number }, faults: ReadonlyMap<number, Fault>): Objective {
  return {
    name: inner.name,
    drawsPerDatapoint: inner.drawsPerDatapoint,
    start: () => inner.start?.(),
    getState: inner.getState ? () => inner.getState!() : undefined,
    setState: inner.setState ? (s) => inner.setState!(s) : undefined,
    loss(ctx) {
      const l = inner.loss(ctx);
      const f = faults.get(++calls.n);
      if (f === undefined) return l;
      if (f === "nan-loss") return sqrt(shift(scale(l, 0), -1));
      if (f === "inf-loss") return log(scale(l, 0));
      const t = f.nanGradientOf();
      return add(l, scale(sum(sqrt(sub(t, t))), 0));
    },
  };
}

/** The schedules of fit, each as a factory of fresh objects (schedule state lives in them), with its objectives wrapped by `wrap`. */
export interface ScheduleCase {
  name: string;
  /** Loss evaluations of one outer step (while aggressive is active). */
  updatesPerStep: number;
  make(wrap: (o: Objective) => Objective): Partial<FitOptions> & { objective: Objective };
}

export const heldOutCurve = new Dataset(curveData(100, 2), { dim: 2 });

export const SCHEDULE_CASES: readonly ScheduleCase[] = [
  { name: "joint", updatesPerStep: 1, make: (w) => ({ objective: w(elbo({ scale: "datapoint" })) }) },
  { name: "guideOnly", updatesPerStep: 1, make: (w) => ({ objective: w(elbo({ scale: "datapoint" })), schedule: guideOnly() }) },
  { name: "modelOnly", updatesPerStep: 1, make: (w) => ({ objective: w(iwaeBound({ particles: 3 })), schedule: modelOnly() }) },
  { name: "updating", updatesPerStep: 1, make: (w) => ({ objective: w(elbo({ scale: "datapoint", samples: 2 })), schedule: updating("both", "custom") }) },
  { name: "aggressive", updatesPerStep: 4, make: (w) => ({ objective: w(elbo({ scale: "datapoint" })), schedule: aggressive({ maxInner: 3, block: 10 }), heldOut: heldOutCurve }) },
  {
    name: "wakeSleep",
    updatesPerStep: 2,
    make: (w) => ({ objective: w(iwaeBound({ particles: 3 })), schedule: wakeSleep({ sleep: w(reweightedWakeSleep({ particles: 3, alpha: 1 })) }) }),
  },
];
