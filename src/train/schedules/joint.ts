import { UnknownNameError } from "../../core/errors.js";
import type { FitSchedule, UpdateTarget } from "./types.js";

const TARGETS: readonly UpdateTarget[] = ["guide", "model", "both"];

/** Every outer step is one update of `target` on the objective's loss (the step's batch). */
export function updating(target: UpdateTarget, name: string = target): FitSchedule {
  if (!TARGETS.includes(target)) throw new UnknownNameError("target", `one of ${TARGETS.map((t) => `"${t}"`).join(", ")}`, JSON.stringify(target));
  return { name, step: (state) => state.update(target) };
}

/** Joint training (Kingma & Welling 2014): guide and model together on the objective (the default of fit). */
export const joint = (): FitSchedule => updating("both", "joint");

/**
 * The model only, with the guide held fixed: decoder-only training against a
 * fixed posterior approximation (MAPA: the guide is the fixed q, the
 * objective e.g. iwaeBound({ particles: K })).
 */
export const modelOnly = (name = "model only"): FitSchedule => updating("model", name);

/** The guide only, with the model held fixed (amortized inference for a trained model). */
export const guideOnly = (name = "guide only"): FitSchedule => updating("guide", name);
