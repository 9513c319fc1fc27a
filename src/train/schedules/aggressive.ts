import { DomainError, assertInteger } from "../../core/errors.js";
import { amortizedNormal, mutualInformation, type AmortizedNormal } from "../../diagnostics/vae.js";
import type { FitSchedule, FitState } from "./types.js";

export interface AggressiveOptions {
  /** Most guide-only updates before one model update. Default 100. */
  maxInner?: number;
  /** Inner losses are summed over blocks of this many steps; the inner loop stops when a block's sum does not decrease. Default 15. */
  block?: number;
  /** The encoder whose I_q(x; z) decides the switch. Default: amortizedNormal(the fit's guide). */
  encoder?: AmortizedNormal;
}

/**
 * Aggressive / iterative training (He et al., ICLR 2019, "Lagging inference
 * networks"): while aggressive, before each model update the guide alone is
 * updated on fresh random batches, up to maxInner steps, stopping when the
 * loss summed over a block of `block` steps is not below the previous block's
 * sum; then the model alone is updated on the outer batch. After every epoch
 * I_q(x; z) is estimated on the held-out data; once it decreases the schedule
 * switches to joint training for good. The encoder passes of that estimate
 * (one over the held-out set per epoch) count as the schedule's cost.
 */
export function aggressive({ maxInner = 100, block = 15, encoder }: AggressiveOptions = {}): FitSchedule {
  assertInteger("maxInner", maxInner, 1);
  assertInteger("block", block, 1);
  let active = true;
  let previousMi = -Infinity;
  let mi: AmortizedNormal | null = null;
  return {
    name: "aggressive",
    start(state: FitState): void {
      if (!state.heldOut) throw new DomainError("heldOut", "held-out data for the mutual-information switch", "none");
      mi = encoder ?? amortizedNormal(state.guide, state.model.obsDim);
      active = true;
      previousMi = -Infinity;
    },
    step(state: FitState): number {
      if (!active) {
        state.record.innerSteps.push(0);
        return state.update("both");
      }
      let inner = 0;
      let previous = Infinity;
      let current = 0;
      while (inner < maxInner) {
        current += state.update("guide", "random");
        inner++;
        if (inner % block === 0) {
          if (!(current < previous)) break;
          previous = current;
          current = 0;
        }
      }
      state.record.innerSteps.push(inner);
      return state.update("model");
    },
    getState: () => ({ active, previousMi }),
    setState(state: unknown): void {
      const s = state as { active?: unknown; previousMi?: unknown } | null;
      if (!s || typeof s.active !== "boolean" || typeof s.previousMi !== "number" || Number.isNaN(s.previousMi)) {
        throw new DomainError("state", "an aggressive schedule's state { active: boolean, previousMi: number }", JSON.stringify(state) ?? String(state));
      }
      active = s.active;
      previousMi = s.previousMi;
    },
    endEpoch(state: FitState): void {
      if (!active || !state.heldOut) return;
      const value = mutualInformation(mi!, state.heldOut.obs, state.rng);
      state.record.mi.push(value);
      if (value < previousMi) {
        active = false;
        state.record.switchedOff = { step: state.step, epoch: state.epoch };
      }
      previousMi = value;
    },
  };
}
