import { DomainError, assertInteger } from "../../../core/errors.js";
import type { Rng } from "../../../core/rng.js";
import { runtime } from "../../../core/runtime.js";
import { Tensor } from "../../../core/tensor.js";
import type { ProbModel } from "../../../model/model.js";

export interface SeriesSimulationOptions {
  /** The covariate (m.data name) that holds the previous step's observation. */
  covariate: string;
  /** The observed site whose value becomes the next step's covariate. */
  from: string;
  /** The covariate's value before the first step (x_0). Default 0. */
  initial?: number;
}

/** A simulated series: each site's values over the N steps, row-major [N * dim]. */
export interface SimulatedSeries {
  observed: Record<string, Float64Array>;
  latent: Record<string, Float64Array>;
  /** Global latents (drawn at the first step, the same at every step), [dim] each. */
  global: Record<string, Float64Array>;
}

/**
 * Simulates a time series from a model whose covariate is the previous
 * observation (x_{n-1}) by per-step execution of the same model function:
 * step n runs the model forward with one row and the covariate set to step
 * n - 1's observation (`initial` before the first), so the series comes from
 * the function that also scores it. Global latents are drawn at the first
 * step and replayed at the others. Cost: N runs of one row (simulation only,
 * never in a training step).
 */
export function simulateSeries(model: ProbModel, N: number, rng: Rng, { covariate, from, initial = 0 }: SeriesSimulationOptions): SimulatedSeries {
  assertInteger("N", N, 1);
  if (!Number.isFinite(initial)) throw new DomainError("initial", "a finite number", String(initial));
  const arena = runtime().arena;
  const observed: Record<string, Float64Array> = {};
  const latent: Record<string, Float64Array> = {};
  const global: Record<string, Float64Array> = {};
  let prev: Float64Array | null = null;
  for (let n = 0; n < N; n++) {
    const mark = arena.mark();
    const givenGlobals: Record<string, Tensor> = {};
    for (const [name, v] of Object.entries(global)) givenGlobals[name] = Tensor.from(v, [1, v.length]);
    const cov = prev ?? new Float64Array([initial]);
    const draw = model.sampleJoint(1, rng, { data: { [covariate]: Tensor.from(cov, [1, cov.length]) }, values: givenGlobals });
    for (const site of draw.trace.sampleSites) {
      const v = site.value.toFloat64Array();
      if (site.scope === "global") {
        if (n === 0) global[site.name] = v;
        continue;
      }
      const out = site.observed ? observed : latent;
      (out[site.name] ??= new Float64Array(N * v.length)).set(v, n * v.length);
    }
    const next = draw.data[from];
    if (!next) throw new DomainError("from", `an observed site of model "${model.name}"`, JSON.stringify(from));
    prev = next.toFloat64Array();
    arena.restore(mark);
  }
  return { observed, latent, global };
}
