// Fitting one conditioning row of a ConditionalDensity by Adam (the F-VI /
// Const case of a family, without a model): reverse KL to a target log
// density (pathwise draws, score function for discrete choices) or forward
// KL (maximum likelihood of samples), and the Gaussian KL in closed form.
import { Rng } from "../../src/core/rng.js";
import { Tensor } from "../../src/core/tensor.js";
import { runtime } from "../../src/core/runtime.js";
import { noGrad, valueAndGrad } from "../../src/autodiff/tape.js";
import { sub } from "../../src/autodiff/ops/binary.js";
import { mean } from "../../src/autodiff/ops/reduce.js";
import { repeatRows } from "../../src/autodiff/ops/shape.js";
import { neg } from "../../src/autodiff/ops/unary.js";
import { RunningAverageBaseline, scoreFunctionSurrogate } from "../../src/autodiff/estimators.js";
import { ParamStore } from "../../src/nn/param-store.js";
import { zeros } from "../../src/nn/init.js";
import { Adam } from "../../src/optim/adam.js";
import { cosineDecay } from "../../src/optim/schedule.js";
import type { ConditionalDensity } from "../../src/infer/families/density.js";
import { repeatContext } from "./density-checks.js";
import { meanAndStdErr } from "./quadrature.js";

export interface FitOptions {
  steps?: number;
  /** Rows per step (draws, or data points). */
  rows?: number;
  lr?: number;
  seed?: number;
}

/** Minimizes loss(context [rows, P] = the row repeated, rng) over the row by Adam with cosine decay; returns the fitted row. */
export function fitContextRow(initial: ArrayLike<number>, loss: (context: Tensor, rng: Rng) => Tensor, { steps = 1500, rows = 64, lr = 0.05, seed = 7 }: FitOptions = {}): Float64Array {
  const store = ParamStore.build([{ name: "c", shape: [1, initial.length], init: zeros }], new Rng(seed));
  store.values.set(initial);
  const c = store.get("c");
  const opt = new Adam(store, { lr, schedule: cosineDecay(steps, 0.02) });
  const rng = new Rng(seed + 1);
  for (let s = 0; s < steps; s++) {
    valueAndGrad(() => loss(repeatRows(c, rows), rng));
    opt.step();
  }
  const out = store.values.toFloat64Array();
  opt.dispose();
  store.dispose();
  return out;
}

/** E_q[log q(u | c) - log p(u)] per step (-ELBO up to log Z), with the score-function surrogate (running baseline) for q's discrete choices. */
export function reverseKLLoss(q: ConditionalDensity, logTarget: (u: Tensor) => Tensor): (context: Tensor, rng: Rng) => Tensor {
  const baseline = new RunningAverageBaseline(0.9);
  return (context, rng) => {
    const draw = q.rsample(context, rng);
    const cost = sub(draw.logQ, logTarget(draw.u));
    if (!draw.logQScore) return mean(cost);
    const b = baseline.value;
    baseline.update(cost);
    return mean(scoreFunctionSurrogate(draw.logQScore, cost, b));
  };
}

/** -(1/B) sum_b log q(x_b | c) over minibatches of `data` [n, dim] (forward KL up to the target's entropy). */
export function forwardKLLoss(q: ConditionalDensity, data: Float64Array): (context: Tensor, rng: Rng) => Tensor {
  const n = data.length / q.dim;
  return (context, rng) => {
    const B = context.rows;
    const x = new Float64Array(B * q.dim);
    for (let b = 0; b < B; b++) {
      const i = rng.nextInt(n);
      x.set(data.subarray(i * q.dim, (i + 1) * q.dim), b * q.dim);
    }
    return neg(mean(q.logProb(Tensor.from(x, [B, q.dim]), context)));
  };
}

/** Monte Carlo KL(q || p) = E_q[log q - log p] at one context row from n draws, with its standard error (p normalized). */
export function reverseKLEstimate(q: ConditionalDensity, row: ArrayLike<number>, logTarget: (u: Tensor) => Tensor, n = 20000, seed = 11) {
  return noGrad(() => {
    const rt = runtime();
    const mark = rt.arena.mark();
    const ctx = repeatContext(row, n);
    const draw = q.rsample(ctx, new Rng(seed));
    const values = sub(draw.logQ, logTarget(draw.u)).toFloat64Array();
    ctx.dispose();
    rt.arena.restore(mark);
    return meanAndStdErr(values);
  });
}

/** KL(N(m1, S1) || N(m2, S2)) in 2-D, covariances as [c00, c01, c11]. */
export function gaussianKL2d(m1: readonly number[], S1: readonly number[], m2: readonly number[], S2: readonly number[]): number {
  const det = (S: readonly number[]) => S[0] * S[2] - S[1] * S[1];
  const d2 = det(S2);
  const inv = [S2[2] / d2, -S2[1] / d2, S2[0] / d2];
  const trace = inv[0] * S1[0] + 2 * inv[1] * S1[1] + inv[2] * S1[2];
  const dm = [m2[0] - m1[0], m2[1] - m1[1]];
  const maha = inv[0] * dm[0] ** 2 + 2 * inv[1] * dm[0] * dm[1] + inv[2] * dm[1] ** 2;
  return 0.5 * (trace + maha - 2 + Math.log(d2 / det(S1)));
}
