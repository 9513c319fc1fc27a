import { add } from "../../../autodiff/ops/binary.js";
import { normalLogProb } from "../../../autodiff/ops/gaussian.js";
import { scale } from "../../../autodiff/ops/unary.js";
import { DomainError, ShapeError, assertInteger, assertPositive } from "../../../core/errors.js";
import type { Rng } from "../../../core/rng.js";
import { Tensor } from "../../../core/tensor.js";
import { Dataset } from "../../../infer/families/dataset.js";
import type { Batch, LatentSite, LatentValues, Model } from "../../../models/model.js";
import { continuousLatent } from "./latent-values.js";

export interface SawModelOptions {
  /** Gain a. Default: 0.75. */
  a?: number;
  /** theta used by simulate (flat prior). Default: 3.4159. */
  theta?: number;
}

/**
 * avi-saw (Margossian & Blei; time series, expanded domain): x_0 = 0,
 * z_n ~ N(x_{n-1}, 1), x_n ~ N(a (z_n + theta), 1), flat prior on theta.
 * The optimal q(z_n) depends on (x_{n-1}, x_n): x_{n-1} comes in as
 * batch.context, and amortization needs the window (x_{n-1}, x_n).
 */
export class SawModel implements Model {
  readonly name = "avi-saw";
  readonly latents: readonly LatentSite[] = [
    { name: "theta", scope: "global", dim: 1, support: { kind: "real" } },
    { name: "z", scope: "local", dim: 1, support: { kind: "real" } },
  ];
  readonly obsDim = 1;
  readonly a: number;
  readonly theta: number;
  private readonly zero = Tensor.scalar(0, "persistent");

  constructor({ a = 0.75, theta = 3.4159 }: SawModelOptions = {}) {
    assertPositive("a", a);
    if (!Number.isFinite(theta)) throw new DomainError("theta", "a finite number", String(theta));
    [this.a, this.theta] = [a, theta];
  }

  /** log N(z_n; x_{n-1}, 1) + log N(x_n; a (z_n + theta), 1), [B]; x_{n-1} = batch.context. */
  logJoint(values: LatentValues, batch: Batch): Tensor {
    const B = batch.obs.rows;
    const z = continuousLatent(values, "z", B);
    const theta = continuousLatent(values, "theta", 1);
    if (!batch.context || batch.context.rows !== B || batch.context.cols !== 1) {
      throw new ShapeError("batch.context", `x_{n-1} as a [${B}, 1] tensor (build the data with sawDataset)`, batch.context ? `shape [${batch.context.shape}]` : "none");
    }
    return add(normalLogProb(z, batch.context, this.zero), normalLogProb(batch.obs, scale(add(z, theta), this.a), this.zero));
  }

  /** The series x_1..x_N (and z) simulated from the model with its theta. */
  simulate(N: number, rng: Rng): { x: Float64Array; z: Float64Array } {
    assertInteger("N", N, 1);
    const e = rng.normal([2 * N]).toFloat64Array();
    const x = new Float64Array(N);
    const z = new Float64Array(N);
    let prev = 0;
    for (let n = 0; n < N; n++) {
      z[n] = prev + e[2 * n];
      x[n] = this.a * (z[n] + this.theta) + e[2 * n + 1];
      prev = x[n];
    }
    return { x, z };
  }

  /** Per-datapoint constant of the -ELBO (1/2 log 2 pi), dropped by the study's "-ELBO without constants". */
  get negElboConstantPerDatapoint(): number {
    return 0.5 * Math.log(2 * Math.PI);
  }
}

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
