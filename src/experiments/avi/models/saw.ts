import { add } from "../../../autodiff/ops/binary.js";
import { scale } from "../../../autodiff/ops/unary.js";
import { DomainError, assertPositive } from "../../../core/errors.js";
import type { Rng } from "../../../core/rng.js";
import { Normal } from "../../../distributions/normal.js";
import { Dataset } from "../../../infer/families/dataset.js";
import { engineModel } from "../../../model/engine-model.js";
import { defineModel, type ProbModel } from "../../../model/model.js";
import type { Model } from "../../../models/model.js";
import { Flat } from "./flat.js";
import { simulateSeries } from "./series-simulation.js";

/** Settings of avi-saw. */
export interface SawSettings {
  /** Gain a. */
  readonly a: number;
  /** theta of forward runs (the simulated series): the prior on theta is flat, so it has no draws. */
  readonly theta: number;
}

/** The settings with the study's defaults (a = 0.75, theta = 3.4159), validated (DomainError naming the setting). */
export function sawSettings({ a = 0.75, theta = 3.4159 }: Partial<SawSettings> = {}): SawSettings {
  assertPositive("a", a);
  if (!Number.isFinite(theta)) throw new DomainError("theta", "a finite number", String(theta));
  return { a, theta };
}

/**
 * avi-saw (Margossian & Blei; time series, expanded domain): x_0 = 0,
 * z_n ~ N(x_{n-1}, 1), x_n ~ N(a (z_n + theta), 1), flat prior on theta.
 * x_{n-1} is a covariate (m.data("xPrev")): scoring reads it from the data
 * (batch.context through sawEngineModel), and the series is simulated one
 * step at a time by the same function (simulateSaw). The optimal q(z_n)
 * depends on (x_{n-1}, x_n), so amortization needs that window.
 */
export function sawModel(options: Partial<SawSettings> = {}): ProbModel {
  const { a, theta: at } = sawSettings(options);
  const flat = new Flat({ at });
  return defineModel("avi-saw", (m) => {
    const theta = m.sample("theta", flat);
    m.plate("series", () => {
      const z = m.sample("z", new Normal(m.data("xPrev"), 1));
      m.observe("x", new Normal(scale(add(z, theta), a), 1));
    });
  });
}

/** The engine's view of the saw model: batch.context holds x_{n-1} (the Dataset of sawDataset). */
export function sawEngineModel(model: ProbModel): Model {
  return engineModel(model, { context: "xPrev" });
}

/** The series x_1..x_N (and z) simulated from the model, one step at a time from x_0 = 0 (theta = the settings' theta). */
export function simulateSaw(model: ProbModel, N: number, rng: Rng): { x: Float64Array; z: Float64Array } {
  const s = simulateSeries(model, N, rng, { covariate: "xPrev", from: "x", initial: 0 });
  return { x: s.observed.x, z: s.latent.z };
}

/** Per-datapoint constant of the -ELBO (1/2 log 2 pi), dropped by the study's "-ELBO without constants". */
export const SAW_NEG_ELBO_CONSTANT = 0.5 * Math.log(2 * Math.PI);

/** A Dataset of the series x_1..x_N with context x_{n-1} (x_0 = 0). */
export function sawDataset(x: ArrayLike<number>): Dataset {
  const context = new Float64Array(x.length);
  for (let n = 1; n < x.length; n++) context[n] = x[n - 1];
  return new Dataset(x, { context });
}

/**
 * The optimal -ELBO without constants given theta at its posterior mode
 * theta^ = mean(x_n - a x_{n-1}) / a (its O(1) uncertainty term left out):
 * sum_n [ r_n^2 / (2 (1 + a^2)) + log(1 + a^2) / 2 ], r_n = x_n - a (x_{n-1} + theta^),
 * since q(z_n) = N(., 1/(1 + a^2)) is then exact. A closed-form check of F-VI.
 */
export function sawOptimalNegElbo(x: ArrayLike<number>, a: number): number {
  assertPositive("a", a);
  const N = x.length;
  let mean = 0;
  for (let n = 0; n < N; n++) mean += (x[n] - a * (n > 0 ? x[n - 1] : 0)) / N;
  let total = 0;
  for (let n = 0; n < N; n++) {
    const r = x[n] - a * (n > 0 ? x[n - 1] : 0) - mean;
    total += (r * r) / (2 * (1 + a * a)) + 0.5 * Math.log(1 + a * a);
  }
  return total;
}
