import { valueAndGrad } from "../../autodiff/tape.js";
import { DomainError, assertInteger, assertPositive } from "../../core/errors.js";
import type { Rng } from "../../core/rng.js";
import type { Model } from "../../models/model.js";
import { Adam } from "../../optim/adam.js";
import type { Schedule } from "../../optim/schedule.js";
import { negativeElbo } from "../elbo.js";
import { Minibatcher, type Dataset } from "./dataset.js";
import type { Family } from "./family.js";

export interface FitOptions {
  iterations: number;
  /** Adam learning rate. */
  lr: number;
  rng: Rng;
  /** Minibatch size B (<= N). Default: N (full batch). */
  batchSize?: number;
  /** Monte Carlo samples M per step. Default: 1. */
  samples?: number;
  schedule?: Schedule;
  /** Called every `every` iterations with the iteration count so far and the latest -ELBO estimate. */
  onProgress?: (done: number, negElbo: number) => void;
  every?: number;
}

/** What a fit recorded: the -ELBO estimate per iteration and the cost. */
export interface FitTrace {
  /** Minibatch estimate of the full-data -ELBO at each iteration. */
  negElbo: Float64Array;
  /** Gradient evaluations (optimizer steps). */
  gradientEvaluations: number;
  /** Per-datapoint gradient evaluations: steps x B x M. */
  datapointGradients: number;
  wallMs: number;
}

/** Maximizes the ELBO of `family` on `data` with Adam (reparameterized, minibatch, N/B scaling). */
export function fitFamily(model: Model, family: Family, data: Dataset, opts: FitOptions): FitTrace {
  const { iterations, lr, rng, samples = 1, every = 100 } = opts;
  assertInteger("iterations", iterations, 1);
  assertPositive("lr", lr);
  const B = opts.batchSize ?? data.N;
  if (family.N !== data.N) throw new DomainError("data", `the data set the family was built on (N = ${family.N})`, `N = ${data.N}`);
  const batches = new Minibatcher(data.N, B, rng);
  const opt = new Adam(family.params, { lr, schedule: opts.schedule });
  const negElbo = new Float64Array(iterations);
  const t0 = performance.now();
  for (let it = 0; it < iterations; it++) {
    const idx = B === data.N ? null : batches.next();
    // the batch is cut inside the pass: valueAndGrad resets the arena first
    negElbo[it] = valueAndGrad(() => negativeElbo(model, family, idx ? data.batch(idx) : data.full(), rng, { samples, dataSize: data.N }));
    opt.step();
    if (opts.onProgress && ((it + 1) % every === 0 || it + 1 === iterations)) opts.onProgress(it + 1, negElbo[it]);
  }
  return { negElbo, gradientEvaluations: iterations, datapointGradients: iterations * B * samples, wallMs: performance.now() - t0 };
}
