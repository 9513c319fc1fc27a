// The sbibm tasks (Lueckmann et al. 2021) by their sbibm names.
import { UnknownNameError } from "../../../core/errors.js";
import type { Task } from "../task.js";
import { bernoulliGlm } from "./bernoulli-glm.js";
import { gaussianLinear } from "./gaussian-linear.js";
import { gaussianLinearUniform } from "./gaussian-linear-uniform.js";
import { gaussianMixture } from "./gaussian-mixture.js";
import { lotkaVolterra } from "./lotka-volterra.js";
import { sir } from "./sir.js";
import { slcp } from "./slcp.js";
import { twoMoons } from "./two-moons.js";

const FACTORIES = {
  gaussian_linear: gaussianLinear,
  gaussian_linear_uniform: gaussianLinearUniform,
  gaussian_mixture: gaussianMixture,
  two_moons: twoMoons,
  slcp,
  bernoulli_glm: bernoulliGlm,
  sir,
  lotka_volterra: lotkaVolterra,
} as const;

export type SbiTaskName = keyof typeof FACTORIES;

/** The task names, in sbibm's order of the paper's table. */
export const SBI_TASK_NAMES: readonly SbiTaskName[] = Object.freeze(Object.keys(FACTORIES) as SbiTaskName[]);

/** The task of an sbibm name (UnknownNameError naming the choices otherwise); built once, on first use. */
export function sbiTask(name: string): Task {
  if (!Object.hasOwn(FACTORIES, name)) throw new UnknownNameError("task", `one of ${SBI_TASK_NAMES.join(", ")}`, JSON.stringify(name));
  return FACTORIES[name as SbiTaskName]();
}

