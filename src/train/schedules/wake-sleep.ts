import { DomainError } from "../../core/errors.js";
import type { Objective } from "../../infer/objectives/objective.js";
import type { FitSchedule } from "./types.js";

export interface WakeSleepOptions {
  /** The model's (theta) objective on the data, the wake phase. Default: fit's objective (e.g. iwaeBound({ particles: K }): wake-theta of RWS). */
  wake?: Objective;
  /**
   * The guide's (phi) objective: forwardKL() for the sleep phase of wake-sleep
   * (Hinton et al. 1995), reweightedWakeSleep({ alpha: 1 }) for RWS's wake-phi,
   * reweightedWakeSleep({ alpha: 0.5 }) for their mixture (Le et al. 2019).
   */
  sleep: Objective;
}

/**
 * Wake-sleep as a schedule of fit: each outer step is a wake update of the
 * model's parameters on `wake` (the step's batch of data), then an update of
 * the guide on `sleep` (which draws its own joint samples for sleep-phi, or
 * uses the step's batch for wake-phi). Reweighted wake-sleep (Bornschein &
 * Bengio 2015): wake = iwaeBound, sleep = reweightedWakeSleep({ alpha: 1 }).
 * The reported loss is the wake objective's.
 */
export function wakeSleep(options: WakeSleepOptions): FitSchedule {
  if (!options || !options.sleep || typeof options.sleep.loss !== "function") {
    throw new DomainError("sleep", "the guide's Objective (forwardKL(), reweightedWakeSleep(...))", String(options?.sleep));
  }
  const { wake, sleep } = options;
  return {
    name: `wake-sleep (${wake?.name ?? "fit's objective"} / ${sleep.name})`,
    start() {
      wake?.start?.();
      sleep.start?.();
    },
    getState: () => ({ wake: wake?.getState?.() ?? null, sleep: sleep.getState?.() ?? null }),
    setState(state) {
      const s = state as { wake?: unknown; sleep?: unknown } | null;
      if (!s || typeof s !== "object") throw new DomainError("state", "a wake-sleep state { wake, sleep }", String(state));
      if (wake?.setState) wake.setState(s.wake);
      if (sleep.setState) sleep.setState(s.sleep);
    },
    step(state) {
      const value = state.update("model", "step", wake);
      state.update("guide", "step", sleep);
      return value;
    },
  };
}
