import { DomainError, UnknownNameError } from "../core/errors.js";
import { Rng } from "../core/rng.js";
import { Tensor } from "../core/tensor.js";
import { isDiscrete } from "../distributions/support.js";
import type { Batch, LatentSite, LatentValues, Model } from "../models/model.js";
import { FullBatchError, isJointRows } from "./joint-rows.js";
import { ProbModel, type ModelData } from "./model.js";
import type { Trace } from "./trace.js";

/** How a model's data maps onto the engine's Batch (obs [B, D], context [B, C]). */
export interface EngineModelOptions {
  /** The observed site that batch.obs holds. Default: the model's only observed site. */
  observed?: string;
  /** The covariate (m.data name) that batch.context holds, if any. */
  context?: string;
  /** Columns of that covariate: the site-discovery run gets zeros [2, contextDim] for it unless probeData has it. Default 1. */
  contextDim?: number;
  /** Data given to the forward run that discovers the sites (covariates, if the model reads any). */
  probeData?: ModelData;
}

/**
 * The inference engine's view of a model written in the language: the site
 * list, the per-datapoint log joint of given values (a replayed run) and
 * draws from the joint (a forward run). Every family, objective and loop
 * consumes this, so a user's model works with all of them.
 *
 * logJoint returns sum over local sites of log p per row, [B]; global
 * latents' log prior is logPriorGlobal, [1] (the objectives scale the local
 * part by N / B). Both come from one run of the model per set of values.
 * `context` maps batch.context onto a covariate (m.data) of the model (a
 * time series' x_{n-1}). A model with a site over its plate's rows jointly
 * (a JointRowsDistribution: a random walk, a GP) gets requiresFullSequence:
 * its batches must be the whole plate in data order (FullBatchError otherwise).
 */
export function engineModel(model: ProbModel, optionsIn: EngineModelOptions = {}): Model {
  const options: EngineModelOptions = { ...model.mapping, ...optionsIn };
  const probe = model.run({ size: 2, data: probeDataOf(options), rng: new Rng(0), sampleObserved: true });
  const observed = probe.observedSites;
  if (observed.length === 0) throw new DomainError(`model "${model.name}"`, "at least one observed site (m.observe)", "none");
  const obsName = options.observed ?? (observed.length === 1 ? observed[0].name : undefined);
  if (!obsName) {
    throw new DomainError("observed", `the observed site batch.obs holds (one of ${observed.map((s) => `"${s.name}"`).join(", ")})`, "none given");
  }
  const obsSite = observed.find((s) => s.name === obsName);
  if (!obsSite) throw new UnknownNameError("observed", `an observed site (${observed.map((s) => `"${s.name}"`).join(", ")})`, JSON.stringify(obsName));
  const latents: LatentSite[] = probe.latentSites.map((s) => ({ name: s.name, scope: s.scope, dim: isDiscrete(s.support) ? 1 : s.dim, support: s.support }));
  const discrete = new Set(latents.filter((s) => isDiscrete(s.support)).map((s) => s.name));
  const hasGlobals = latents.some((s) => s.scope === "global");
  const contextName = options.context;
  // a site over the plate's rows jointly (a random walk, a GP): batches must be the whole plate in data order
  const fullSequence = probe.sampleSites.some((s) => isJointRows(s.dist));

  // one run serves logJoint and logPriorGlobal of the same values object
  let last: { values: LatentValues; batch: Batch | null; trace: Trace } | null = null;
  const dataOf = (batch: Batch): ModelData => {
    const d: Record<string, Tensor> = { [obsName]: batch.obs };
    if (contextName) {
      if (!batch.context) throw new DomainError("batch.context", `the covariate "${contextName}" [B, C]`, "none");
      d[contextName] = batch.context;
    }
    return d;
  };
  const replay = (values: LatentValues, batch: Batch | null): Trace => {
    if (last && last.values === values && last.batch === batch) return last.trace;
    const data = batch ? dataOf(batch) : undefined;
    const trace = model.run({ values, data, requireValues: true, sampleObserved: !batch, size: batch ? undefined : 1, rng: batch ? undefined : new Rng(0) });
    last = { values, batch, trace };
    return trace;
  };

  // log p(globals) alone: a forward run at the local values' row count, observations drawn (not used)
  const globalsOnly = (values: LatentValues): Trace => {
    const local = latents.find((s) => s.scope === "local");
    const v = local ? values[local.name] : undefined;
    const rows = v instanceof Tensor ? v.rows : v ? v.length : 1;
    return model.run({ values, size: rows, requireValues: true, sampleObserved: true, rng: new Rng(0) });
  };

  const engine: Model = {
    name: model.name,
    latents,
    obsDim: obsSite.dim,
    ...(fullSequence ? { requiresFullSequence: true } : {}),
    logJoint(values: LatentValues, batch: Batch): Tensor {
      if (fullSequence) checkDataOrder(batch);
      const lp = replay(values, batch).localLogProb();
      return lp ?? Tensor.zeros([batch.obs.rows]);
    },
    sampleJoint(n: number, rng: Rng): { values: LatentValues; batch: Batch } {
      const draw = model.sampleJoint(n, rng);
      const values: LatentValues = {};
      for (const [name, v] of Object.entries(draw.values)) values[name] = discrete.has(name) ? Int32Array.from(v.view()) : v;
      if (contextName) throw new DomainError("sampleJoint", "a model without covariates (a covariate cannot be drawn)", `covariate "${contextName}"`);
      return { values, batch: { obs: draw.data[obsName] } };
    },
  };
  if (hasGlobals) {
    engine.logPriorGlobal = (values: LatentValues): Tensor => {
      const t = last && last.values === values ? last.trace : globalsOnly(values);
      return t.globalLogProb((s) => !s.observed) ?? Tensor.zeros([1]);
    };
  }
  return engine;
}

/** The site-discovery run's data: probeData, plus zeros [2, contextDim] for the context covariate if probeData lacks it. */
function probeDataOf(options: EngineModelOptions): ModelData | undefined {
  const { context, probeData } = options;
  if (!context || probeData?.[context]) return probeData;
  const cols = options.contextDim ?? 1;
  if (!Number.isSafeInteger(cols) || cols < 1) throw new DomainError("contextDim", "an integer >= 1 (columns of batch.context)", String(cols));
  return { ...probeData, [context]: Tensor.zeros([2, cols]) };
}

/** A batch of a full-sequence model holds its rows in data order: batch.index, when given, is 0, 1, ..., B - 1. */
function checkDataOrder(batch: Batch): void {
  const idx = batch.index;
  if (!idx) return;
  for (let i = 0; i < idx.length; i++) {
    if (idx[i] !== i) {
      throw new FullBatchError("batch.index", `0, 1, ..., ${idx.length - 1} in order (the model's rows are not independent: the full series in data order)`, `${idx[i]} at position ${i}`);
    }
  }
}

const engines = new WeakMap<ProbModel, Model>();

/**
 * The engine's view of `model`: a model written in the language is adapted
 * once (engineModel with default options, cached); an engine Model passes
 * through. Every public function that takes a model accepts both.
 */
export function asEngineModel(model: Model | ProbModel): Model {
  if (!(model instanceof ProbModel)) {
    if (!model || typeof model !== "object" || typeof (model as Model).logJoint !== "function") {
      throw new DomainError("model", "a model (defineModel(...)) or an engine Model", String(model));
    }
    return model;
  }
  let e = engines.get(model);
  if (!e) engines.set(model, (e = engineModel(model)));
  return e;
}
