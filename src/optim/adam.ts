import { parallelAdamStep } from "../core/parallel.js";
import type { ParamStore } from "../nn/param-store.js";
import { Optimizer, assertNonNegative, assertUnitInterval, type OptimizerOptions, type Trainable } from "./optimizer.js";
import { assertPositive } from "../core/errors.js";

export interface AdamOptions extends OptimizerOptions {
  /** (beta1, beta2), each in [0, 1). Default: [0.9, 0.999]. */
  betas?: readonly [number, number];
  /** Default: 1e-8. */
  eps?: number;
  /** Default: 0 for Adam (L2 added to the gradient), 0.01 for AdamW (decoupled). */
  weightDecay?: number;
}

/** Adam and AdamW: the same kernel, differing only in how weight decay enters. */
export abstract class AdamBase extends Optimizer {
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  readonly weightDecay: number;

  protected constructor(
    trainable: Trainable,
    options: AdamOptions,
    private readonly decoupled: boolean,
  ) {
    super(trainable, options, 1e-3, 2);
    [this.beta1, this.beta2] = options.betas ?? [0.9, 0.999];
    assertUnitInterval("betas[0]", this.beta1);
    assertUnitInterval("betas[1]", this.beta2);
    this.eps = options.eps ?? 1e-8;
    assertPositive("eps", this.eps);
    this.weightDecay = options.weightDecay ?? (decoupled ? 0.01 : 0);
    assertNonNegative("weightDecay", this.weightDecay);
  }

  protected update(s: ParamStore, [m, v]: number[], lr: number, t: number): void {
    const args = [s.values.ptr, s.grads.ptr, m, v, s.size, lr, this.beta1, this.beta2, this.eps, this.weightDecay, this.decoupled ? 1 : 0, t] as const;
    // a large store on a threaded runtime is split by element ranges (same bits; ADR 0006)
    if (!parallelAdamStep(s.rt, ...args)) s.rt.k.adamStep(...args);
  }
}

/** Adam (Kingma & Ba 2015): p -= lr mhat / (sqrt(vhat) + eps), weight decay as L2 (g += wd p). */
export class Adam extends AdamBase {
  constructor(trainable: Trainable, options: AdamOptions = {}) {
    super(trainable, options, false);
  }

  override get kind(): string {
    return "Adam";
  }
}

/** AdamW (Loshchilov & Hutter 2019): Adam with decoupled decay p *= 1 - lr wd. */
export class AdamW extends AdamBase {
  constructor(trainable: Trainable, options: AdamOptions = {}) {
    super(trainable, options, true);
  }

  override get kind(): string {
    return "AdamW";
  }
}
