import { DomainError } from "../core/errors.js";
import type { Network, PassSource } from "../models/vae.js";

/** Network passes counted so far, in datapoint-passes (a pass over B rows counts B). */
export interface PassCounts {
  encoderForward: number;
  encoderBackward: number;
  decoderForward: number;
  decoderBackward: number;
  /** Passes spent before training (e.g. MAPA's precomputation), in the same unit. */
  precompute: number;
  /** Sum of all of the above. */
  total: number;
}

/**
 * Counts forward and backward network passes as they happen: attached to a
 * VAE (or any PassSource), every encoder / decoder call over B rows adds B
 * forward passes, and B backward passes when it was recorded for a gradient
 * (inside valueAndGrad, which always backpropagates through it). Given to
 * fit({ counter }), it counts the steps and schedule hooks only: fit's
 * set-up and the callbacks (evaluation) run inside suspend().
 */
export class PassCounter {
  private counts = { encoderForward: 0, encoderBackward: 0, decoderForward: 0, decoderBackward: 0, precompute: 0 };
  private paused = 0;

  /** Starts counting the passes of `source` (replaces any earlier listener). */
  attach(source: PassSource): void {
    source.passListener = (network, rows, withBackward) => this.onPass(network, rows, withBackward);
  }

  /** Stops counting the passes of `source`. */
  detach(source: PassSource): void {
    source.passListener = null;
  }

  /** Adds precomputation cost (datapoint-passes), e.g. a posterior built before training. */
  addPrecompute(passes: number): void {
    if (!(passes >= 0) || !Number.isFinite(passes)) throw new DomainError("passes", "a finite number >= 0", String(passes));
    this.counts.precompute += passes;
  }

  /** The counts so far as plain numbers (a checkpoint stores them). */
  getState(): Omit<PassCounts, "total"> {
    return { ...this.counts };
  }

  /** Sets the counts (a resumed fit continues counting from its checkpoint's); every count must be finite and >= 0. */
  setState(state: Omit<PassCounts, "total">): void {
    const keys = Object.keys(this.counts) as (keyof typeof this.counts)[];
    for (const k of keys) {
      const v = state?.[k];
      if (!(typeof v === "number" && v >= 0 && Number.isFinite(v))) throw new DomainError(`state.${k}`, "a finite count >= 0", String(v));
    }
    for (const k of keys) this.counts[k] = state[k];
  }

  /** Runs fn without counting its passes (evaluation, metrics). */
  suspend<T>(fn: () => T): T {
    this.paused++;
    try {
      return fn();
    } finally {
      this.paused--;
    }
  }

  /** The counts so far. */
  get(): PassCounts {
    const c = this.counts;
    const total = c.encoderForward + c.encoderBackward + c.decoderForward + c.decoderBackward + c.precompute;
    return { ...c, total };
  }

  /** Counts divided by the training-set size N: passes per training datapoint ("epochs of passes"). */
  perDatapoint(n: number): PassCounts {
    if (!(n >= 1)) throw new DomainError("n", "a data set size >= 1", String(n));
    const c = this.get();
    return {
      encoderForward: c.encoderForward / n,
      encoderBackward: c.encoderBackward / n,
      decoderForward: c.decoderForward / n,
      decoderBackward: c.decoderBackward / n,
      precompute: c.precompute / n,
      total: c.total / n,
    };
  }

  private onPass(network: Network, rows: number, withBackward: boolean): void {
    if (this.paused > 0) return;
    if (network === "encoder") {
      this.counts.encoderForward += rows;
      if (withBackward) this.counts.encoderBackward += rows;
    } else {
      this.counts.decoderForward += rows;
      if (withBackward) this.counts.decoderBackward += rows;
    }
  }
}
