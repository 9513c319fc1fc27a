import { assertInteger } from "../../core/errors.js";
import type { Batch } from "../../models/model.js";
import { iwaeLoss } from "../../infer/objectives/importance-weighted.js";
import { jointUpdate } from "./joint.js";
import type { Strategy, TrainState } from "./types.js";

/**
 * IWAE (Burda et al. 2016): theta and phi together on the K-sample
 * importance-weighted bound; one encoder pass per datapoint, K decoder passes.
 */
export function iwae(K: number): Strategy {
  assertInteger("K", K, 1);
  return {
    name: `iwae(K=${K})`,
    step(batch: Batch, state: TrainState): number {
      state.record.innerSteps.push(0);
      return jointUpdate(state, () => iwaeLoss(state.vae, state.vae.encoder, batch, state.rng, { particles: K }));
    },
  };
}
