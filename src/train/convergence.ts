import { DomainError, assertInteger, assertKnownOptions } from "../core/errors.js";

/** The stopping rule of fit when no iteration budget is given (or when asked for): see convergenceMonitor. */
export interface ConvergenceOptions {
  /** Steps per window of the averaged loss. Default: max(500, 10 steps per epoch). */
  window?: number;
  /** Smallest relative improvement of a window's mean loss that counts, beside its noise. Default: 1e-4. */
  tolerance?: number;
  /** Learning-rate halvings at plateaus before training stops. Default: 4. */
  patience?: number;
  /** A window is compared with the one `lag` windows before it (a slow, steady decrease adds up; noise does not). Default: 5. */
  lag?: number;
  /** Most outer steps. Default: 100,000. */
  maxIterations?: number;
}

/** What the monitor decided after a step. */
export type ConvergenceEvent = "none" | "halve" | "stop";

/**
 * Reduce-on-plateau with a stopping rule, for losses that are Monte Carlo
 * and minibatch estimates: the losses are averaged over windows of W steps;
 * window j improves when m_{j-lag} - m_j exceeds both 2 se (the standard
 * error of the difference of the two window means, from their spread) and
 * tolerance * |m_{j-lag}|. A window that does not improve is a plateau: the
 * learning rate is halved (and the comparison restarts at the new rate);
 * after `patience` halvings the fit has converged and stops. (Step-size halving at plateaus: e.g.
 * Bottou, Curtis & Nocedal 2018, SIAM Review 60(2), sec. 4; PyTorch's
 * ReduceLROnPlateau.)
 */
export class ConvergenceMonitor {
  readonly window: number;
  readonly tolerance: number;
  readonly patience: number;
  readonly maxIterations: number;
  /** Learning-rate multiplier (1, 1/2, 1/4, ...). */
  factor = 1;
  halvings = 0;
  converged = false;
  readonly lag: number;
  private history: { mean: number; se: number }[] = [];
  private sum = 0;
  private sum2 = 0;
  private n = 0;

  constructor(options: ConvergenceOptions, stepsPerEpoch: number) {
    if (options === null || typeof options !== "object") throw new DomainError("convergence", "an object of convergence options (or false)", String(options));
    assertKnownOptions("convergence", options, ["window", "tolerance", "patience", "lag", "maxIterations"]);
    this.window = options.window ?? Math.max(500, Number.isFinite(stepsPerEpoch) ? 10 * stepsPerEpoch : 0);
    assertInteger("convergence.window", this.window, 2);
    this.tolerance = options.tolerance ?? 1e-4;
    if (!(this.tolerance >= 0) || !Number.isFinite(this.tolerance)) throw new DomainError("convergence.tolerance", "a finite number >= 0", String(this.tolerance));
    this.patience = options.patience ?? 4;
    assertInteger("convergence.patience", this.patience, 0);
    this.lag = options.lag ?? 5;
    assertInteger("convergence.lag", this.lag, 1);
    this.maxIterations = options.maxIterations ?? 100_000;
    assertInteger("convergence.maxIterations", this.maxIterations, 1);
  }

  /** As a fit callback: each step's loss pushed, training stopped when converged; its state saved in checkpoints. */
  callback(): { onStep(info: { step: number; loss: number }): string | void; getState(): unknown; setState(state: unknown): void } {
    return {
      onStep: (info) => {
        if (this.push(info.loss) === "stop") return `converged at step ${info.step} (loss plateaued ${this.halvings + 1} times; learning rate x ${this.factor})`;
      },
      getState: () => ({ factor: this.factor, halvings: this.halvings, converged: this.converged, history: this.history.map((h) => ({ ...h })), sum: this.sum, sum2: this.sum2, n: this.n }),
      setState: (state) => {
        const st = state as { factor: number; halvings: number; converged: boolean; history: { mean: number; se: number }[]; sum: number; sum2: number; n: number };
        if (!st || typeof st.factor !== "number" || !Array.isArray(st.history)) throw new DomainError("convergence state", "a ConvergenceMonitor state", JSON.stringify(st)?.slice(0, 80) ?? String(st));
        this.factor = st.factor;
        this.halvings = st.halvings;
        this.converged = st.converged;
        this.history = st.history.map((h) => ({ ...h }));
        this.sum = st.sum;
        this.sum2 = st.sum2;
        this.n = st.n;
      },
    };
  }

  /** Records one step's loss; at the end of a window decides whether to halve the rate or stop. */
  push(loss: number): ConvergenceEvent {
    this.sum += loss;
    this.sum2 += loss * loss;
    this.n++;
    if (this.n < this.window) return "none";
    const mean = this.sum / this.n;
    const variance = Math.max(0, this.sum2 / this.n - mean * mean);
    const se = Math.sqrt(variance / this.n);
    this.sum = this.sum2 = this.n = 0;
    this.history.push({ mean, se });
    if (this.history.length <= this.lag) return "none";
    const before = this.history[this.history.length - 1 - this.lag];
    this.history.shift();
    const improved = before.mean - mean > Math.max(2 * Math.hypot(se, before.se), this.tolerance * Math.abs(before.mean));
    if (improved) return "none";
    if (this.halvings >= this.patience) {
      this.converged = true;
      return "stop";
    }
    this.halvings++;
    this.factor /= 2;
    this.history = [];
    return "halve";
  }
}
