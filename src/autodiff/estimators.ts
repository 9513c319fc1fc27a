// Gradient estimators for stochastic nodes.
//
// - Reparameterization (pathwise): is `rsample` itself (the distributions
//   with `reparameterized` true: Normal, DiagNormal, MultivariateNormal,
//   LogNormal, Uniform, Laplace, StudentT with a constant df; Gamma, Beta and
//   Dirichlet by implicit reparameterization, ops/implicit-gamma.ts), so gradients
//   flow through the sample into the distribution's parameters.
// - Score function (REINFORCE, Williams 1992): scoreFunctionSurrogate, with an
//   optional baseline (RunningAverageBaseline) to reduce variance.
// - Exact enumeration over a small discrete support: enumerateDiscrete.
import { DomainError, ShapeError, describeShape } from "../core/errors.js";
import { Tensor } from "../core/tensor.js";
import { int32ToArena } from "./ops/broadcast-index.js";
import { gradOf, record } from "./tape.js";

/**
 * Surrogate whose value is `cost` and whose gradient is
 * (cost - b) * grad logProb + grad cost (score-function / REINFORCE estimator of
 * grad E_q[cost]). logProb, cost: [B]; baseline b: a number, [1] or [B] (never differentiated).
 */
export function scoreFunctionSurrogate(logProb: Tensor, cost: Tensor, baseline?: number | Tensor): Tensor {
  if (cost.size !== logProb.size) {
    throw new ShapeError("cost", `shape ${describeShape(logProb.shape)} (as logProb)`, `shape ${describeShape(cost.shape)}`);
  }
  const rt = cost.rt;
  let b: Tensor | null = null;
  if (typeof baseline === "number") b = Tensor.scalar(baseline, "arena", rt);
  else if (baseline) {
    if (baseline.size !== 1 && baseline.size !== cost.size) {
      throw new ShapeError("baseline", `a number, shape [1] or ${describeShape(cost.shape)}`, `shape ${describeShape(baseline.shape)}`);
    }
    b = baseline;
  }
  const out = cost.clone();
  const n = cost.size;
  return record(out, [logProb, cost], (g) =>
    rt.k.scoreFunctionBackward(
      cost.ptr, b ? b.ptr : 0, b ? b.size : 0, g.ptr,
      logProb.requiresGrad ? gradOf(logProb).ptr : 0, cost.requiresGrad ? gradOf(cost).ptr : 0, n,
    ),
  );
}

/** Exponential moving average of the mean cost: b <- decay * b + (1 - decay) * costMean (the first update sets b). */
export class RunningAverageBaseline {
  private current = 0;
  private seen = false;

  constructor(readonly decay = 0.9) {
    if (!(decay >= 0 && decay < 1)) throw new DomainError("decay", "a number in [0, 1)", String(decay));
  }

  /** The baseline to subtract (0 before the first update). */
  get value(): number {
    return this.current;
  }

  /** The running value and whether it has seen a cost (a checkpoint stores them). */
  getState(): { current: number; seen: boolean } {
    return { current: this.current, seen: this.seen };
  }

  setState(state: { current: number; seen: boolean }): void {
    if (!state || !Number.isFinite(state.current) || typeof state.seen !== "boolean") {
      throw new DomainError("state", "a baseline state { current: a finite number, seen: a boolean }", JSON.stringify(state) ?? String(state));
    }
    this.current = state.current;
    this.seen = state.seen;
  }

  /**
   * Folds in the mean cost of a training pass when it is finite, and leaves a
   * non-finite one out: the loss it belongs to is non-finite too, and the
   * training loop reports that divergence at its step (instead of this
   * baseline throwing from inside the objective).
   */
  updateIfFinite(costMean: Tensor): number {
    const v = mean(costMean.view());
    return Number.isFinite(v) ? this.update(v) : this.current;
  }

  /** Folds in a new mean cost (a number, or the mean of a tensor's values). */
  update(costMean: number | Tensor): number {
    const v = typeof costMean === "number" ? costMean : mean(costMean.view());
    if (!Number.isFinite(v)) throw new DomainError("costMean", "a finite number", String(v));
    this.current = this.seen ? this.decay * this.current + (1 - this.decay) * v : v;
    this.seen = true;
    return this.current;
  }
}

function mean(values: Float64Array): number {
  let s = 0;
  for (const v of values) s += v;
  return s / values.length;
}

/**
 * E_q[f] = sum_k softmax(logits)_k f(k) -> [B], with the exact gradient
 * (d/dlogits_k = q_k (f(k) - E_q[f]); d/df(k) = q_k). logits [B, K]; f(k) -> [B].
 */
export function enumerateDiscrete(logits: Tensor, f: (k: number) => Tensor): Tensor {
  if (logits.rank !== 2) throw new ShapeError("logits", "shape [B, K]", `shape ${describeShape(logits.shape)}`);
  const [B, K] = logits.shape;
  const values: Tensor[] = [];
  for (let k = 0; k < K; k++) {
    const v = f(k);
    if (v.size !== B) throw new ShapeError(`f(${k})`, `a tensor of ${B} values (one per row of logits)`, `shape ${describeShape(v.shape)}`);
    values.push(v);
  }
  const rt = logits.rt;
  const table = int32ToArena(rt, values.map((v) => v.ptr));
  const out = Tensor.empty([B], "arena", rt);
  rt.k.enumerateForward(logits.ptr, table, out.ptr, B, K);
  return record(out, [logits, ...values], (g) => {
    const dTable = int32ToArena(rt, values.map((v) => (v.requiresGrad ? gradOf(v).ptr : 0)));
    rt.k.enumerateBackward(logits.ptr, table, out.ptr, g.ptr, logits.requiresGrad ? gradOf(logits).ptr : 0, dTable, B, K);
  });
}
