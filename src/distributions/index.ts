// Distributions sharing one small interface (sample, rsample, logProb, entropy) and closed-form KL.
export type { Distribution, ParamInput } from "./distribution.js";
export { Normal, DiagNormal } from "./normal.js";
export { MultivariateNormal } from "./multivariate-normal.js";
export { LogNormal } from "./log-normal.js";
export { Gamma } from "./gamma.js";
export { Beta } from "./beta.js";
export { Dirichlet } from "./dirichlet.js";
export { Categorical } from "./categorical.js";
export { Bernoulli } from "./bernoulli.js";
export { Poisson } from "./poisson.js";
export { MixtureOfNormals } from "./mixture.js";
export { Uniform } from "./uniform.js";
export { Laplace } from "./laplace.js";
export { StudentT } from "./student-t.js";
export { kl } from "./kl.js";
