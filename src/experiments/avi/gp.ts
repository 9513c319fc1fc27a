import { exactGaussianProcess } from "./models/gaussian-process.js";
import { registerExperiment } from "../registry.js";
import type { RunOptions } from "../types.js";
import { impossibilitySettings, runImpossibility, type ImpossibilitySettings } from "./impossibility.js";

/** Settings of avi-gp: full (N = 60 grid points) or quick (N = 30, few steps). */
export function gpSettings(opts: Pick<RunOptions, "quick" | "iterations">): { N: number; lengthScale: number; noiseStd: number; settings: ImpossibilitySettings } {
  const quick = opts.quick;
  return {
    N: quick ? 30 : 60,
    lengthScale: 2,
    noiseStd: 0.5,
    settings: impossibilitySettings(quick, opts.iterations),
  };
}

registerExperiment({
  name: "avi-gp",
  title: "A-VI cannot match F-VI on a Gaussian process (our construction after document 000)",
  description:
    "z ~ GP(0, k) on the grid t_n = n (RBF, length scale 2 grid steps, variance 1, plus a 0.01 nugget), x_n ~ N(z_n, 0.5^2), N = 60. " +
    "The dense kernel couples every pair of locals, so the F-VI optimum (exact posterior means by Cholesky) depends on the whole " +
    "series: (a) equal x_n, different optimal means; (b) constant x, means varying with n; (c) trained F-VI / Const / window A-VI gaps.",
  async run(opts, ctx) {
    const { N, lengthScale, noiseStd, settings } = gpSettings(opts);
    return runImpossibility(
      {
        label: "Gaussian process on a grid (RBF)",
        model: exactGaussianProcess({ N, lengthScale, noiseStd }),
        settings,
        modelSettings: { lengthScale, variance: 1, noiseStd, jitter: 0.01 },
      },
      opts,
      ctx,
    );
  },
});
