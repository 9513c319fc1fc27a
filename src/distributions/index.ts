// Distributions sharing one small interface (sample, rsample, logProb, entropy) and closed-form KL.
export type { Distribution, ParamInput } from "./distribution.js";
export { Normal, DiagNormal } from "./normal.js";
export { Categorical } from "./categorical.js";
export { Bernoulli } from "./bernoulli.js";
export { MixtureOfNormals } from "./mixture.js";
export { kl } from "./kl.js";
