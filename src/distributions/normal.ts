import type { Rng } from "../core/rng.js";
import { Tensor } from "../core/tensor.js";
import { normalEntropy, normalLogProb, normalRsample } from "../autodiff/ops/gaussian.js";
import { assertIndexBroadcast, largest } from "../autodiff/ops/broadcast-index.js";
import { log } from "../autodiff/ops/unary.js";
import { noGrad } from "../autodiff/tape.js";
import { paramTensor, positiveParam, type Distribution, type ParamInput } from "./distribution.js";
import { real, type Support } from "./support.js";
import { portableLog } from "../core/portable-math.js";

/** A constant log std for positive numbers / arrays (DomainError naming "std" otherwise). */
function constantLogStd(std: number | readonly number[] | readonly (readonly number[])[]): Tensor {
  const t = positiveParam("std", std);
  if (typeof std === "number") return paramTensor("std", portableLog(std));
  const v = t.toArray();
  t.dispose();
  return Tensor.from(v.map((s) => portableLog(s)), t.shape, "persistent", t.rt, "std");
}

function isLogStd(std: ParamInput | { logStd: Tensor }): std is { logStd: Tensor } {
  return typeof std === "object" && !(std instanceof Tensor) && !Array.isArray(std) && "logStd" in std;
}

/**
 * Shared parameters of the (diagonal) Normal: mean and log-std Tensors that
 * broadcast by index against the larger one (a scalar, a row [D] or the
 * full shape). Sampling draws eps ~ N(0, 1) and returns mean + exp(logStd) * eps.
 * A Tensor std (validated > 0) is kept as given and logStd = log(std) is
 * taken at each use, so that a distribution built once still passes
 * gradients to std in every later step.
 */
abstract class NormalBase {
  readonly mean: Tensor;
  /** The positive std Tensor when given as one (else null: logStd is the parameter). */
  readonly std: Tensor | null;
  private readonly logStdParam: Tensor | null;
  readonly support: Support = real;
  readonly reparameterized = true;

  constructor(mean: ParamInput, scale: { logStd: Tensor } | { std: Tensor }) {
    this.mean = paramTensor("mean", mean);
    this.std = "std" in scale ? positiveParam("std", scale.std) : null;
    this.logStdParam = "logStd" in scale ? scale.logStd : null;
    const s = this.std ?? this.logStdParam!;
    const target = largest(this.mean, s);
    assertIndexBroadcast("mean", this.mean, target, this.std ? "std" : "logStd");
    assertIndexBroadcast(this.std ? "std" : "logStd", s, target, "mean");
  }

  /** log std: the parameter itself, or log(std) of a Tensor std (recorded at each use). */
  get logStd(): Tensor {
    return this.logStdParam ?? log(this.std!);
  }

  abstract readonly batchShape: readonly number[];
  abstract readonly eventShape: readonly number[];

  /** Shape of one draw: the larger of mean and logStd. */
  get shape(): readonly number[] {
    return largest(this.mean, this.std ?? this.logStdParam!).shape;
  }

  /** z = mean + exp(logStd) * eps, eps ~ N(0, I), without gradient; `shape` must have the parameters' shape as a suffix. */
  sample(rng: Rng, shape: readonly number[] = this.shape): Tensor {
    return noGrad(() => this.rsample(rng, shape));
  }

  /** Reparameterized draw z = mean + exp(logStd) * eps: gradients flow into mean and logStd. */
  rsample(rng: Rng, shape: readonly number[] = this.shape): Tensor {
    return normalRsample(this.mean, this.logStd, rng.normal(shape));
  }
}

/**
 * Elementwise Normal N(mean, std^2): logProb and entropy keep the value's
 * (parameters') shape. `new Normal(mean, std)` takes std > 0: numbers and
 * arrays are constants, a Tensor std gets its gradient through log(std);
 * for an unconstrained learnable scale use `Normal.fromLogStd(mean, logStd)`.
 */
export class Normal extends NormalBase implements Distribution {
  get batchShape(): readonly number[] {
    return this.shape;
  }
  readonly eventShape: readonly number[] = [];

  constructor(mean: ParamInput, std: ParamInput | { logStd: Tensor }) {
    super(mean, isLogStd(std) ? std : std instanceof Tensor ? { std } : { logStd: constantLogStd(std) });
  }

  /** N(mean, exp(logStd)^2) with logStd a Tensor (unconstrained; gradients flow into it), or a constant number / array. */
  static fromLogStd(mean: ParamInput, logStd: ParamInput): Normal {
    return new Normal(mean, { logStd: logStd instanceof Tensor ? logStd : paramTensor("logStd", logStd) });
  }

  /** log N(value; mean, std^2) elementwise, shape of value. */
  logProb(value: Tensor): Tensor {
    return normalLogProb(value, this.mean, this.logStd, { elementwise: true });
  }

  /** 0.5 log(2 pi e) + logStd elementwise. */
  entropy(): Tensor {
    return normalEntropy(this.mean, this.logStd, { elementwise: true });
  }
}

/**
 * Diagonal Normal over events of all non-batch dims: value [B, ...] has
 * logProb [B] = sum over dims of log N(value; mean, exp(logStd)^2).
 */
export class DiagNormal extends NormalBase implements Distribution {
  get batchShape(): readonly number[] {
    return this.shape.slice(0, 1);
  }
  get eventShape(): readonly number[] {
    return this.shape.slice(1);
  }

  constructor(mean: ParamInput, logStd: Tensor) {
    super(mean, { logStd });
  }

  /** sum over non-batch dims of log N(value; mean, exp(logStd)^2) -> [B]. */
  logProb(value: Tensor): Tensor {
    return normalLogProb(value, this.mean, this.logStd);
  }

  /** sum over non-batch dims of 0.5 log(2 pi e) + logStd -> [B]. */
  entropy(): Tensor {
    return normalEntropy(this.mean, this.logStd);
  }
}
