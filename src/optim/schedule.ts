import { DomainError, assertInteger, assertPositive } from "../core/errors.js";
import { portableCos, portablePow } from "../core/portable-math.js";

/**
 * A learning-rate schedule: step t (number of updates already taken, 0 for
 * the first) -> multiplier of the base learning rate. Schedules are plain
 * functions, so they compose (e.g. linearWarmup(100, cosineDecay(900))).
 */
export type Schedule = (t: number) => number;

/** s(t) = 1. */
export function constantLr(): Schedule {
  return () => 1;
}

/** s(t) = gamma^floor(t / stepSize). */
export function stepDecay(stepSize: number, gamma = 0.1): Schedule {
  assertInteger("stepSize", stepSize, 1);
  assertPositive("gamma", gamma);
  return (t) => portablePow(gamma, Math.floor(t / stepSize));
}

/** s(t) = gamma^(t / decaySteps). */
export function exponentialDecay(gamma: number, decaySteps = 1): Schedule {
  assertPositive("gamma", gamma);
  assertPositive("decaySteps", decaySteps);
  return (t) => portablePow(gamma, t / decaySteps);
}

/** s(t) = m + (1 - m) (1 + cos(pi min(t, T) / T)) / 2 (Loshchilov & Hutter 2017, no restarts). */
export function cosineDecay(totalSteps: number, minFactor = 0): Schedule {
  assertInteger("totalSteps", totalSteps, 1);
  if (!(minFactor >= 0 && minFactor <= 1)) throw new DomainError("minFactor", "a value in [0, 1]", String(minFactor));
  return (t) => minFactor + ((1 - minFactor) * (1 + portableCos((Math.PI * Math.min(t, totalSteps)) / totalSteps))) / 2;
}

/** s(t) = (t + 1) / W for t < W, then after(t - W): the first W updates ramp up linearly to the full rate. */
export function linearWarmup(warmupSteps: number, after: Schedule = constantLr()): Schedule {
  assertInteger("warmupSteps", warmupSteps, 1);
  if (typeof after !== "function") throw new DomainError("after", "a schedule function", String(after));
  return (t) => (t < warmupSteps ? (t + 1) / warmupSteps : after(t - warmupSteps));
}
