import { valueAndGrad } from "../../autodiff/tape.js";
import type { Tensor } from "../../core/tensor.js";
import { qpLoss } from "../../infer/objectives/elbo.js";
import type { Batch } from "../../models/model.js";
import type { Strategy, TrainState } from "./types.js";

/** One update of encoder AND decoder from the gradient of loss(); returns the loss value. */
export function jointUpdate(state: TrainState, loss: () => Tensor): number {
  const value = valueAndGrad(loss);
  state.encoderOpt.step();
  state.decoderOpt.step();
  state.record.encoderUpdates++;
  state.record.decoderUpdates++;
  return value;
}

/** Joint VAE training (Kingma & Welling 2014): theta and phi together on the negative ELBO (qpLoss, reparameterized). */
export function joint(): Strategy {
  return {
    name: "joint",
    step(batch: Batch, state: TrainState): number {
      state.record.innerSteps.push(0);
      return jointUpdate(state, () => qpLoss(state.vae, state.vae.encoder, batch, state.rng));
    },
  };
}
