import { resolveSettings } from "../settings.js";
import type { SettingSpec } from "../types.js";
import { exactGaussianProcess } from "./models/gaussian-process.js";
import { registerExperiment } from "../registry.js";
import type { RunOptions } from "../types.js";
import { SERIES_DATA, WINDOWS_SETTING, impossibilitySettings, runImpossibility, validateWindows, type ImpossibilitySettings } from "./impossibility.js";

/** avi-gp's settings: grid size, kernel, noise and the trained window widths. */
export const GP_SETTING_SPECS: readonly SettingSpec[] = [
  { name: "N", type: "integer", min: 2, default: { full: 60, quick: 30 }, description: "grid points t_n = n of the simulated series" },
  { name: "lengthScale", type: "number", min: 0, exclusiveMin: true, default: 2, description: "RBF length scale l (grid steps) of k(t, t') = v exp(-(t - t')^2 / (2 l^2))" },
  { name: "variance", type: "number", min: 0, exclusiveMin: true, default: 1, description: "kernel variance v" },
  { name: "noiseStd", type: "number", min: 0, exclusiveMin: true, default: 0.5, description: "observation noise of x_n ~ N(z_n, noiseStd^2)" },
  WINDOWS_SETTING,
];

/** Settings of avi-gp: full (N = 60 grid points) or quick (N = 30, few steps); N = the data's rows with --data. */
export function gpSettings(opts: Pick<RunOptions, "quick" | "iterations" | "settings" | "data">): { N: number; lengthScale: number; variance: number; noiseStd: number; settings: ImpossibilitySettings } {
  const set = resolveSettings({ name: "avi-gp", settings: GP_SETTING_SPECS }, opts);
  return {
    N: opts.data ? opts.data.rows : set.number("N"),
    lengthScale: set.number("lengthScale"),
    variance: set.number("variance"),
    noiseStd: set.number("noiseStd"),
    settings: impossibilitySettings(opts.quick, opts.iterations, set.numbers("windows")),
  };
}

registerExperiment({
  name: "avi-gp",
  title: "A-VI cannot match F-VI on a Gaussian process (our construction after document 000)",
  description:
    "z ~ GP(0, k) on the grid t_n = n (RBF, length scale 2 grid steps, variance 1, plus a 0.01 nugget), x_n ~ N(z_n, 0.5^2), N = 60. " +
    "The dense kernel couples every pair of locals, so the F-VI optimum (exact posterior means by Cholesky) depends on the whole " +
    "series: (a) equal x_n, different optimal means; (b) constant x, means varying with n; (c) trained F-VI / Const / window A-VI gaps.",
  settings: GP_SETTING_SPECS,
  data: SERIES_DATA,
  iterations: "Adam steps of each method's fit (F-VI, Const, each window); default 20000, quick 1500",
  validate: validateWindows,
  async run(opts, ctx) {
    const { N, lengthScale, variance, noiseStd, settings } = gpSettings(opts);
    const model = exactGaussianProcess({ N, lengthScale, variance, noiseStd });
    return runImpossibility(
      {
        label: "Gaussian process on a grid (RBF)",
        model,
        settings,
        modelSettings: { lengthScale, variance, noiseStd, jitter: model.settings.jitter },
      },
      opts,
      ctx,
    );
  },
});
