import { DomainError } from "../core/errors.js";
import type { Tensor } from "../core/tensor.js";
import { bernoulliKL, normalKL } from "../autodiff/ops/gaussian.js";
import { Bernoulli } from "./bernoulli.js";
import { categoricalKL } from "../autodiff/ops/categorical.js";
import { Categorical } from "./categorical.js";
import type { Distribution } from "./distribution.js";
import { DiagNormal, Normal } from "./normal.js";

/**
 * KL(p || q) in closed form, differentiable w.r.t. both: Normal-Normal
 * (elementwise), DiagNormal-DiagNormal ([B], summed over the event),
 * Categorical-Categorical and Bernoulli-Bernoulli ([B]). Other pairs throw DomainError (estimate them
 * by Monte Carlo: logProb of samples).
 */
export function kl(p: Distribution, q: Distribution): Tensor {
  if (p instanceof Normal && q instanceof Normal) {
    return normalKL(p.mean, p.logStd, q.mean, q.logStd, { elementwise: true });
  }
  if (p instanceof DiagNormal && q instanceof DiagNormal) return normalKL(p.mean, p.logStd, q.mean, q.logStd);
  if (p instanceof Categorical && q instanceof Categorical) return categoricalKL(p.logits, q.logits);
  if (p instanceof Bernoulli && q instanceof Bernoulli) return bernoulliKL(p.logits, q.logits);
  throw new DomainError(
    "q",
    "a pair with a closed-form KL (Normal-Normal, DiagNormal-DiagNormal, Categorical-Categorical, Bernoulli-Bernoulli)",
    `${p.constructor.name}-${q.constructor.name}`,
  );
}
