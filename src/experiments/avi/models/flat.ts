import { DomainError } from "../../../core/errors.js";
import type { Rng } from "../../../core/rng.js";
import { Tensor } from "../../../core/tensor.js";
import type { Distribution } from "../../../distributions/distribution.js";
import { real, type Support } from "../../../distributions/support.js";

/**
 * The improper flat prior p(theta) ∝ 1 on the reals (avi-linear, avi-saw):
 * logProb = 0 for every value (one 0 per row), so the posterior is
 * proportional to the likelihood. It has no draws; a forward run of the
 * model (site discovery, simulating the study's data) takes the point `at`
 * instead, which is how a study fixes theta when it simulates data. Without
 * `at`, sample throws.
 */
export class Flat implements Distribution {
  readonly support: Support = real;
  readonly batchShape: readonly number[] = [1];
  readonly eventShape: readonly number[] = [];
  readonly reparameterized = false;
  readonly at: number | undefined;

  constructor({ at }: { at?: number } = {}) {
    if (at !== undefined && !Number.isFinite(at)) throw new DomainError("at", "a finite number (the value forward runs take)", String(at));
    this.at = at;
  }

  /** Not a draw: a tensor of `shape` filled with `at` (an improper prior has no draws). */
  sample(_rng: Rng, shape: readonly number[] = [1]): Tensor {
    if (this.at === undefined) {
      throw new DomainError("Flat.sample", "a Flat({ at }) whose forward runs take the value `at` (an improper flat prior has no draws)", "no `at`");
    }
    return Tensor.full(shape, this.at);
  }

  /** log p = 0 per row: Tensor [rows] of zeros for a value [rows, d] (or [rows]). */
  logProb(value: Tensor): Tensor {
    return Tensor.zeros([value.rank === 0 ? 1 : value.shape[0]]);
  }
}
