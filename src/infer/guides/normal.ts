import { ShapeError } from "../../core/errors.js";
import type { Rng } from "../../core/rng.js";
import { Tensor } from "../../core/tensor.js";
import { runtime } from "../../core/runtime.js";
import { noGrad } from "../../autodiff/tape.js";
import { normalLogProb, normalRsample } from "../../autodiff/ops/gaussian.js";
import type { Batch, LatentValues } from "../../models/model.js";
import type { ParamStore } from "../../nn/param-store.js";
import type { Guide, GuideSample } from "../../models/guide.js";

/** Mean and log-std of q(site | x) for a batch: mean [B, dim], logStd [B, dim] or one row / [1]. */
export type NormalHead = (batch: Batch) => { mean: Tensor; logStd: Tensor };

/** The Tensor value of continuous site `name` (ShapeError if absent or categorical). */
export function tensorValue(values: LatentValues, name: string): Tensor {
  const v = values[name];
  if (!(v instanceof Tensor)) throw new ShapeError(`values.${name}`, "a Tensor", v === undefined ? "nothing" : "an Int32Array");
  return v;
}

/** Runs fn(y as [n, 1]) without recording, inside an arena scope; fn must copy out what it keeps. */
export function evaluateAt<T>(ys: readonly number[], fn: (obs: Tensor) => T): T {
  const rt = runtime();
  const mark = rt.arena.mark();
  try {
    return noGrad(() => fn(Tensor.from(ys, [ys.length, 1], "arena", rt, "ys")));
  } finally {
    rt.arena.restore(mark);
  }
}

/**
 * Gaussian guide q(site | x) = N(mean(x), exp(logStd(x))^2) for one continuous
 * site, reparameterized: site = mean + exp(logStd) eps, eps ~ N(0, I).
 * The head maps a batch to (mean, logStd): affine maps, MLPs, ...
 */
export class NormalGuide implements Guide {
  readonly params: readonly ParamStore[];

  constructor(
    readonly site: string,
    store: ParamStore,
    readonly head: NormalHead,
  ) {
    this.params = [store];
  }

  sample(batch: Batch, rng: Rng, given?: LatentValues): GuideSample {
    const { mean, logStd } = this.head(batch);
    const value = given?.[this.site] !== undefined ? tensorValue(given, this.site) : normalRsample(mean, logStd, rng.normal(mean.shape));
    return { values: { [this.site]: value }, logQ: normalLogProb(value, mean, logStd), logQScore: null };
  }

  /** log q(site | x) = log N(values[site]; mean(x), std(x)^2) summed over dims -> [B]. */
  logProb(values: LatentValues, batch: Batch): Tensor {
    const { mean, logStd } = this.head(batch);
    return normalLogProb(tensorValue(values, this.site), mean, logStd);
  }

  /** Mean and std of q(site | y) (first dim) at each scalar observation y (evaluation, no gradient). */
  moments(ys: readonly number[]): { mean: number[]; std: number[] } {
    return evaluateAt(ys, (obs) => {
      const { mean, logStd } = this.head({ obs });
      const m = mean.toRows().map((r) => r[0]);
      const ls = logStd.size === 1 ? ys.map(() => logStd.item()) : logStd.toRows().map((r) => r[0]);
      return { mean: m, std: ls.map(Math.exp) };
    });
  }
}
