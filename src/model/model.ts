import { DomainError, ShapeError, assertInteger } from "../core/errors.js";
import { Rng } from "../core/rng.js";
import { Tensor } from "../core/tensor.js";
import { withTransientParams } from "../distributions/distribution.js";
import { describeSupport, isDiscrete } from "../distributions/support.js";
import { ParamStore } from "../nn/param-store.js";
import { ModelContext, type RunSpec, type SiteValue } from "./context.js";
import type { SiteInfo } from "./site.js";
import { Trace } from "./trace.js";

/**
 * A model written once as a function of named sites:
 *
 *   const model = defineModel("regression", (m) => {
 *     const theta = m.sample("theta", new Normal(0, 10));          // global latent [1, 1]
 *     m.plate("data", () => {
 *       const z = m.sample("z", new Normal(0, 1));                 // local latent [B, 1]
 *       m.observe("x", new Normal(add(theta, mul(z, 2)), 0.5));    // observed [B, 1]
 *     });
 *   });
 *
 * Running it under a RunSpec gives a Trace (sites, values, log densities);
 * everything else (the site list, log p of given values, draws from the
 * joint, the engine's view of the model) is derived from runs, so the
 * generative story is never written twice.
 */
export type ModelFn = (m: ModelContext) => unknown;

/** Values of latent sites by name, as a run takes them (Tensors [rows, dim]; discrete sites also as indices). */
export type SiteValues = Readonly<Record<string, SiteValue | undefined>>;

/** A data set or minibatch for a model: observed sites and covariates by name, each with the same leading rows. */
export type ModelData = Readonly<Record<string, Tensor | undefined>>;

/** A draw from the joint p(z, x): latent values and the observations they generated (and the trace). */
export interface JointDraw {
  values: Record<string, Tensor>;
  data: Record<string, Tensor>;
  trace: Trace;
}

/**
 * How the engine's Batch maps onto a model's data (engineModel's defaults for
 * this model): the observed site batch.obs holds (default: the only one), the
 * covariate (m.data name) batch.context holds and its width.
 */
export interface DataMapping {
  observed?: string;
  context?: string;
  contextDim?: number;
}

export class ProbModel {
  private readonly paramTensors = new Map<string, { store: ParamStore; tensor: Tensor }>();

  constructor(
    readonly name: string,
    readonly fn: ModelFn,
    /** Defaults for the engine's view (makeFamily, fit, evaluateNegElbo use them). */
    readonly mapping: DataMapping = {},
  ) {
    if (typeof fn !== "function") throw new DomainError("model", "a function (m) => { ... } of sample sites", String(fn));
  }

  /** Runs the model once under `spec` and returns its trace. */
  run(spec: RunSpec = {}): Trace {
    const ctx = new ModelContext(spec, (name, init, shape) => this.paramTensor(name, init, shape));
    const returned = withTransientParams(() => this.fn(ctx));
    return new Trace(ctx.sites, returned);
  }

  /**
   * The model's sites (name, scope, dim, support, observed), from one forward
   * run with `size` datapoints (or the given data / covariates).
   */
  sites(options: { size?: number; data?: ModelData; rng?: Rng } = {}): SiteInfo[] {
    const size = options.size ?? 2;
    const t = this.run({ size, data: options.data ?? this.probeData(size), rng: options.rng ?? new Rng(0), sampleObserved: true });
    return t.info();
  }

  /**
   * A table of the model's sites for a person to read: name, kind (latent /
   * observed), scope, reals per row, support and distribution, and the
   * learnable parameters with their sizes.
   */
  summary(options: { size?: number; data?: ModelData } = {}): string {
    const size = options.size ?? 2;
    const t = this.run({ size, data: options.data ?? this.probeData(size), rng: new Rng(0), sampleObserved: true });
    const rows = t.info().map((s) => [s.name, s.observed ? "observed" : "latent", s.scope, String(s.dim), describeSupport(s.support), s.distribution]);
    for (const site of t.sites.values()) if (site.type === "param") rows.push([site.name, "param", "global", String(site.store.size), "real", "(learned)"]);
    const head = ["site", "kind", "scope", "dim", "support", "distribution"];
    const widths = head.map((h, j) => Math.max(h.length, ...rows.map((r) => r[j].length)));
    const line = (r: string[]) => r.map((c, j) => c.padEnd(widths[j])).join("  ").trimEnd();
    return [`model "${this.name}"`, line(head), ...rows.map(line)].join("\n");
  }

  /** The latent sites only. */
  latentSites(options: { size?: number; data?: ModelData } = {}): SiteInfo[] {
    return this.sites(options).filter((s) => !s.observed);
  }

  /**
   * log p(x, z) of the given latent values and data, Tensor [1]: the
   * full-data estimate (N / B per plate when `dataSize` N exceeds the rows).
   * Missing latent values or observations, wrong shapes and values outside a
   * site's support are typed errors naming the site.
   */
  logJoint(values: SiteValues, data: ModelData, options: { dataSize?: number; validate?: boolean } = {}): Tensor {
    return this.run({ values, data, dataSize: options.dataSize, requireValues: true, validate: options.validate ?? true }).logJoint();
  }

  /**
   * n draws from the joint by running the model forward: latents from their
   * priors, observations from the likelihood (prior predictive, synthetic
   * data, sleep / pq samples). Covariates (m.data) come from `data`.
   */
  sampleJoint(n: number, rng: Rng, options: { data?: ModelData; values?: SiteValues } = {}): JointDraw {
    assertInteger("n", n, 1);
    if (!(rng instanceof Rng)) throw new DomainError("rng", "an Rng", String(rng));
    const trace = this.run({ size: n, data: options.data, values: options.values, rng, sampleObserved: true });
    return { values: trace.values(), data: trace.observations(), trace };
  }

  /** The ParamStores of the model's learnable parameters and modules (after a first run). */
  params(): ParamStore[] {
    const t = this.run({ size: 1, data: this.probeData(1), rng: new Rng(0), sampleObserved: true });
    return t.params;
  }

  /** Zeros for the mapped covariate (a forward run that only discovers sites or parameters), or undefined. */
  private probeData(rows: number): ModelData | undefined {
    const { context, contextDim = 1 } = this.mapping;
    return context ? { [context]: Tensor.zeros([rows, contextDim]) } : undefined;
  }

  private paramTensor(name: string, init: Tensor | number | readonly number[], shape?: readonly number[]): { store: ParamStore; tensor: Tensor } {
    const have = this.paramTensors.get(name);
    if (have) return have;
    const values = init instanceof Tensor ? init.toArray() : typeof init === "number" ? [init] : Array.from(init);
    const s = shape ?? (init instanceof Tensor ? init.shape : [1, values.length]);
    const size = s.reduce((a, b) => a * b, 1);
    if (values.length !== 1 && values.length !== size) throw new ShapeError(`param "${name}"`, `${size} initial values for shape [${s}]`, `${values.length}`);
    const filled = values.length === size ? values : new Array<number>(size).fill(values[0]);
    const store = ParamStore.build([{ name, shape: s, init: (t) => void t.set(filled) }], new Rng(0));
    const tensor = store.get(name);
    this.paramTensors.set(name, { store, tensor });
    return { store, tensor };
  }
}

/**
 * defineModel(name, (m) => { ... }, mapping?): a model from one function of
 * sample sites (see ModelFn). `mapping` names the observed site and the
 * covariate a data set's rows and context are (for models with several
 * observed sites or an m.data covariate), e.g. { observed: "y", context: "u" }.
 */
export function defineModel(name: string, fn: ModelFn, mapping?: DataMapping): ProbModel;
export function defineModel(fn: ModelFn): ProbModel;
export function defineModel(a: string | ModelFn, b?: ModelFn, mapping?: DataMapping): ProbModel {
  if (typeof a === "function") return new ProbModel("model", a);
  if (typeof a !== "string") throw new DomainError("name", "a model name (string) or the model function", String(a));
  if (mapping !== undefined && (typeof mapping !== "object" || mapping === null)) throw new DomainError("mapping", "{ observed?, context?, contextDim? }", String(mapping));
  for (const key of Object.keys(mapping ?? {})) {
    if (!["observed", "context", "contextDim"].includes(key)) throw new DomainError(`mapping.${key}`, "one of observed, context, contextDim", JSON.stringify(key));
  }
  return new ProbModel(a, b as ModelFn, mapping ?? {});
}

/** Category indices of a discrete site value (for guides and objectives that take Int32Array). */
export function indicesOf(t: Tensor): Int32Array {
  return Int32Array.from(t.view());
}

/** True for a site whose values are integers (categorical, boolean, count). */
export function isDiscreteSite(s: SiteInfo): boolean {
  return isDiscrete(s.support);
}
