import type { Rng } from "../../core/rng.js";
import { valueAndGrad } from "../../autodiff/tape.js";
import { RunningAverageBaseline } from "../../autodiff/estimators.js";
import { Adam } from "../../optim/adam.js";
import type { Schedule } from "../../optim/schedule.js";
import type { Model } from "../../models/model.js";
import type { Guide } from "../../infer/guide.js";
import { qpLoss } from "../../infer/qp.js";
import { pqLoss } from "../../infer/pq.js";
import type { ProgressReporter } from "../types.js";

/** Which objective trains the guide: reverse KL (qp, ELBO), forward KL (pq), or qp with the discrete site summed out. */
export type NoteLoss = "qp" | "pq" | "qp-enum";

export interface TrainGuideOptions {
  model: Model;
  guide: Guide;
  loss: NoteLoss;
  iterations: number;
  batchSize: number;
  lr: number;
  schedule?: Schedule;
  rng: Rng;
  progress?: ProgressReporter;
  /** Progress label. Default: the loss name. */
  label?: string;
  /** Called after every update with the iteration (1-based) and the loss value. */
  onStep?: (iteration: number, loss: number) => void;
}

/**
 * Trains `guide` with Adam on fresh draws each iteration: qp uses y ~ p(y)
 * (from the joint, latents discarded), pq uses (x, y) ~ p(x, y). Returns the
 * mean loss over the last 10% of iterations.
 */
export function trainGuide(opts: TrainGuideOptions): number {
  const { model, guide, loss, iterations, batchSize, rng, progress } = opts;
  const opt = new Adam(guide.params, { lr: opts.lr, schedule: opts.schedule });
  const baseline = new RunningAverageBaseline(0.9);
  const sampleJoint = model.sampleJoint!.bind(model);
  const tail = Math.max(1, Math.floor(iterations / 10));
  const tick = Math.max(1, Math.floor(iterations / 100));
  let tailSum = 0;
  let last = 0;
  progress?.start(iterations, opts.label ?? loss);
  for (let t = 1; t <= iterations; t++) {
    const value = valueAndGrad(() =>
      loss === "pq"
        ? pqLoss(model, guide, batchSize, rng)
        : qpLoss(model, guide, sampleJoint(batchSize, rng).batch, rng, { baseline, enumerate: loss === "qp-enum" }),
    );
    opt.step();
    opts.onStep?.(t, value);
    if (t > iterations - tail) tailSum += value;
    if (t % tick === 0 || t === iterations) {
      progress?.tick(t - last, { loss: value });
      last = t;
    }
  }
  progress?.stop();
  opt.dispose();
  return tailSum / tail;
}

/** Total variation distance 0.5 sum_k |p_k - q_k|. */
export function totalVariation(p: readonly number[], q: readonly number[]): number {
  return 0.5 * p.reduce((s, pk, k) => s + Math.abs(pk - q[k]), 0);
}

/** Rounds to `digits` significant digits (for headlines). */
export function round(v: number, digits = 4): number {
  return Number(v.toPrecision(digits));
}
