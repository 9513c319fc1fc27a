// Fault injection in every schedule of fit: a NaN / Inf loss or a NaN
// gradient at a chosen loss evaluation (the aggressive schedule's inner loop
// and wake-sleep's sleep phase included), under each divergence policy.
// "Survived" means: detected at the step and update where it was injected,
// the step undone (parameters, optimizer state and record bit for bit as
// after the previous step), and the policy's outcome.
import { describe, expect, it } from "vitest";
import { DomainError, TrainingDivergedError, UnknownNameError } from "../../src/core/errors.js";
import type { VAE } from "../../src/infer/vae.js";
import type { Checkpoint } from "../../src/train/checkpoint.js";
import type { DivergenceOptions } from "../../src/train/divergence.js";
import type { FitCallback, FitResult } from "../../src/train/fit.js";
import { SCHEDULE_CASES, curveData, faulty, fitVae, smallVae, type Fault, type ScheduleCase } from "./helpers.js";
import { Tensor } from "../../src/core/tensor.js";
import { Categorical } from "../../src/distributions/categorical.js";
import { Normal } from "../../src/distributions/normal.js";
import { Dataset } from "../../src/infer/families/dataset.js";
import { elbo } from "../../src/infer/objectives/elbo.js";
import { iwaeBound } from "../../src/infer/objectives/importance-weighted.js";
import { matmul } from "../../src/autodiff/ops/linalg.js";
import { scale, shift, sqrt } from "../../src/autodiff/ops/unary.js";
import { asEngineModel } from "../../src/model/engine-model.js";
import { defineGuide } from "../../src/model/guide-fn.js";
import { defineModel } from "../../src/model/model.js";
import type { Model } from "../../src/models/model.js";
import { fit } from "../../src/train/fit.js";

const rows = curveData(200, 1);
const STEPS = 6;
const AT = 3; // the outer step that diverges

/** The loss evaluation that falls in outer step AT: aggressive's 2nd (an inner guide update), wake-sleep's 2nd (the sleep phase), else the 1st. */
const updateOf = (c: ScheduleCase) => (c.name === "aggressive" || c.name === "wakeSleep" ? 2 : 1);
const callOf = (c: ScheduleCase) => (AT - 1) * c.updatesPerStep + updateOf(c);
/** The group the faulty update trains (modelOnly and a wake phase: the model; else the guide). */
const groupOf = (c: ScheduleCase): "guide" | "model" => (c.name === "modelOnly" ? "model" : "guide");

interface Observed {
  before: Checkpoint | null;
  at: Checkpoint[];
  after: Checkpoint[];
}

/** Checkpoints after step AT - 1, at each divergence, and after every later step. */
function observer(): FitCallback & { seen: Observed } {
  const seen: Observed = { before: null, at: [], after: [] };
  return {
    seen,
    afterStep(info) {
      if (info.step === AT - 1) seen.before = info.checkpoint();
      if (info.step >= AT) seen.after.push(info.checkpoint());
    },
    onDiverged(_event, info) {
      seen.at.push(info.checkpoint());
    },
  };
}

function runCase(c: ScheduleCase, faults: Map<number, Fault>, onDivergence: DivergenceOptions | DivergenceOptions["policy"]): { v: VAE; obs: Observed; result: FitResult | null; error: unknown } {
  const v = smallVae(3, 8);
  const calls = { n: 0 };
  const options = c.make((o) => faulty(o, calls, faults));
  const cb = observer();
  let result: FitResult | null = null;
  let error: unknown = null;
  try {
    result = fitVae(v, rows, { ...options, iterations: STEPS, batchSize: 40, lr: 5e-3, rng: 7, onDivergence, callbacks: [cb] });
  } catch (err) {
    error = err;
  }
  return { v, obs: cb.seen, result, error };
}

/** The parameters, optimizer state and record of two checkpoints agree bit for bit. */
function expectSameTrainingState(a: Checkpoint, b: Checkpoint): void {
  for (const g of ["guide", "model"] as const) {
    a.params[g].forEach((p, i) => expect(Array.from(b.params[g][i])).toEqual(Array.from(p)));
    const oa = a.fit!.optimizers[g];
    const ob = b.fit!.optimizers[g];
    expect(ob?.stepCount).toBe(oa?.stepCount);
    oa?.buffers.forEach((bufs, i) => bufs.forEach((buf, j) => expect(Array.from(ob!.buffers[i][j])).toEqual(Array.from(buf))));
  }
  const { innerSteps, guideUpdates, modelUpdates } = a.fit!.record;
  expect({ innerSteps: b.fit!.record.innerSteps, guideUpdates: b.fit!.record.guideUpdates, modelUpdates: b.fit!.record.modelUpdates }).toEqual({ innerSteps, guideUpdates, modelUpdates });
}

const storesOf = (v: VAE, g: "guide" | "model") => (g === "guide" ? v.encoderParams : v.decoderParams);

describe.each(SCHEDULE_CASES)("divergence in $name training", (c) => {
  it('a NaN loss: TrainingDivergedError at the step and update (default "throw"), the step undone', () => {
    const { v, obs, error } = runCase(c, new Map([[callOf(c), "nan-loss"]]), "throw");
    expect(error).toBeInstanceOf(TrainingDivergedError);
    const e = error as TrainingDivergedError;
    expect(e.step).toBe(AT);
    expect(e.source).toMatchObject({ kind: "loss", update: updateOf(c) });
    expect(e.message).toMatch(new RegExp(`^loss: expected a finite value, received NaN \\(at step ${AT}, update ${updateOf(c)} of the step; the last good parameters and optimizer state were kept\\)`));
    expect(obs.at).toHaveLength(1);
    expectSameTrainingState(obs.before!, obs.at[0]);
    // what fit leaves in the stores is the last good state
    for (const g of ["guide", "model"] as const) expect(Array.from(storesOf(v, g).readValues())).toEqual(Array.from(obs.before!.params[g][0]));
  });

  it('a NaN gradient with a finite loss, "stop": reported with the store and parameter where it started', () => {
    const g = groupOf(c);
    let v: VAE | null = null;
    const fault: Fault = { nanGradientOf: () => storesOf(v!, g).parameters()[0] };
    const faults = new Map([[callOf(c), fault]]);
    const smallV = smallVae(3, 8);
    v = smallV;
    const calls = { n: 0 };
    const cb = observer();
    const r = fitVae(smallV, rows, { ...c.make((o) => faulty(o, calls, faults)), iterations: STEPS, batchSize: 40, lr: 5e-3, rng: 7, onDivergence: "stop", callbacks: [cb] });
    expect(r.steps).toBe(AT - 1);
    expect(r.diverged).toMatchObject({ step: AT, attempt: 1, action: "stopped" });
    expect(r.diverged!.source).toMatchObject({ kind: "gradient", group: g, store: 0, parameter: storesOf(smallV, g).names[0], index: 0, update: updateOf(c) });
    expect(Number.isNaN(r.diverged!.source!.value)).toBe(true);
    expect(r.diverged!.message).toMatch(new RegExp(`^gradient of ${storesOf(smallV, g).names[0].replace(/[.[\]]/g, "\\$&")}\\[0\\] \\(${g} store 0\\): expected a finite value, received NaN`));
    expectSameTrainingState(cb.seen.before!, cb.seen.at[0]);
  });

  it('"skip": the step is dropped (loss NaN, nothing learned from it) and training goes on', () => {
    const { obs, result } = runCase(c, new Map([[callOf(c), "inf-loss"]]), "skip");
    const r = result!;
    expect(r.steps).toBe(STEPS);
    expect(r.divergences).toEqual([expect.objectContaining({ step: AT, attempt: 1, action: "skipped", source: expect.objectContaining({ kind: "loss", value: -Infinity }) })]);
    expect(r.diverged).toBeNull();
    expect(Array.from(r.losses).map(Number.isNaN)).toEqual(Array.from({ length: STEPS }, (_, i) => i === AT - 1));
    // after the skipped step the state is the one after step AT - 1; later steps train on
    expectSameTrainingState(obs.before!, obs.after[0]);
    expect(Array.from(obs.after[1].params[groupOf(c)][0])).not.toEqual(Array.from(obs.before!.params[groupOf(c)][0]));
  });

  it('"retry": the step is taken again with half the learning rate; a persistent fault uses up the retries', () => {
    const once = runCase(c, new Map([[callOf(c), "nan-loss"]]), "retry").result!;
    expect(once.steps).toBe(STEPS);
    expect(once.divergences).toEqual([expect.objectContaining({ step: AT, attempt: 1, action: "retried" })]);
    expect(once.lrScale).toBe(0.5);
    expect(Array.from(once.losses).every(Number.isFinite)).toBe(true);
    // every evaluation from the fault on fails: attempts 1..3 of step AT (retries: 2), then "then: stop"
    const always = new Map<number, Fault>(Array.from({ length: 40 }, (_, i) => [callOf(c) + i, "nan-loss"]));
    const { result, obs } = runCase(c, always, { policy: "retry", retries: 2, then: "stop" });
    expect(result!.steps).toBe(AT - 1);
    expect(result!.divergences.map((d) => [d.step, d.attempt, d.action])).toEqual([[AT, 1, "retried"], [AT, 2, "retried"], [AT, 3, "stopped"]]);
    expect(result!.lrScale).toBe(0.25);
    obs.at.forEach((cp) => expectSameTrainingState(obs.before!, cp));
  });
});

describe("divergence: which stores count, huge learning rates, the policy option", () => {
  it("a NaN gradient in parameters the update does not train is no divergence (guide only: the model's gradients are discarded)", () => {
    const v = smallVae(3, 8);
    const guideOnlyCase = SCHEDULE_CASES.find((c) => c.name === "guideOnly")!;
    const faults = new Map<number, Fault>([[2, { nanGradientOf: () => v.decoderParams.parameters()[0] }]]);
    const r = fitVae(v, rows, { ...guideOnlyCase.make((o) => faulty(o, { n: 0 }, faults)), iterations: 4, batchSize: 40, rng: 7 });
    expect(r.steps).toBe(4);
    expect(r.divergences).toEqual([]);
    expect(v.decoderParams.firstNonFiniteValue()).toBe(-1);
  });

  it("a huge learning rate: a parameter beyond the sanity bound after the update is a divergence, and 1e300 is never kept", () => {
    for (const schedule of SCHEDULE_CASES) {
      const v = smallVae(3, 8);
      const before = { guide: v.encoderParams.readValues(), model: v.decoderParams.readValues() };
      let err: unknown = null;
      try {
        fitVae(v, rows, { ...schedule.make((o) => o), iterations: 3, batchSize: 40, lr: 1e300, rng: 7 });
      } catch (e) {
        err = e;
      }
      expect(err, schedule.name).toBeInstanceOf(TrainingDivergedError);
      const e = err as TrainingDivergedError;
      expect(e.step).toBe(1);
      // the first update of a step: the model's under modelOnly and wake-sleep (its wake phase), else the guide's
      expect(e.source).toMatchObject({ kind: "parameter", bound: 1e12, group: ["modelOnly", "wakeSleep"].includes(schedule.name) ? "model" : "guide", update: 1 });
      expect(Math.abs(e.source!.value)).toBeGreaterThan(1e12);
      expect(e.message).toMatch(/after the update: expected a finite value with \|value\| <= 1000000000000, received/);
      expect(Array.from(v.encoderParams.readValues())).toEqual(Array.from(before.guide));
      expect(Array.from(v.decoderParams.readValues())).toEqual(Array.from(before.model));
    }
    // the bound is the caller's: with none, the run goes on with huge but finite parameters until the loss overflows
    const v = smallVae(3, 8);
    const r = fitVae(v, rows, { iterations: 3, batchSize: 40, lr: 1e300, rng: 7, onDivergence: { policy: "stop", parameterBound: Infinity } });
    expect(r.diverged === null || r.diverged.step > 1).toBe(true);
    expect(Math.max(...Array.from(v.encoderParams.readValues()).map(Math.abs))).toBeGreaterThan(1e200);
  });

  it("onDivergence is checked: policy, retries, lrFactor, then, unknown keys", () => {
    const v = smallVae(3, 8);
    const bad = (onDivergence: unknown) => () => fitVae(v, rows, { iterations: 1, batchSize: 40, onDivergence: onDivergence as never });
    expect(bad("ignore")).toThrow(DomainError);
    expect(bad("ignore")).toThrow(/onDivergence.policy/);
    expect(bad({ policy: "retry", retries: 0 })).toThrow(/onDivergence.retries/);
    expect(bad({ policy: "retry", lrFactor: 1 })).toThrow(/onDivergence.lrFactor/);
    expect(bad({ policy: "skip", then: "skip" })).toThrow(/onDivergence.then/);
    expect(bad({ policy: "stop", parameterBound: 0 })).toThrow(/onDivergence.parameterBound/);
    expect(bad({ policy: "stop", retry: 2 })).toThrow(UnknownNameError);
  });

  it('"skip" has a limit: past maxSkips skipped steps the run ends as "then" says', () => {
    const v = smallVae(3, 8);
    const faults = new Map<number, Fault>(Array.from({ length: 10 }, (_, i) => [i + 2, "nan-loss"]));
    const r = fitVae(v, rows, { objective: faulty(SCHEDULE_CASES[0].make((o) => o).objective, { n: 0 }, faults), iterations: 10, batchSize: 40, onDivergence: { policy: "skip", maxSkips: 3, then: "stop" } });
    expect(r.divergences.map((d) => d.action)).toEqual(["skipped", "skipped", "skipped", "stopped"]);
    expect(r.steps).toBe(4);
    expect(r.diverged!.step).toBe(5);
  });
});

describe("divergence in a model's log-density with a discrete latent (score-function estimator and its baseline)", () => {
  // k_n ~ Cat(1/2, 1/2), x_n ~ N(4 k_n - 2, 1); q(k | x) = Cat(softmax(x w))
  const mix = defineModel("mix", (m) => {
    m.plate("data", () => {
      const k = m.sample("k", new Categorical([0, 0]));
      m.observe("x", new Normal(shift(scale(k, 4), -2), 1));
    });
  });
  const guide = () =>
    defineGuide("cat", (m) => {
      const w = m.param("w", [0.5, -0.5], [1, 2]);
      m.plate("data", () => void m.sample("k", new Categorical(matmul(m.data("x"), w))));
    });
  const data = new Dataset(Tensor.from([-2.1, 1.9, -1.7, 2.4, 0.3, -2.2]).toArray());
  /** The model with log p(x, z) = NaN at its `at`-th evaluation. */
  function nanAt(at: number): Model {
    const engine = asEngineModel(mix);
    let calls = 0;
    return new Proxy(engine, {
      get(target, key) {
        if (key === "logJoint") return (...args: Parameters<Model["logJoint"]>) => {
          const lj = target.logJoint(...args);
          return ++calls === at ? sqrt(shift(scale(lj, 0), -1)) : lj;
        };
        const v = Reflect.get(target, key);
        return typeof v === "function" ? v.bind(target) : v;
      },
    });
  }
  it.each([
    ["elbo (dataset scale)", () => elbo()],
    ["elbo (datapoint scale)", () => elbo({ scale: "datapoint" })],
    ["iwae", () => iwaeBound({ particles: 1 })],
  ])("%s: a NaN log-density at step 3 is a TrainingDivergedError at step 3 (not the baseline's error), the baseline undone", (_, objective) => {
    const o = objective();
    const states: unknown[] = [];
    let err: unknown = null;
    try {
      fit({ model: nanAt(3), guide: guide(), objective: o, data, iterations: 6, lr: 0.05, rng: 1, callbacks: [{ afterStep: () => void states.push(o.getState!()) }] });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(TrainingDivergedError);
    expect((err as TrainingDivergedError).step).toBe(3);
    expect((err as TrainingDivergedError).source).toMatchObject({ kind: "loss" });
    expect(o.getState!()).toEqual(states[1]); // the baseline as after step 2
    expect((states[1] as { seen: boolean }).seen).toBe(true);
  });
});
