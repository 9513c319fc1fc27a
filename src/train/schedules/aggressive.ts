import { valueAndGrad } from "../../autodiff/tape.js";
import { DomainError, assertInteger } from "../../core/errors.js";
import { mutualInformation } from "../../diagnostics/vae.js";
import { qpLoss } from "../../infer/objectives/elbo.js";
import type { Batch } from "../../models/model.js";
import { jointUpdate } from "./joint.js";
import type { Strategy, TrainState } from "./types.js";

export interface AggressiveOptions {
  /** Most encoder-only updates before one decoder update. Default 100. */
  maxInner?: number;
  /** Inner losses are summed over blocks of this many steps; the inner loop stops when a block's sum does not decrease. Default 15. */
  block?: number;
}

/**
 * Aggressive / iterative training (He et al., ICLR 2019, "Lagging inference
 * networks"): while aggressive, before each decoder update the encoder alone
 * is updated on fresh random batches, up to maxInner steps, stopping when the
 * negative ELBO summed over a block of `block` steps is not below the previous
 * block's sum; then the decoder alone is updated on the outer batch. After
 * every epoch I_q(x; z) is estimated on the held-out data; once it decreases
 * the schedule switches to joint training for good. The encoder passes of
 * that estimate (one over the held-out set per epoch) count as the schedule's cost.
 */
export function aggressive({ maxInner = 100, block = 15 }: AggressiveOptions = {}): Strategy {
  assertInteger("maxInner", maxInner, 1);
  assertInteger("block", block, 1);
  let active = true;
  let previousMi = -Infinity;
  return {
    name: "aggressive",
    start(state: TrainState): void {
      if (!state.heldOut) throw new DomainError("heldOut", "held-out data for the mutual-information switch", "none");
      active = true;
      previousMi = -Infinity;
    },
    step(batch: Batch, state: TrainState): number {
      const { vae, rng, record } = state;
      if (!active) {
        record.innerSteps.push(0);
        return jointUpdate(state, () => qpLoss(vae, vae.encoder, batch, rng));
      }
      let inner = 0;
      let previous = Infinity;
      let current = 0;
      while (inner < maxInner) {
        const fresh = state.freshBatch();
        current += valueAndGrad(() => qpLoss(vae, vae.encoder, fresh, rng));
        state.decoderOpt.zeroGrad();
        state.encoderOpt.step();
        record.encoderUpdates++;
        inner++;
        if (inner % block === 0) {
          if (!(current < previous)) break;
          previous = current;
          current = 0;
        }
      }
      record.innerSteps.push(inner);
      const loss = valueAndGrad(() => qpLoss(vae, vae.encoder, batch, rng));
      state.encoderOpt.zeroGrad();
      state.decoderOpt.step();
      record.decoderUpdates++;
      return loss;
    },
    endEpoch(state: TrainState): void {
      if (!active || !state.heldOut) return;
      const mi = mutualInformation(state.vae, state.heldOut, state.rng);
      state.record.mi.push(mi);
      if (mi < previousMi) {
        active = false;
        state.record.switchedOff = { step: state.step + 1, epoch: state.epoch };
      }
      previousMi = mi;
    },
  };
}
