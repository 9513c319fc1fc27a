import { resolveSettings } from "../settings.js";
import type { SettingSpec } from "../types.js";
import { exactGaussianHmm } from "./models/gaussian-hmm.js";
import { registerExperiment } from "../registry.js";
import type { RunOptions } from "../types.js";
import { SERIES_DATA, WINDOWS_SETTING, impossibilitySettings, runImpossibility, validateWindows, type ImpossibilitySettings } from "./impossibility.js";

export * from "./impossibility.js";

/** avi-hmm's settings: the chain's length and stds, and the trained window widths. */
export const HMM_SETTING_SPECS: readonly SettingSpec[] = [
  { name: "N", type: "integer", min: 2, default: { full: 100, quick: 40 }, description: "length of the simulated series" },
  { name: "initialStd", type: "number", min: 0, exclusiveMin: true, default: 1, description: "std of z_1 ~ N(0, initialStd^2)" },
  { name: "transitionStd", type: "number", min: 0, exclusiveMin: true, default: 1, description: "std of the random-walk step z_n ~ N(z_{n-1}, transitionStd^2)" },
  { name: "noiseStd", type: "number", min: 0, exclusiveMin: true, default: 1, description: "observation noise of x_n ~ N(z_n, noiseStd^2)" },
  WINDOWS_SETTING,
];

/** Settings of avi-hmm: full (N = 100, as in document 000) or quick (N = 40, few steps); N = the data's rows with --data. */
export function hmmSettings(opts: Pick<RunOptions, "quick" | "iterations" | "settings" | "data">): { N: number; model: { initialStd: number; transitionStd: number; noiseStd: number }; settings: ImpossibilitySettings } {
  const set = resolveSettings({ name: "avi-hmm", settings: HMM_SETTING_SPECS }, opts);
  return {
    N: opts.data ? opts.data.rows : set.number("N"),
    model: { initialStd: set.number("initialStd"), transitionStd: set.number("transitionStd"), noiseStd: set.number("noiseStd") },
    settings: impossibilitySettings(opts.quick, opts.iterations, set.numbers("windows")),
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
  settings: HMM_SETTING_SPECS,
  data: SERIES_DATA,
  iterations: "Adam steps of each method's fit (F-VI, Const, each window); default 20000, quick 1500",
  validate: validateWindows,
  async run(opts, ctx) {
    const { N, model, settings } = hmmSettings(opts);
    return runImpossibility(
      { label: "Gaussian random-walk HMM", model: exactGaussianHmm({ N, ...model }), settings, modelSettings: model },
      opts,
      ctx,
    );
  },
});
