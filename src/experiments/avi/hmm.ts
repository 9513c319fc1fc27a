import { exactGaussianHmm } from "./models/gaussian-hmm.js";
import { registerExperiment } from "../registry.js";
import type { RunOptions } from "../types.js";
import { impossibilitySettings, runImpossibility, type ImpossibilitySettings } from "./impossibility.js";

export * from "./impossibility.js";

/** Settings of avi-hmm: full (N = 100, as in document 000) or quick (N = 40, few steps). */
export function hmmSettings(opts: Pick<RunOptions, "quick" | "iterations">): { N: number; settings: ImpossibilitySettings } {
  const quick = opts.quick;
  return {
    N: quick ? 40 : 100,
    settings: impossibilitySettings(quick, opts.iterations),
  };
}

registerExperiment({
  name: "avi-hmm",
  title: "A-VI cannot match F-VI on a hidden Markov model (Gaussian random walk), document 000",
  description:
    "z_1 ~ N(0,1), z_n ~ N(z_{n-1}, 1), x_n ~ N(z_n, 1), N = 100. The F-VI optimum (exact posterior means, solved in closed form) " +
    "depends on the whole series: (a) equal x_n get different optimal means, (b) with all x_n equal the optimal means still vary " +
    "with n, so neither f(x_n) nor any fixed window reaches it; (c) F-VI, Const and A-VI on windows of width 1, 3, 5, ... are trained " +
    "and their exact gaps and KL to the posterior reported.",
  async run(opts, ctx) {
    const { N, settings } = hmmSettings(opts);
    return runImpossibility(
      { label: "Gaussian random-walk HMM", model: exactGaussianHmm({ N }), settings, modelSettings: { initialStd: 1, transitionStd: 1, noiseStd: 1 } },
      opts,
      ctx,
    );
  },
});
