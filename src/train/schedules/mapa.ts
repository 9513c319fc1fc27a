import { valueAndGrad } from "../../autodiff/tape.js";
import { DomainError, assertInteger } from "../../core/errors.js";
import type { Batch } from "../../models/model.js";
import { iwaeLoss } from "../../infer/objectives/importance-weighted.js";
import type { FixedPosterior } from "../../models/guide.js";
import type { Strategy, TrainState } from "./types.js";

export interface FixedPosteriorOptions {
  /** The fixed q(z | x), e.g. the MAPA posterior (src/infer/mapa). */
  posterior: FixedPosterior;
  /** Importance samples per datapoint. Default 10. */
  K?: number;
  /** Passes spent building the posterior (datapoint-passes), added to the counter before training. Default 0. */
  precomputePasses?: number;
  /** Name in results. Default "mapa". */
  name?: string;
}

/**
 * Decoder-only training against a FIXED posterior approximation q (MAPA):
 * theta maximizes log (1/K) sum_k p_theta(x, z_k) / q(z_k | x), z_k ~ q(. | x);
 * q has no parameters and the encoder is neither run nor updated.
 */
export function fixedPosterior({ posterior, K = 10, precomputePasses = 0, name = "mapa" }: FixedPosteriorOptions): Strategy {
  if (!posterior || typeof posterior.sample !== "function" || typeof posterior.logProb !== "function") {
    throw new DomainError("posterior", "an object with sample(batch, rng) and logProb(values, batch)", String(posterior));
  }
  if (posterior.params && posterior.params.length > 0) {
    throw new DomainError("posterior", "a fixed posterior (no trainable params)", `${posterior.params.length} parameter stores`);
  }
  assertInteger("K", K, 1);
  return {
    name,
    start(state: TrainState): void {
      state.counter.addPrecompute(precomputePasses);
    },
    step(batch: Batch, state: TrainState): number {
      state.record.innerSteps.push(0);
      const loss = valueAndGrad(() => iwaeLoss(state.vae, posterior, batch, state.rng, { particles: K }));
      state.decoderOpt.step();
      state.record.decoderUpdates++;
      return loss;
    },
  };
}

/** MAPA's schedule: fixedPosterior with name "mapa". */
export const mapa = (options: Omit<FixedPosteriorOptions, "name">): Strategy => fixedPosterior({ ...options, name: "mapa" });
