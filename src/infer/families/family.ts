import { gatherRows } from "../../autodiff/ops/gather.js";
import { add } from "../../autodiff/ops/binary.js";
import { normalLogProb, normalRsample } from "../../autodiff/ops/gaussian.js";
import { repeatRows, sliceCols } from "../../autodiff/ops/shape.js";
import { DomainError, ShapeError, UnknownNameError, assertInteger, assertKnownOptions } from "../../core/errors.js";
import { Rng } from "../../core/rng.js";
import { Tensor } from "../../core/tensor.js";
import { globalSites, localSites, type Batch, type LatentSite, type LatentValues, type Model } from "../../models/model.js";
import { constant } from "../../nn/init.js";
import { describeSupport, isDiscrete } from "../../distributions/support.js";
import { ParamSpecs, type Param } from "../../nn/module.js";
import { asEngineModel } from "../../model/engine-model.js";
import type { ProbModel } from "../../model/model.js";
import { transformTo } from "../../model/transforms/transform-to.js";
import { identityBijector } from "../../model/transforms/elementwise.js";
import type { Bijector } from "../../model/transforms/bijector.js";
import { sub } from "../../autodiff/ops/binary.js";
import type { ParamStore } from "../../nn/param-store.js";
import type { Guide, GuideSample } from "../../models/guide.js";
import { repeatBatch } from "../particles.js";
import type { Dataset } from "./dataset.js";
import { observationFeatures, type FeatureMap } from "./features.js";
import { buildFeatureTable } from "./feature-table.js";
import { expandRows, mlpNet, type InferenceFn, type InferenceNet, type NormalFactor } from "./nets.js";

/** F-VI: free (mean, log-std) per datapoint; Const: one shared factor; A-VI: an inference function of features(x, n). */
export type FamilyKind = "fvi" | "const" | "avi";
export const FAMILY_KINDS: readonly FamilyKind[] = ["fvi", "const", "avi"];

export interface FamilyOptions {
  kind: FamilyKind;
  /** A-VI inference function. Default: mlpNet({ width: 16 }). */
  net?: InferenceNet;
  /** A-VI input for datapoint n. Default: x_n (observationFeatures); a window or any FeatureMap expands the domain. */
  features?: FeatureMap;
  /** Standardize A-VI features (zero mean, unit sd per column over the data set). Default: false. */
  standardize?: boolean;
  /** Seed of the inference network's initialization. Default: 0. */
  seed?: number;
  /** Generator of the initialization instead of new Rng(seed) (e.g. a fork shared with a model's decoder). */
  rng?: Rng;
  /** Initial log-std of the free factors (F-VI, Const, globals). Default: 0. */
  initLogStd?: number;
  /** Initial means of global factors by site name. Default: 0. */
  globalInit?: Record<string, readonly number[]>;
}

interface FreeFactor {
  mean: Param;
  logStd: Param;
}

/**
 * A mean-field Gaussian variational family over a model's latents, built from
 * its LatentSite declarations: one free factor per global site, and for the
 * local sites F-VI, Const or A-VI (one option apart). Implements Guide.
 * Each factor lives in unconstrained space (ADVI, Kucukelbir et al. 2017):
 * u ~ N(mean, exp(logStd)^2), the site's value is T(u) with T =
 * transformTo(support) (identity for real sites, exp for positive, sigmoid for
 * intervals, stick-breaking for the simplex), and
 * log q(x) = log N(u) - log |det dT/du|.
 */
export class Family implements Guide {
  readonly kind: FamilyKind;
  readonly N: number;
  readonly localSites: readonly LatentSite[];
  readonly globalSites: readonly LatentSite[];
  readonly localStore: ParamStore;
  readonly globalStore: ParamStore | null;
  /** Human-readable description, e.g. "A-VI (MLP separate width 8) on x_n". */
  readonly description: string;
  private readonly localDim: number;
  /** Each site's support transform (real sites: identity) and unconstrained size. */
  private readonly bijectors = new Map<string, { bijector: Bijector; size: number }>();
  private readonly free: FreeFactor | null;
  private readonly globals = new Map<string, FreeFactor>();
  private readonly fn: InferenceFn | null;
  private readonly featureTable: Tensor | null;

  constructor(modelIn: Model | ProbModel, data: Dataset | null, options: FamilyOptions) {
    const model = asEngineModel(modelIn);
    const { kind } = options;
    if (!FAMILY_KINDS.includes(kind)) throw new UnknownNameError("kind", `one of ${FAMILY_KINDS.map((k) => `"${k}"`).join(", ")}`, JSON.stringify(kind));
    if (kind !== "avi" && (options.net || options.features)) {
      throw new DomainError(options.net ? "net" : "features", 'kind "avi" (an inference function needs an amortized family)', `kind "${kind}"`);
    }
    this.kind = kind;
    if (!data && (kind === "fvi" || options.features || options.standardize)) {
      throw new DomainError("data", `a Dataset (${kind === "fvi" ? "F-VI has one factor per datapoint" : "features are computed from the data"})`, String(data));
    }
    // an amortized family built without data (trained on simulations) takes x_n as its input
    this.N = data?.N ?? 0;
    this.localSites = checkSites(model);
    this.globalSites = globalSites(model);
    for (const site of model.latents) {
      const bijector = transformTo(site.support);
      this.bijectors.set(site.name, { bijector, size: bijector.unconstrainedSize(site.dim) });
    }
    this.localDim = this.localSites.reduce((s, site) => s + this.bijectors.get(site.name)!.size, 0);
    const initLogStd = options.initLogStd ?? 0;
    if (!Number.isFinite(initLogStd)) throw new DomainError("initLogStd", "a finite number", String(initLogStd));
    if (options.rng !== undefined && !(options.rng instanceof Rng)) throw new DomainError("rng", "an Rng", String(options.rng));
    const rng = options.rng ?? new Rng(options.seed ?? 0);
    const d = this.localDim;

    const specs = new ParamSpecs();
    let featureTable: Tensor | null = null;
    let fn: InferenceFn | null = null;
    let free: FreeFactor | null = null;
    if (d === 0) {
      // a model with global latents only: the family is its global factors
      this.description = "global factors only";
    } else if (kind === "avi") {
      const features = options.features ?? observationFeatures();
      const net = options.net ?? mlpNet({ width: 16 });
      const F = data ? features.size(data.N, data.D) : model.obsDim;
      assertInteger("features.size", F, 1);
      if (data && (options.features || options.standardize)) featureTable = buildFeatureTable(features, data, F, options.standardize ?? false);
      fn = net.build(specs.scope("net"), F, d);
      this.description = `A-VI (${net.name}) on ${features.name}`;
    } else {
      const rows = kind === "fvi" ? data!.N : 1;
      free = { mean: specs.add("mean", [rows, d], "zeros"), logStd: specs.add("logStd", [rows, d], constant(initLogStd)) };
      this.description = kind === "fvi" ? "F-VI" : "Const";
    }
    this.localStore = specs.build(rng);
    this.free = free;
    this.fn = fn;
    this.featureTable = featureTable;

    if (this.globalSites.length > 0) {
      const gs = new ParamSpecs();
      for (const site of this.globalSites) {
        const init = options.globalInit?.[site.name];
        const u = this.bijectors.get(site.name)!.size;
        if (init && init.length !== u) throw new ShapeError(`globalInit.${site.name}`, `${u} values (unconstrained)`, `${init.length} values`);
        const meanInit = init ? (t: Tensor) => void t.set(init) : "zeros";
        this.globals.set(site.name, {
          mean: gs.add(`${site.name}.mean`, [1, u], meanInit),
          logStd: gs.add(`${site.name}.logStd`, [1, u], constant(initLogStd)),
        });
      }
      this.globalStore = gs.build(rng);
    } else this.globalStore = null;
  }

  get params(): ParamStore[] {
    return [this.localStore, this.globalStore].filter((st): st is ParamStore => st !== null && st.size > 0);
  }

  /** Number of variational parameters (local + global). */
  get parameterCount(): number {
    return this.params.reduce((s, p) => s + p.size, 0);
  }

  /** Frees the parameter stores and the feature table (the family is unusable afterwards). */
  dispose(): void {
    for (const p of this.params) p.dispose();
    this.featureTable?.dispose();
  }

  /** q(z_b | x_b) factors of the batch's datapoints, by local site name, each [B, dim]. */
  localFactors(batch: Batch): Record<string, NormalFactor> {
    const B = batch.obs.rows;
    const d = this.localDim;
    if (d === 0) return {};
    let f: NormalFactor;
    if (this.free && this.kind === "const") {
      f = { mean: expandRows(this.free.mean.tensor, B, d), logStd: expandRows(this.free.logStd.tensor, B, d) };
    } else if (this.free) {
      const idx = this.indices(batch);
      f = { mean: gatherRows(this.free.mean.tensor, idx), logStd: gatherRows(this.free.logStd.tensor, idx) };
    } else {
      const input = this.featureTable ? gatherRows(this.featureTable, this.indices(batch)) : batch.obs.reshape([B, batch.obs.cols]);
      f = this.fn!(input);
    }
    const out: Record<string, NormalFactor> = {};
    let at = 0;
    for (const site of this.localSites) {
      out[site.name] =
        this.localSites.length === 1
          ? f
          : { mean: sliceCols(f.mean, at, at + this.bijectors.get(site.name)!.size), logStd: sliceCols(f.logStd, at, at + this.bijectors.get(site.name)!.size) };
      at += this.bijectors.get(site.name)!.size;
    }
    return out;
  }

  /** q(theta) factors by global site name, each [1, dim]. */
  globalFactors(): Record<string, NormalFactor> {
    const out: Record<string, NormalFactor> = {};
    for (const [name, g] of this.globals) out[name] = { mean: g.mean.tensor, logStd: g.logStd.tensor };
    return out;
  }

  /** One draw; sites named in `given` take those values (their log q still counts). */
  sample(batch: Batch, rng: Rng, given?: LatentValues): GuideSample {
    return this.sampleMany(batch, rng, 1, given)[0];
  }

  /** M reparameterized draws z = mean + exp(logStd) eps of locals [B, dim] and globals [1, dim], factors computed once. */
  sampleMany(batch: Batch, rng: Rng, M: number, given?: LatentValues): GuideSample[] {
    assertInteger("samples", M, 1);
    const local = this.localFactors(batch);
    const global = this.globalFactors();
    const draws: GuideSample[] = [];
    for (let m = 0; m < M; m++) {
      const values: LatentValues = {};
      const logQ = drawAll(local, this.bijectors, values, rng, batch.obs.rows, given);
      const logQGlobal = this.globals.size > 0 ? (drawAll(global, this.bijectors, values, rng, 1, given) ?? undefined) : undefined;
      draws.push({ values, logQ: logQ ?? Tensor.zeros([batch.obs.rows]), logQScore: null, logQGlobal });
    }
    return draws;
  }

  /**
   * K draws per datapoint from one evaluation of the factors over the B rows
   * (one inference-network pass): row b * K + k is draw k of datapoint b (the
   * layout of repeatRows). Local sites only: a family with global sites draws
   * on the repeated batch instead (sample), as particles need.
   */
  sampleRepeated(batch: Batch, K: number, rng: Rng): GuideSample {
    assertInteger("K", K, 1);
    if (K === 1 || this.globals.size > 0) return this.sample(K === 1 ? batch : repeatBatch(batch, K), rng);
    const local = this.localFactors(batch);
    const repeated: Record<string, NormalFactor> = {};
    for (const [name, f] of Object.entries(local)) repeated[name] = { mean: repeatRows(f.mean, K), logStd: repeatRows(f.logStd, K) };
    const values: LatentValues = {};
    const logQ = drawAll(repeated, this.bijectors, values, rng, batch.obs.rows * K);
    return { values, logQ: logQ!, logQScore: null };
  }

  /** log q(z_b | x_b) of given local values, Tensor [B]. */
  logProb(values: LatentValues, batch: Batch): Tensor {
    const local = this.localFactors(batch);
    let total: Tensor | null = null;
    for (const site of this.localSites) {
      const v = values[site.name];
      if (!(v instanceof Tensor)) throw new ShapeError(`values.${site.name}`, `a Tensor [${batch.obs.rows}, ${site.dim}]`, String(v));
      const lp = factorLogProb(v, local[site.name], this.bijectors.get(site.name)!.bijector);
      total = total ? add(total, lp) : lp;
    }
    return total ?? Tensor.zeros([batch.obs.rows]);
  }

  private indices(batch: Batch): Int32Array {
    if (batch.index) return batch.index;
    if (batch.obs.rows === this.N) return Int32Array.from({ length: this.N }, (_, i) => i);
    throw new ShapeError(
      "batch.index",
      `datapoint indices (a ${this.description} family has per-datapoint inputs), or all N = ${this.N} rows`,
      `no index with ${batch.obs.rows} rows`,
    );
  }
}

/**
 * Draws every factor (or takes it from `given`) into `values`: u ~ N(mean, std^2)
 * reparameterized, value = T(u); returns the summed log q = log N(u) - log|det J_T(u)|, [rows].
 */
function drawAll(
  factors: Record<string, NormalFactor>,
  bijectors: ReadonlyMap<string, { bijector: Bijector; size: number }>,
  values: LatentValues,
  rng: Rng,
  rows: number,
  given?: LatentValues,
): Tensor | null {
  let logQ: Tensor | null = null;
  for (const [name, f] of Object.entries(factors)) {
    const T = bijectors.get(name)!.bijector;
    const fixed = given?.[name];
    const dx = T.constrainedSize(f.mean.cols);
    if (fixed !== undefined && !(fixed instanceof Tensor && fixed.rows === rows && fixed.cols === dx)) {
      throw new ShapeError(`given.${name}`, `a Tensor [${rows}, ${dx}]`, fixed instanceof Tensor ? `shape [${fixed.shape}]` : "an Int32Array");
    }
    let lp: Tensor;
    if (fixed instanceof Tensor) {
      values[name] = fixed;
      lp = factorLogProb(fixed, f, T);
    } else if (T === identityBijector) {
      const z = normalRsample(f.mean, f.logStd, rng.normal([rows, f.mean.cols]));
      values[name] = z;
      lp = normalLogProb(z, f.mean, f.logStd);
    } else {
      const u = normalRsample(f.mean, f.logStd, rng.normal([rows, f.mean.cols]));
      const { value, logDet } = T.forwardWithLogDet(u);
      values[name] = value;
      lp = sub(normalLogProb(u, f.mean, f.logStd), logDet);
    }
    logQ = logQ ? add(logQ, lp) : lp;
  }
  return logQ;
}

/** log q(x) of a constrained value: u = T^-1(x), log N(u; mean, std^2) - log |det J_T(u)|, [rows]. */
function factorLogProb(x: Tensor, f: NormalFactor, T: Bijector): Tensor {
  if (T === identityBijector) return normalLogProb(x, f.mean, f.logStd);
  const u = T.inverse(x);
  return sub(normalLogProb(u, f.mean, f.logStd), T.logAbsDetJacobian(u));
}

/** The model's local sites (possibly none: a model of global latents only), every latent continuous. */
function checkSites(model: Model): LatentSite[] {
  if (!model || !Array.isArray(model.latents)) {
    throw new DomainError("model.latents", "an array of LatentSite declarations", String(model?.latents));
  }
  const local = localSites(model);
  if (model.latents.length === 0) {
    throw new DomainError("model.latents", "at least one latent site (m.sample outside or inside the plate)", "none");
  }
  for (const site of model.latents) {
    if (isDiscrete(site.support)) {
      throw new DomainError(`model.latents.${site.name}.support`, "a continuous support (real, positive, interval, simplex: Gaussian families live in unconstrained space)", describeSupport(site.support));
    }
    assertInteger(`model.latents.${site.name}.dim`, site.dim, 1);
  }
  return local;
}

/** makeFamily(model, data, { kind: "fvi" | "const" | "avi", net?, features? }): the family switch of the A-VI study. */
export function makeFamily(model: Model | ProbModel, data: Dataset | null, options: FamilyOptions): Family {
  if (!options || typeof options !== "object") throw new DomainError("options", '{ kind: "fvi" | "const" | "avi", ... }', String(options));
  assertKnownOptions("options", options, ["kind", "net", "features", "standardize", "seed", "rng", "initLogStd", "globalInit"]);
  return new Family(model, data, options);
}
