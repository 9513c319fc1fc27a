import type { Rng } from "../../../core/rng.js";
import { Tensor } from "../../../core/tensor.js";
import { add } from "../../../autodiff/ops/binary.js";
import { normalLogProb, normalRsample } from "../../../autodiff/ops/gaussian.js";
import type { Batch, LatentSite, LatentValues, Model } from "../../../models/model.js";
import { checkFinite, checkPositive, NormalMixture1D } from "./normal-mixture-1d.js";
import { continuousValue } from "./latent-values.js";

export interface GaussianGaussianOptions {
  /** Prior mean (any finite number). Default 0. */
  mu0?: number;
  /** Prior std (> 0). Default 1. */
  s0?: number;
  /** Observation noise std (> 0). Default 1. */
  s?: number;
}

/** Exact posterior of note-1: p(x | y) = N(a* y + b*, c*^2). */
export interface GaussianGaussianPosterior {
  a: number;
  b: number;
  c: number;
}

/**
 * note-1 model (amortized-inference note, model 1): p(x) = N(mu0, s0^2),
 * p(y | x) = N(x, s^2); latent "x" [B, 1], observation y [B, 1].
 */
export class GaussianGaussianModel implements Model {
  readonly name = "note-1";
  readonly latents: readonly LatentSite[] = [{ name: "x", scope: "local", dim: 1, support: { kind: "real" } }];
  readonly obsDim = 1;
  readonly mu0: number;
  readonly s0: number;
  readonly s: number;
  private readonly consts: { mu0: Tensor; logS0: Tensor; logS: Tensor };

  constructor({ mu0 = 0, s0 = 1, s = 1 }: GaussianGaussianOptions = {}) {
    checkFinite("mu0", mu0);
    checkPositive("s0", s0);
    checkPositive("s", s);
    this.mu0 = mu0;
    this.s0 = s0;
    this.s = s;
    this.consts = {
      mu0: Tensor.scalar(mu0, "persistent"),
      logS0: Tensor.scalar(Math.log(s0), "persistent"),
      logS: Tensor.scalar(Math.log(s), "persistent"),
    };
  }

  /** log p(x, y) = log N(x; mu0, s0^2) + log N(y; x, s^2) -> [B]. */
  logJoint(values: LatentValues, batch: Batch): Tensor {
    const x = continuousValue(values, "x", batch);
    const { mu0, logS0, logS } = this.consts;
    return add(normalLogProb(x, mu0, logS0), normalLogProb(batch.obs, x, logS));
  }

  /** log p(y | x) = log N(y; x, s^2) -> [B] (the importance weight of sampling from the prior). */
  logLikelihood(values: LatentValues, batch: Batch): Tensor {
    return normalLogProb(batch.obs, continuousValue(values, "x", batch), this.consts.logS);
  }

  /** x ~ N(mu0, s0^2), y ~ N(x, s^2), n draws as [n, 1]. */
  sampleJoint(n: number, rng: Rng): { values: LatentValues; batch: Batch } {
    const { mu0, logS0, logS } = this.consts;
    const x = normalRsample(mu0, logS0, rng.normal([n, 1]));
    const y = normalRsample(x, logS, rng.normal([n, 1]));
    return { values: { x }, batch: { obs: y } };
  }

  /** a* = s0^2/(s0^2+s^2), b* = s^2 mu0/(s0^2+s^2), c* = s0 s / sqrt(s0^2+s^2). */
  get optimum(): GaussianGaussianPosterior {
    const v = this.s0 ** 2 + this.s ** 2;
    return { a: this.s0 ** 2 / v, b: (this.s ** 2 * this.mu0) / v, c: (this.s0 * this.s) / Math.sqrt(v) };
  }

  /** p(x | y) = N(a* y + b*, c*^2). */
  exactPosterior(y: number): NormalMixture1D {
    checkFinite("y", y);
    const { a, b, c } = this.optimum;
    return NormalMixture1D.normal(a * y + b, c);
  }

  /** p(y) = N(mu0, s0^2 + s^2) (the evidence). */
  evidence(): NormalMixture1D {
    return NormalMixture1D.normal(this.mu0, Math.sqrt(this.s0 ** 2 + this.s ** 2));
  }

  /** p(x) = N(mu0, s0^2). */
  prior(): NormalMixture1D {
    return NormalMixture1D.normal(this.mu0, this.s0);
  }
}
