// Numerical faults of the training loop: the policy (what fit does when a
// step diverges) and the checks that find where a divergence started.
import { DomainError, TrainingDivergedError, assertInteger, assertKnownOptions, type DivergenceSource } from "../core/errors.js";
import type { ParamStore } from "../nn/param-store.js";

/**
 * What fit does when a step diverges (a non-finite loss or gradient, or a
 * parameter non-finite or beyond the sanity bound after an update). The step
 * is always undone first: parameters, optimizer state (moments, update
 * counts), the objective's state and the schedule's record go back to where
 * they were before the step, so nothing already learned is lost. Then:
 * "throw" (default): TrainingDivergedError; "stop": return, with
 * result.diverged set; "skip": drop the step's batch (its loss is recorded as
 * NaN) and go on; "retry": take the step again (fresh draws) with every
 * learning rate multiplied by lrFactor, up to `retries` times.
 */
export type DivergencePolicy = "throw" | "stop" | "skip" | "retry";

export interface DivergenceOptions {
  policy?: DivergencePolicy;
  /** retry: attempts after the first, each with the learning rates times lrFactor (kept for the rest of the run). Default 3. */
  retries?: number;
  /** retry: the learning-rate multiplier per retry, in (0, 1). Default 0.5. */
  lrFactor?: number;
  /** skip: steps that may be skipped in one run. Default 10. */
  maxSkips?: number;
  /** What happens once the retries or skips are used up: "throw" (default) or "stop". */
  then?: "throw" | "stop";
  /** |parameter| beyond this after an update counts as a divergence (a huge learning rate). Default 1e12; Infinity: non-finite only. */
  parameterBound?: number;
}

export type ResolvedDivergence = Required<DivergenceOptions>;

/** A divergence fit met: where (step, attempt, source) and what it did about it. */
export interface DivergenceEvent {
  /** The outer step (1-based). */
  step: number;
  /** 1 for the first try of the step, 2 for the first retry, ... */
  attempt: number;
  message: string;
  source: DivergenceSource | null;
  action: "retried" | "skipped" | "stopped" | "thrown";
}

const POLICIES: readonly DivergencePolicy[] = ["throw", "stop", "skip", "retry"];

/** The policy of fit({ onDivergence }) with its defaults, every field checked. */
export function resolveDivergence(option: DivergencePolicy | DivergenceOptions | undefined): ResolvedDivergence {
  const o: DivergenceOptions = typeof option === "string" ? { policy: option } : (option ?? {});
  if (typeof o !== "object") throw new DomainError("onDivergence", `one of ${POLICIES.join(", ")} or { policy, ... }`, String(option));
  assertKnownOptions("onDivergence", o, ["policy", "retries", "lrFactor", "maxSkips", "then", "parameterBound"]);
  const r: ResolvedDivergence = { policy: "throw", retries: 3, lrFactor: 0.5, maxSkips: 10, then: "throw", parameterBound: 1e12, ...o };
  if (!POLICIES.includes(r.policy)) throw new DomainError("onDivergence.policy", POLICIES.map((p) => `"${p}"`).join(", "), JSON.stringify(r.policy));
  assertInteger("onDivergence.retries", r.retries, 1);
  assertInteger("onDivergence.maxSkips", r.maxSkips, 1);
  if (!(r.lrFactor > 0 && r.lrFactor < 1)) throw new DomainError("onDivergence.lrFactor", "a value in (0, 1)", String(r.lrFactor));
  if (r.then !== "throw" && r.then !== "stop") throw new DomainError("onDivergence.then", '"throw" or "stop"', JSON.stringify(r.then));
  if (!(r.parameterBound > 0)) throw new DomainError("onDivergence.parameterBound", "a value > 0 (Infinity: no bound)", String(r.parameterBound));
  return r;
}

/** What to do with a divergence at `attempt` (1-based) of a step, given the steps skipped so far. */
export function decide(policy: ResolvedDivergence, attempt: number, skipped: number): DivergenceEvent["action"] {
  if (policy.policy === "retry" && attempt <= policy.retries) return "retried";
  if (policy.policy === "skip" && skipped < policy.maxSkips) return "skipped";
  const end = policy.policy === "throw" || policy.policy === "stop" ? policy.policy : policy.then;
  return end === "throw" ? "thrown" : "stopped";
}

/** Throws TrainingDivergedError at the first non-finite gradient entry of `stores` (one kernel call per store). */
export function checkGradients(stores: readonly ParamStore[], group: "guide" | "model", step: number, update: number): void {
  stores.forEach((s, store) => {
    const i = s.firstNonFiniteGrad();
    if (i < 0) return;
    const value = s.rt.f64[s.grads.ptr / 8 + i];
    const { name, index } = s.locate(i);
    throw new TrainingDivergedError(step, String(value), { kind: "gradient", value, group, store, parameter: name, index, update });
  });
}

/** Throws TrainingDivergedError at the first parameter entry of `stores` that is non-finite or beyond +-bound (one kernel call per store). */
export function checkParameters(stores: readonly ParamStore[], group: "guide" | "model", bound: number, step: number, update: number): void {
  stores.forEach((s, store) => {
    const i = s.firstValueBeyond(bound);
    if (i < 0) return;
    const value = s.rt.f64[s.values.ptr / 8 + i];
    const { name, index } = s.locate(i);
    throw new TrainingDivergedError(step, String(value), { kind: "parameter", value, group, store, parameter: name, index, update, bound });
  });
}
