import { DomainError } from "../core/errors.js";
import type { Tensor } from "../core/tensor.js";
import { bernoulliKL, normalKL } from "../autodiff/ops/gaussian.js";
import { categoricalKL } from "../autodiff/ops/categorical.js";
import { Bernoulli } from "./bernoulli.js";
import { Beta, betaKL } from "./beta.js";
import { Categorical } from "./categorical.js";
import { Dirichlet, dirichletKL } from "./dirichlet.js";
import type { Distribution } from "./distribution.js";
import { Gamma, gammaKL } from "./gamma.js";
import { Laplace, laplaceKL } from "./laplace.js";
import { LogNormal, logNormalKL } from "./log-normal.js";
import { MultivariateNormal, multivariateNormalKL } from "./multivariate-normal.js";
import { DiagNormal, Normal } from "./normal.js";
import { Poisson, poissonKL } from "./poisson.js";
import { Uniform, uniformKL } from "./uniform.js";

type Class<T> = abstract new (...args: never[]) => T;

/** One closed-form pair: p and q of the same family. */
interface Pair<T extends Distribution> {
  family: Class<T>;
  kl: (p: T, q: T) => Tensor;
}

const pair = <T extends Distribution>(family: Class<T>, f: (p: T, q: T) => Tensor): Pair<Distribution> =>
  ({ family, kl: f }) as unknown as Pair<Distribution>;

/** The closed forms, each next to its family (see the files for the formulas). */
const PAIRS: readonly Pair<Distribution>[] = [
  pair(Normal, (p, q) => normalKL(p.mean, p.logStd, q.mean, q.logStd, { elementwise: true })),
  pair(DiagNormal, (p, q) => normalKL(p.mean, p.logStd, q.mean, q.logStd)),
  pair(MultivariateNormal, multivariateNormalKL),
  pair(LogNormal, logNormalKL),
  pair(Gamma, gammaKL),
  pair(Beta, betaKL),
  pair(Dirichlet, dirichletKL),
  pair(Laplace, laplaceKL),
  pair(Uniform, uniformKL),
  pair(Poisson, poissonKL),
  pair(Categorical, (p, q) => categoricalKL(p.logits, q.logits)),
  pair(Bernoulli, (p, q) => bernoulliKL(p.logits, q.logits)),
];

/**
 * KL(p || q) in closed form for p and q of the same family, differentiable
 * w.r.t. both: elementwise families (Normal, LogNormal, Gamma, Beta, Laplace,
 * Uniform, Poisson) keep the broadcast parameter shape; DiagNormal, Bernoulli
 * (summed over the event), MultivariateNormal, Dirichlet and Categorical
 * give [B]. Other pairs throw DomainError naming q (estimate them by Monte
 * Carlo: logProb of samples).
 */
export function kl(p: Distribution, q: Distribution): Tensor {
  for (const { family, kl: f } of PAIRS) {
    if (p.constructor === family && q.constructor === family) return f(p, q);
  }
  throw new DomainError(
    "q",
    `a pair with a closed-form KL (the same family, one of ${PAIRS.map((c) => c.family.name).join(", ")})`,
    `${p.constructor.name}-${q.constructor.name}`,
  );
}
