import { assertInteger } from "../core/errors.js";
import { Rng } from "../core/rng.js";
import type { Dataset } from "../infer/families/dataset.js";
import { importanceLogWeights } from "../infer/objectives/importance-weighted.js";
import { asEngineModel } from "../model/engine-model.js";
import type { ProbModel } from "../model/model.js";
import type { Proposal } from "../models/guide.js";
import type { Model } from "../models/model.js";

/** An estimate with its Monte Carlo standard error. */
export interface Estimate {
  value: number;
  se: number;
}

/** Per-datapoint values and their mean over the datapoints, each with its Monte Carlo standard error. */
export interface PerDatapoint {
  values: Float64Array;
  se: Float64Array;
  /** Mean over the datapoints (nats per datapoint) and its standard error. */
  mean: Estimate;
}

export function summarize(values: Float64Array, se: Float64Array): PerDatapoint {
  const n = values.length;
  let m = 0;
  let v = 0;
  for (let i = 0; i < n; i++) {
    m += values[i] / n;
    v += (se[i] * se[i]) / (n * n);
  }
  return { values, se, mean: { value: m, se: Math.sqrt(v) } };
}

/**
 * ELBO per datapoint, (1/S) sum_s [log p(x_n, z_s) - log q(z_s | x_n)],
 * z_s ~ q, with its standard error sd_s / sqrt(S) (no gradient).
 */
export function elboStats(modelIn: Model | ProbModel, guide: Proposal, data: Dataset, { samples = 200, rng = new Rng(0) }: { samples?: number; rng?: Rng } = {}): PerDatapoint {
  assertInteger("samples", samples, 2);
  const model = asEngineModel(modelIn);
  const rows = importanceLogWeights(model, guide, data.full(), samples, rng);
  const values = new Float64Array(rows.length);
  const se = new Float64Array(rows.length);
  rows.forEach((r, n) => {
    const m = r.reduce((s, x) => s + x, 0) / r.length;
    const v = r.reduce((s, x) => s + (x - m) ** 2, 0) / (r.length - 1);
    values[n] = m;
    se[n] = Math.sqrt(v / r.length);
  });
  return summarize(values, se);
}

/**
 * log p(x_n) by importance sampling with K draws of a proposal (the IWAE
 * estimate, Burda et al. 2016: log (1/K) sum_k w_k, a lower bound in
 * expectation), with the delta-method standard error sd(w) / (sqrt(K) mean(w)).
 */
export function logLikelihoodStats(modelIn: Model | ProbModel, proposal: Proposal, data: Dataset, { K = 5000, rng = new Rng(0) }: { K?: number; rng?: Rng } = {}): PerDatapoint {
  assertInteger("K", K, 2);
  const model = asEngineModel(modelIn);
  const rows = importanceLogWeights(model, proposal, data.full(), K, rng);
  const values = new Float64Array(rows.length);
  const se = new Float64Array(rows.length);
  rows.forEach((r, n) => {
    let mx = -Infinity;
    for (const x of r) mx = Math.max(mx, x);
    let s = 0;
    let s2 = 0;
    for (const x of r) {
      const w = Math.exp(x - mx);
      s += w;
      s2 += w * w;
    }
    const mean = s / r.length;
    const variance = Math.max(0, s2 / r.length - mean * mean) * (r.length / (r.length - 1));
    values[n] = mx + Math.log(mean);
    se[n] = Math.sqrt(variance / r.length) / mean;
  });
  return summarize(values, se);
}

