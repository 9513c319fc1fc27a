import { DomainError } from "../core/errors.js";
import type { ParamStore } from "../nn/param-store.js";
import { Optimizer, assertNonNegative, assertUnitInterval, type OptimizerOptions, type Trainable } from "./optimizer.js";

export interface SGDOptions extends OptimizerOptions {
  /** mu in [0, 1). Default: 0. */
  momentum?: number;
  /** In [0, 1]; ignored without momentum. Default: 0. */
  dampening?: number;
  /** Nesterov momentum (needs momentum > 0 and dampening 0). Default: false. */
  nesterov?: boolean;
  /** L2 added to the gradient. Default: 0. */
  weightDecay?: number;
}

/** SGD with momentum: u = mu u + (1 - dampening) g; p -= lr (nesterov ? g + mu u : u). */
export class SGD extends Optimizer {
  readonly momentum: number;
  readonly dampening: number;
  readonly nesterov: boolean;
  readonly weightDecay: number;

  constructor(trainable: Trainable, options: SGDOptions = {}) {
    super(trainable, options, 1e-2, 1);
    this.momentum = options.momentum ?? 0;
    assertUnitInterval("momentum", this.momentum);
    // without momentum, dampening has no meaning (PyTorch ignores it too)
    this.dampening = this.momentum === 0 ? 0 : (options.dampening ?? 0);
    assertUnitInterval("dampening", this.dampening, true);
    this.nesterov = options.nesterov ?? false;
    if (this.nesterov && (this.momentum === 0 || this.dampening !== 0)) {
      throw new DomainError("nesterov", "momentum > 0 and dampening = 0", `momentum ${this.momentum}, dampening ${this.dampening}`);
    }
    this.weightDecay = options.weightDecay ?? 0;
    assertNonNegative("weightDecay", this.weightDecay);
  }

  override get kind(): string {
    return "SGD";
  }

  protected update(s: ParamStore, [velocity]: number[], lr: number): void {
    s.rt.k.sgdStep(s.values.ptr, s.grads.ptr, velocity, s.size, lr, this.momentum, this.dampening, this.nesterov ? 1 : 0, this.weightDecay);
  }
}
