import { add, sub } from "../../autodiff/ops/binary.js";
import { categoricalLogProb, sampleCategorical } from "../../autodiff/ops/categorical.js";
import { gatherRows } from "../../autodiff/ops/gather.js";
import { concatCols, oneHot, repeatRows, sliceCols } from "../../autodiff/ops/shape.js";
import { noGrad } from "../../autodiff/tape.js";
import { AmortviError, DomainError, ShapeError, UnknownNameError, assertInteger, assertKnownOptions } from "../../core/errors.js";
import { Rng } from "../../core/rng.js";
import { tidy } from "../../core/scope.js";
import { Tensor } from "../../core/tensor.js";
import { describeSupport, type Support } from "../../distributions/support.js";
import type { ProbModel } from "../../model/model.js";
import { asEngineModel } from "../../model/engine-model.js";
import type { Bijector } from "../../model/transforms/bijector.js";
import { transformTo } from "../../model/transforms/transform-to.js";
import type { Guide, GuideSample } from "../../models/guide.js";
import type { Batch, LatentSite, LatentValues, Model } from "../../models/model.js";
import { ParamSpecs, type Param } from "../../nn/module.js";
import type { ParamStore } from "../../nn/param-store.js";
import type { Dataset } from "./dataset.js";
import { diagonalGaussian, type ConditionalDensity, type DensityFamily } from "./density.js";
import { observationFeatures, type FeatureMap } from "./features.js";
import { buildFeatureTable } from "./feature-table.js";
import { mlpNet, type InferenceNet, type OutputNet } from "./nets.js";
import { withSummary, type SummaryNet } from "./summary.js";

/** The inference network of an amortized autoGuide. */
export interface AmortizedOptions {
  /** The network (must have buildOutput). Default: mlpNet({ width, depth, activation }). */
  net?: InferenceNet;
  /** Hidden width of the default network. Default: 32. */
  width?: number;
  /** Hidden layers of the default network. Default: 2. */
  depth?: number;
  /** Activation of the default network. Default: "tanh". */
  activation?: "tanh" | "relu" | "leakyRelu" | "sigmoid" | "softplus" | "identity";
  /** The network's input for datapoint n. Default: x_n. */
  features?: FeatureMap;
  /** A trainable summary network between the features and the network (deepSets, conv1d, gru): net(summary(features)). */
  summary?: SummaryNet;
  /** Standardize the features per column over the data set. Default: false. */
  standardize?: boolean;
}

export interface AutoGuideOptions {
  /** The data set: needed by F-VI (one factor per datapoint) and by features other than x_n. */
  data?: Dataset | null;
  /**
   * false: F-VI, free conditioning rows per datapoint; "const": one shared
   * row for every datapoint; an object: an inference network of the
   * datapoint's features (A-VI). Default: {} (an MLP of x_n).
   */
  amortized?: false | "const" | AmortizedOptions;
  /** The posterior family of every continuous factor. Default: diagonalGaussian(). */
  family?: DensityFamily;
  /** Per-site families overriding `family` (by site name). */
  families?: Record<string, DensityFamily>;
  /** One factor over all continuous local sites jointly (a flow or full-rank Gaussian across sites). Default: false (mean-field across sites). */
  joint?: boolean;
  /**
   * Structured factors: dependsOn.y = ["z"] makes q(y | x, z): y's factor is
   * computed by its own network from the features and z's draw (one-hot if
   * z is categorical). Amortized guides only; parents come first.
   */
  dependsOn?: Record<string, readonly string[]>;
  /**
   * "prior": every factor without parents starts at the prior's moments in
   * unconstrained space (estimated from joint draws; log-sds clamped to
   * [-4, 4]; a model that needs data to draw, e.g. a covariate, starts as
   * with "zero"), a categorical site at its prior frequencies; "zero": N(0, exp(initLogStd)^2) and uniform
   * logits. Structured factors (dependsOn) start as with "zero". Default: "prior".
   */
  init?: "prior" | "zero";
  /** Initial log-std with init "zero". Default: 0. */
  initLogStd?: number;
  /** Joint draws used to estimate the prior's moments. Default: 512. */
  initSamples?: number;
  /**
   * Start the conditioning rows at another guide's (semi-amortized
   * inference: Kim et al. 2018; Krishnan et al. 2018): an F-VI guide's row n
   * is `initFrom`'s conditioning row of datapoint n of `data` (its network's
   * output), a Const guide's row their mean; global rows are copied. Same
   * sites and families; no structured factors.
   */
  initFrom?: AutoGuide;
  /** Seed of the initialization. Default: 0. */
  seed?: number;
  rng?: Rng;
}

/** A factor of the guide: a continuous block over one or more sites, or a categorical site. */
interface Unit {
  readonly sites: readonly LatentSite[];
  readonly scope: "local" | "global";
  readonly kind: "continuous" | "categorical";
  /** Unconstrained sizes of the sites (continuous) or [K] (categorical). */
  readonly sizes: readonly number[];
  readonly bijectors: readonly Bijector[];
  readonly density: ConditionalDensity | null;
  readonly family: DensityFamily | null;
  readonly K: number;
  /** Values of the conditioning row. */
  readonly P: number;
  readonly parents: readonly string[];
  /** Offset of the unit's context in the root context (units without parents). */
  offset: number;
  /** The unit's own network (units with parents), or its free row (globals). */
  net: OutputNet | null;
  free: Param | null;
}

interface SourceRow {
  /** Free rows [N or 1, P] (F-VI / Const). */
  free: Param | null;
  net: OutputNet | null;
}

/** K of a categorical or boolean site, or null for continuous supports; throws for supports no family handles. */
function categories(site: LatentSite): number | null {
  const s: Support = site.support;
  if (s.kind === "categorical") return s.K;
  if (s.kind === "boolean") return 2;
  if (s.kind === "count") {
    throw new DomainError(`site ${site.name}.support`, "a support some family handles: real, positive, interval, simplex (continuous) or categorical / boolean (logits)", `${describeSupport(s)} (an unbounded count: no variational family here; marginalize it in the model or give it a categorical truncation)`);
  }
  return null;
}

/**
 * An automatic guide q(z | x) built from a model's sites (ADVI's automatic
 * transforms, Kucukelbir et al. 2017, with amortization, Kingma & Welling
 * 2014; Pyro's AutoNormal / AutoMultivariateNormal / AutoIAF build only the
 * factorized version). Each continuous factor lives in unconstrained space:
 * u ~ q(u | c), value = T(u) with T = transformTo(support), and
 *   log q(x) = log q(u | c) - log |det J_T(u)|;
 * a categorical site has q(k | c) = Categorical(softmax(c)), drawn without
 * reparameterization (its log q is the score-function part, logQScore) or
 * enumerated by the objective (enumerationSite). The conditioning rows c are
 * free per datapoint (F-VI), one shared row (Const), or the output of an
 * inference network of the datapoint's features (A-VI); global sites get a
 * free row each.
 */
export class AutoGuide implements Guide {
  readonly model: Model;
  readonly mode: "fvi" | "const" | "avi";
  readonly N: number;
  readonly family: DensityFamily;
  readonly localStore: ParamStore | null;
  readonly globalStore: ParamStore | null;
  private readonly units: Unit[];
  private readonly root: SourceRow;
  private readonly rootP: number;
  private readonly featureTable: Tensor | null;
  private readonly featureName: string;
  private readonly featureSize: number;

  constructor(modelIn: Model | ProbModel, options: AutoGuideOptions = {}) {
    assertKnownOptions("options", options, ["data", "amortized", "family", "families", "joint", "dependsOn", "init", "initLogStd", "initSamples", "initFrom", "seed", "rng"]);
    const model = asEngineModel(modelIn);
    this.model = model;
    const data = options.data ?? null;
    const amortized = options.amortized === undefined ? {} : options.amortized;
    if (amortized !== false && amortized !== "const" && (typeof amortized !== "object" || amortized === null)) {
      throw new DomainError("amortized", 'false (F-VI), "const" or an object of inference-network options', JSON.stringify(amortized));
    }
    this.mode = amortized === false ? "fvi" : amortized === "const" ? "const" : "avi";
    const net = typeof amortized === "object" ? amortized : null;
    if (net) assertKnownOptions("amortized", net, ["net", "width", "depth", "activation", "features", "standardize", "summary"]);
    if (this.mode === "fvi" && !data) throw new DomainError("data", "a Dataset (F-VI has one factor per datapoint)", String(data));
    if (net && (net.features || net.standardize) && !data) throw new DomainError("data", "a Dataset (features are computed from the data)", String(data));
    this.N = data?.N ?? 0;
    this.family = options.family ?? diagonalGaussian();
    const init = options.init ?? "prior";
    if (init !== "prior" && init !== "zero") throw new UnknownNameError("init", '"prior" or "zero"', JSON.stringify(init));
    const initLogStd = options.initLogStd ?? 0;
    if (!Number.isFinite(initLogStd)) throw new DomainError("initLogStd", "a finite number", String(initLogStd));
    if (!Array.isArray(model.latents) || model.latents.length === 0) {
      throw new DomainError("model.latents", "at least one latent site (m.sample outside or inside the plate)", "none");
    }
    const rng = options.rng ?? new Rng(options.seed ?? 0);
    if (!(rng instanceof Rng)) throw new DomainError("rng", "an Rng", String(rng));
    const dependsOn = options.dependsOn ?? {};
    const families = options.families ?? {};
    for (const name of [...Object.keys(dependsOn), ...Object.keys(families)]) {
      if (!model.latents.some((s) => s.name === name)) throw new UnknownNameError(`site "${name}"`, `one of the model's latent sites (${model.latents.map((s) => s.name).join(", ")})`, name);
    }

    // --- factors
    const locals = model.latents.filter((s) => s.scope === "local");
    const globals = model.latents.filter((s) => s.scope === "global");
    const specs = new ParamSpecs();
    const gspecs = new ParamSpecs();
    const units: Unit[] = [];
    const continuousUnit = (sites: LatentSite[], scope: "local" | "global", parents: readonly string[], fam: DensityFamily, where: ParamSpecs): Unit => {
      const bijectors = sites.map((s) => transformTo(s.support));
      const sizes = sites.map((s, i) => bijectors[i].unconstrainedSize(s.dim));
      const dim = sizes.reduce((a, b) => a + b, 0);
      const density = fam.build(where.scope(`density.${sites.map((s) => s.name).join("+")}`), dim);
      return { sites, scope, kind: "continuous", sizes, bijectors, density, family: fam, K: 0, P: density.contextSize, parents, offset: 0, net: null, free: null };
    };
    for (const site of globals) {
      if (categories(site) !== null) throw new DomainError(`site ${site.name}`, "a continuous global site (categorical globals: enumerate them in the model)", describeSupport(site.support));
      if (dependsOn[site.name]) throw new DomainError(`dependsOn.${site.name}`, "a local site (global factors are free rows)", "a global site");
      units.push(continuousUnit([site], "global", [], families[site.name] ?? this.family, gspecs));
    }
    const jointSites: LatentSite[] = [];
    for (const site of locals) {
      const parents = dependsOn[site.name] ?? [];
      for (const p of parents) {
        const ps = locals.find((s) => s.name === p);
        if (!ps) throw new DomainError(`dependsOn.${site.name}`, "names of local sites", JSON.stringify(p));
        if (!units.some((u) => u.sites.some((s) => s.name === p))) throw new DomainError(`dependsOn.${site.name}`, `parents declared before "${site.name}" in the model`, JSON.stringify(p));
      }
      if (parents.length > 0 && this.mode !== "avi") throw new DomainError("dependsOn", "an amortized guide (a structured factor is a network of its parents' draws)", this.mode === "fvi" ? "amortized: false" : 'amortized: "const"');
      const K = categories(site);
      if (K !== null) {
        units.push({ sites: [site], scope: "local", kind: "categorical", sizes: [K], bijectors: [], density: null, family: null, K, P: K, parents, offset: 0, net: null, free: null });
      } else if (options.joint && parents.length === 0 && !families[site.name]) {
        jointSites.push(site);
      } else {
        units.push(continuousUnit([site], "local", parents, families[site.name] ?? this.family, specs));
      }
    }
    if (jointSites.length > 0) units.push(continuousUnit(jointSites, "local", [], this.family, specs));
    this.units = units;

    // --- conditioning sources
    const features = net?.features ?? observationFeatures();
    const F = this.mode === "avi" ? (data ? features.size(data.N, data.D) : model.obsDim) : 0;
    this.featureName = features.name;
    this.featureSize = F;
    this.featureTable = this.mode === "avi" && data && (net?.features || net?.standardize) ? buildFeatureTable(features, data, F, net?.standardize ?? false) : null;
    const rootUnits = units.filter((u) => u.scope === "local" && u.parents.length === 0);
    let offset = 0;
    for (const u of rootUnits) {
      u.offset = offset;
      offset += u.P;
    }
    this.rootP = offset;
    const base = net?.net ?? mlpNet({ width: net?.width ?? 32, depth: net?.depth ?? 2, activation: net?.activation ?? "tanh" });
    const inet = net?.summary ? withSummary(net.summary, base) : base;
    if (this.mode === "avi" && !inet.buildOutput) throw new DomainError("amortized.net", "a network with buildOutput (e.g. mlpNet)", inet.name);
    const rows = this.mode === "fvi" ? this.N : 1;
    this.root = { free: null, net: null };
    if (this.rootP > 0) {
      if (this.mode === "avi") this.root.net = inet.buildOutput!(specs.scope("net"), F, this.rootP);
      else this.root.free = specs.add("context", [rows, this.rootP], "zeros");
    }
    for (const u of units) {
      if (u.scope === "global") u.free = gspecs.add(`${u.sites[0].name}.context`, [1, u.P], "zeros");
      else if (u.parents.length > 0) {
        const extra = u.parents.reduce((s, p) => s + this.parentWidth(p), 0);
        u.net = inet.buildOutput!(specs.scope(`net.${u.sites[0].name}`), F + extra, u.P);
      }
    }
    this.localStore = specs.count > 0 ? specs.build(rng) : null;
    this.globalStore = gspecs.count > 0 ? gspecs.build(rng) : null;

    // --- initial conditioning rows
    const moments = init === "prior" ? priorMomentsOrNull(model, units, options.initSamples ?? 512, rng.fork(7919)) : null;
    const rootRow = new Float64Array(this.rootP);
    for (const u of units) {
      // a structured factor's prior is conditional on its parents: the marginal moments (broad, mixing the parents' branches) are a poor start, so it starts at N(0, exp(initLogStd)^2)
      const row = this.initialRow(u, u.parents.length ? null : moments, initLogStd);
      if (u.scope === "global") u.free!.tensor.set(row);
      else if (u.net) u.net.initOutput(row, 0.1);
      else rootRow.set(row, u.offset);
    }
    if (this.root.net) this.root.net.initOutput(rootRow, 0.1);
    if (options.initFrom) this.copyFrom(options.initFrom, data);
    else if (this.root.free) {
      const t = this.root.free.tensor;
      const all = new Float64Array(t.size);
      for (let r = 0; r < t.rows; r++) all.set(rootRow, r * this.rootP);
      t.set(all);
    }
  }

  /** Conditioning rows (and global rows) taken from another guide of the same structure (see AutoGuideOptions.initFrom). */
  private copyFrom(other: AutoGuide, data: Dataset | null): void {
    if (!(other instanceof AutoGuide)) throw new DomainError("initFrom", "an AutoGuide", String(other));
    const same = other.units.length === this.units.length && other.units.every((u, i) => u.P === this.units[i].P && u.sites.map((s) => s.name).join() === this.units[i].sites.map((s) => s.name).join());
    if (!same) throw new DomainError("initFrom", "a guide with the same sites, factors and families", "a different structure");
    if (this.units.some((u) => u.parents.length > 0) || other.units.some((u) => u.parents.length > 0)) throw new DomainError("initFrom", "guides without structured factors (dependsOn)", "a structured guide");
    this.units.forEach((u, i) => {
      if (u.scope === "global") u.free!.tensor.set(other.units[i].free!.tensor.toArray());
    });
    // the densities' own parameters (a flow's conditioners) start as the other guide's
    for (const [mine, theirs] of [[this.localStore, other.localStore], [this.globalStore, other.globalStore]] as const) {
      if (!mine || !theirs) continue;
      for (const name of mine.names) if (name.startsWith("density.") && theirs.has(name)) mine.get(name).set(theirs.get(name).toArray());
    }
    if (!this.root.free) {
      if (this.root.net && other.root.net) throw new DomainError("initFrom", "a target guide with free rows (amortized: false or \"const\")", "an amortized guide");
      return;
    }
    if (!other.root.free && !data) throw new DomainError("data", "the data set whose network outputs start the free rows", String(data));
    const rows = other.root.free ? other.root.free.tensor.toArray() : noGrad(() => tidy(() => other.contexts(data!.full()).toArray()));
    const P = this.rootP;
    const n = rows.length / P;
    const t = this.root.free.tensor;
    if (this.mode === "fvi" && n === t.rows) t.set(rows);
    else {
      const mean = new Float64Array(P);
      for (let r = 0; r < n; r++) for (let j = 0; j < P; j++) mean[j] += rows[r * P + j] / n;
      const all = new Float64Array(t.size);
      for (let r = 0; r < t.rows; r++) all.set(mean, r * P);
      t.set(all);
    }
  }

  /**
   * How much the conditioning rows vary across the datapoints of `data`:
   * per column, sd over the datapoints / (1 + |mean|). An amortized guide
   * whose every column is ~0 ignores its input (collapsed to Const).
   */
  inputSensitivity(data: Dataset): { spread: number[] } {
    const rows = noGrad(() => tidy(() => this.contexts(data.full()).toRows()));
    const P = this.rootP;
    const spread: number[] = [];
    for (let j = 0; j < P; j++) {
      const col = rows.map((r) => r[j]);
      const m = col.reduce((s, v) => s + v, 0) / col.length;
      const sd = Math.sqrt(col.reduce((s, v) => s + (v - m) ** 2, 0) / col.length);
      spread.push(sd / (1 + Math.abs(m)));
    }
    return { spread };
  }

  /**
   * The health of an amortized guide's network and latents on `data`:
   * - deadUnits[l]: hidden units of ReLU layer l that are 0 for every
   *   datapoint (a dead ReLU never recovers: its gradient is 0 everywhere);
   * - activity[j]: Cov_x(E_q[u_j | x]) for each unconstrained coordinate of
   *   the continuous local factors (Burda et al. 2016: a unit is active when
   *   above 0.01; with the diagonal Gaussian E_q[u] is the mean output,
   *   otherwise the mean of `samples` draws);
   * - klPerUnit[j] (diagonal Gaussian only): the mean over the data of
   *   KL(q(u_j | x) || N(m_j, s_j^2)), (m_j, s_j) the prior's moments of u_j
   *   (estimated from joint draws; null when the model cannot draw without
   *   data): a unit whose KL is ~0 carries no information about x (posterior collapse).
   */
  health(data: Dataset, { samples = 64, rng = new Rng(0), priorSamples = 512 }: { samples?: number; rng?: Rng; priorSamples?: number } = {}): {
    deadUnits: number[];
    hiddenUnits: number[];
    coordinates: string[];
    activity: number[];
    activeUnits: number;
    klPerUnit: number[] | null;
  } {
    const batch = data.full();
    const N = data.N;
    const roots = this.units.filter((u) => u.scope === "local" && u.parents.length === 0 && u.kind === "continuous");
    const coordinates = roots.flatMap((u) => u.sites.flatMap((s, i) => Array.from({ length: u.sizes[i] }, (_, j) => (u.sizes[i] > 1 ? `${s.name}[${j}]` : s.name))));
    return noGrad(() =>
      tidy(() => {
        const deadUnits: number[] = [];
        const hiddenUnits: number[] = [];
        if (this.root.net?.hidden) {
          for (const { activation, values } of this.root.net.hidden(this.input(batch))) {
            if (activation !== "relu") continue; // only a ReLU unit can be exactly zero everywhere (dead)
            const rows = values.toRows();
            const width = values.cols;
            let dead = 0;
            for (let j = 0; j < width; j++) if (rows.every((r) => r[j] <= 0)) dead++;
            deadUnits.push(dead);
            hiddenUnits.push(width);
          }
        }
        const ctx = this.rootP > 0 ? this.contexts(batch).toRows() : [];
        const means: number[][] = Array.from({ length: N }, () => []);
        const diagonal = roots.every((u) => u.family!.name === "diagonal Gaussian");
        for (const u of roots) {
          const dim = u.density!.dim;
          if (diagonal) ctx.forEach((r, n) => means[n].push(...r.slice(u.offset, u.offset + dim)));
          else {
            const c = sliceCols(this.contexts(batch), u.offset, u.offset + u.P);
            const acc: number[][] = Array.from({ length: N }, () => new Array(dim).fill(0));
            for (let s = 0; s < samples; s++) {
              const d = u.density!.rsample(c, rng).u.toRows();
              d.forEach((r, n) => r.forEach((v, j) => (acc[n][j] += v / samples)));
            }
            acc.forEach((r, n) => means[n].push(...r));
          }
        }
        const D = coordinates.length;
        const activity: number[] = [];
        for (let j = 0; j < D; j++) {
          const col = means.map((r) => r[j]);
          const m = col.reduce((a, b) => a + b, 0) / N;
          activity.push(col.reduce((a, b) => a + (b - m) ** 2, 0) / Math.max(1, N - 1));
        }
        let klPerUnit: number[] | null = null;
        if (diagonal && D > 0) {
          const moments = priorMomentsOrNull(this.model, roots, priorSamples, rng.fork(3));
          klPerUnit = moments ? [] : null;
          for (const u of roots) {
            const dim = u.density!.dim;
            const pm = u.sites.flatMap((s) => moments?.get(s.name)?.mean ?? []);
            const ps = u.sites.flatMap((s) => moments?.get(s.name)?.logStd ?? []);
            for (let j = 0; j < dim && klPerUnit; j++) {
              let kl = 0;
              for (const r of ctx) {
                const mq = r[u.offset + j];
                const lq = r[u.offset + dim + j];
                const lp = ps[j] ?? 0;
                kl += (lp - lq + (Math.exp(2 * lq) + (mq - (pm[j] ?? 0)) ** 2) / (2 * Math.exp(2 * lp)) - 0.5) / N;
              }
              klPerUnit!.push(kl);
            }
          }
        }
        return { deadUnits, hiddenUnits, coordinates, activity, activeUnits: activity.filter((a) => a > 0.01).length, klPerUnit };
      }),
    );
  }

  /** The conditioning rows of a batch's datapoints (all root factors side by side), [B, P]: the network's output for an amortized guide. */
  contexts(batch: Batch): Tensor {
    if (this.rootP === 0) throw new DomainError("guide", "local factors without parents", "none");
    return this.rootContext(batch, this.mode === "avi" ? this.input(batch) : null)!;
  }

  private parentWidth(name: string): number {
    const u = this.units.find((v) => v.sites.some((s) => s.name === name))!;
    return u.kind === "categorical" ? u.K : u.sites.find((s) => s.name === name)!.dim;
  }

  private initialRow(u: Unit, moments: Map<string, { mean: number[]; logStd: number[]; logits?: number[] }> | null, initLogStd: number): Float64Array {
    if (u.kind === "categorical") {
      const m = moments?.get(u.sites[0].name);
      return Float64Array.from(m?.logits ?? new Array(u.K).fill(0));
    }
    const mean: number[] = [];
    const logStd: number[] = [];
    u.sites.forEach((s, i) => {
      const m = moments?.get(s.name);
      mean.push(...(m?.mean ?? new Array(u.sizes[i]).fill(0)));
      logStd.push(...(m?.logStd ?? new Array(u.sizes[i]).fill(initLogStd)));
    });
    const row = u.family!.initialContext(mean, logStd);
    if (row.length !== u.P) throw new ShapeError(`${u.family!.name}.initialContext`, `${u.P} values (its contextSize)`, `${row.length} values`);
    return row;
  }

  get params(): ParamStore[] {
    return [this.localStore, this.globalStore].filter((s): s is ParamStore => s !== null && s.size > 0);
  }

  /** Number of variational parameters. */
  get parameterCount(): number {
    return this.params.reduce((s, p) => s + p.size, 0);
  }

  dispose(): void {
    for (const p of this.params) p.dispose();
    this.featureTable?.dispose();
  }

  /** The inference network's (or the free rows') input for a batch: [B, F]. */
  private input(batch: Batch): Tensor {
    const B = batch.obs.rows;
    return this.featureTable ? gatherRows(this.featureTable, this.indices(batch)) : batch.obs.reshape([B, batch.obs.cols]);
  }

  /** The root conditioning rows of a batch, [B, rootP]. */
  private rootContext(batch: Batch, input: Tensor | null): Tensor | null {
    if (this.rootP === 0) return null;
    const B = batch.obs.rows;
    if (this.root.net) return this.root.net.forward(input!);
    const t = this.root.free!.tensor;
    return this.mode === "const" ? repeatRows(t, B) : gatherRows(t, this.indices(batch));
  }

  /** Draws every factor (or takes its value from `given`); rows = context rows. */
  private run(batch: Batch, rng: Rng | null, given: LatentValues | undefined, K = 1): GuideSample {
    const rowsIn = batch.obs.rows;
    const rows = rowsIn * K;
    const input0 = this.mode === "avi" ? this.input(batch) : null;
    const ctx0 = this.rootContext(batch, input0);
    const ctx = ctx0 && K > 1 ? repeatRows(ctx0, K) : ctx0;
    const input = input0 && K > 1 && this.units.some((u) => u.net) ? repeatRows(input0, K) : input0;
    const values: LatentValues = {};
    let logQ: Tensor | null = null;
    let logQScore: Tensor | null = null;
    let logQGlobal: Tensor | null = null;
    const addTo = (a: Tensor | null, b: Tensor) => (a ? add(a, b) : b);
    for (const u of this.units) {
      const n = u.scope === "global" ? 1 : rows;
      let c: Tensor;
      if (u.scope === "global") c = u.free!.tensor;
      else if (u.net) {
        const parts = [input!, ...u.parents.map((p) => this.parentInput(p, values))];
        c = u.net.forward(concatCols(parts));
      } else c = u.P === this.rootP ? ctx! : sliceCols(ctx!, u.offset, u.offset + u.P);
      let lq: Tensor;
      if (u.kind === "categorical") {
        const name = u.sites[0].name;
        const fixed = given?.[name];
        let k: Int32Array;
        if (fixed !== undefined) {
          if (!(fixed instanceof Int32Array) || fixed.length !== n) throw new ShapeError(`given.${name}`, `an Int32Array of ${n} category indices`, fixed instanceof Int32Array ? `${fixed.length} indices` : "a Tensor");
          k = fixed;
        } else k = sampleCategorical(c, rng!);
        values[name] = k;
        lq = categoricalLogProb(c, k);
        if (fixed === undefined) logQScore = addTo(logQScore, lq);
      } else {
        const names = u.sites.map((s) => s.name);
        const fixed = names.map((nm) => given?.[nm]);
        if (fixed.some((f) => f !== undefined) && fixed.some((f) => f === undefined)) {
          throw new ShapeError("given", `values of all of ${names.join(", ")} (one joint factor) or none`, `some of them`);
        }
        if (fixed[0] !== undefined) {
          const us = fixed.map((f, i) => {
            const site = u.sites[i];
            const dx = u.bijectors[i].constrainedSize(u.sizes[i]);
            if (!(f instanceof Tensor && f.rows === n && f.cols === dx)) throw new ShapeError(`given.${site.name}`, `a Tensor [${n}, ${dx}]`, f instanceof Tensor ? `shape [${f.shape}]` : "an Int32Array");
            values[site.name] = f;
            return u.bijectors[i].inverse(f);
          });
          const uAll = us.length === 1 ? us[0] : concatCols(us);
          lq = u.density!.logProb(uAll, c);
          us.forEach((ui, i) => (lq = sub(lq, u.bijectors[i].logAbsDetJacobian(ui))));
        } else {
          const d = u.density!.rsample(c, rng!);
          lq = d.logQ;
          if (d.logQScore) logQScore = addTo(logQScore, d.logQScore);
          let at = 0;
          u.sites.forEach((site, i) => {
            const ui = u.sites.length === 1 ? d.u : sliceCols(d.u, at, at + u.sizes[i]);
            at += u.sizes[i];
            const T = u.bijectors[i];
            if (T.name === "identity") values[site.name] = ui;
            else {
              const { value, logDet } = T.forwardWithLogDet(ui);
              values[site.name] = value;
              lq = sub(lq, logDet);
            }
          });
        }
      }
      if (u.scope === "global") logQGlobal = addTo(logQGlobal, lq);
      else logQ = addTo(logQ, lq);
    }
    return { values, logQ: logQ ?? Tensor.zeros([rows]), logQScore, ...(logQGlobal ? { logQGlobal } : {}) };
  }

  private parentInput(name: string, values: LatentValues): Tensor {
    const v = values[name];
    const u = this.units.find((w) => w.sites.some((s) => s.name === name))!;
    return v instanceof Int32Array ? oneHot(v, u.K) : v;
  }

  sample(batch: Batch, rng: Rng, given?: LatentValues): GuideSample {
    return this.run(batch, rng, given);
  }

  sampleRepeated(batch: Batch, K: number, rng: Rng): GuideSample {
    assertInteger("K", K, 1);
    if (this.units.some((u) => u.scope === "global")) throw new DomainError("guide", "local sites only (repeated draws of a guide with globals: sample on a repeated batch)", "a guide with global sites");
    return this.run(batch, rng, undefined, K);
  }

  logProb(values: LatentValues, batch: Batch): Tensor {
    const local: LatentValues = {};
    for (const u of this.units) {
      if (u.scope !== "local") continue;
      for (const s of u.sites) {
        if (values[s.name] === undefined) throw new ShapeError(`values.${s.name}`, `a value of site ${s.name}`, "nothing");
        local[s.name] = values[s.name];
      }
    }
    const onlyLocal = this.units.filter((u) => u.scope === "local");
    if (onlyLocal.length === this.units.length) return this.run(batch, null, local).logQ;
    // globals present: evaluate with their values given too (their log q goes to logQGlobal)
    const all = { ...local };
    for (const u of this.units) if (u.scope === "global") for (const s of u.sites) all[s.name] = values[s.name] ?? this.meanValue(u);
    return this.run(batch, null, all).logQ;
  }

  private meanValue(u: Unit): Tensor {
    return u.bijectors[0].forward(sliceCols(u.free!.tensor, 0, u.sizes[0]));
  }

  enumerationSite(batch: Batch): { name: string; logits: Tensor } {
    const u = this.units.find((v) => v.kind === "categorical" && v.parents.length === 0);
    if (!u) throw new DomainError("guide", "a categorical local site to enumerate", "none");
    const ctx = this.rootContext(batch, this.mode === "avi" ? this.input(batch) : null)!;
    return { name: u.sites[0].name, logits: u.P === this.rootP ? ctx : sliceCols(ctx, u.offset, u.offset + u.P) };
  }

  private indices(batch: Batch): Int32Array {
    if (batch.index) return batch.index;
    if (batch.obs.rows === this.N) return Int32Array.from({ length: this.N }, (_, i) => i);
    throw new ShapeError("batch.index", `datapoint indices (an ${this.mode === "fvi" ? "F-VI" : "amortized"} guide with per-datapoint inputs), or all N = ${this.N} rows`, `no index with ${batch.obs.rows} rows`);
  }

  /** A table of the guide: one line per site with its support, transform, factor, conditioning and parameters. */
  summary(): string {
    const source = this.mode === "fvi" ? `free rows [${this.N}, P] (F-VI)` : this.mode === "const" ? "one free row (Const)" : `inference network on ${this.featureName} (${this.featureSize} inputs)`;
    const lines = [`AutoGuide of "${this.model.name}": ${this.mode === "avi" ? "amortized" : this.mode === "fvi" ? "factorized (F-VI)" : "shared (Const)"}; local conditioning: ${source}`];
    lines.push("site         scope   support              transform            factor                          context");
    for (const u of this.units) {
      const factor = u.kind === "categorical" ? `Categorical(${u.K} logits)` : u.density!.name + (u.sites.length > 1 ? ` over ${u.sites.map((s) => s.name).join("+")}` : "");
      const cond = u.scope === "global" ? "free row" : u.parents.length ? `network of x, ${u.parents.join(", ")}` : "root";
      u.sites.forEach((s, i) => {
        lines.push(
          `${s.name.padEnd(12)} ${u.scope.padEnd(7)} ${describeSupport(s.support).padEnd(20)} ${(u.kind === "categorical" ? "-" : u.bijectors[i].name).padEnd(20)} ${factor.padEnd(31)} ${u.P} (${cond})`,
        );
      });
    }
    const count = (st: ParamStore | null) => st?.size ?? 0;
    lines.push(`parameters: ${this.parameterCount} (local ${count(this.localStore)}, global ${count(this.globalStore)})`);
    return lines.join("\n");
  }
}

/**
 * Means and log-sds of each continuous site's unconstrained value, and
 * log-frequencies (add-one smoothed) of each categorical site's values,
 * estimated from draws of the model's joint (the prior, then the observations).
 */
function priorMoments(model: Model, units: readonly Unit[], draws: number, rng: Rng): Map<string, { mean: number[]; logStd: number[]; logits?: number[] }> | null {
  assertInteger("initSamples", draws, 2);
  if (!model.sampleJoint) return null;
  const acc = new Map<string, { s: number[]; s2: number[]; n: number; counts?: number[] }>();
  const hasGlobals = units.some((u) => u.scope === "global");
  // each joint draw holds one value of a global site: globals need a draw per sample
  const rounds = hasGlobals ? Math.min(draws, 4096) : 1;
  const perRound = hasGlobals ? Math.max(1, Math.ceil(draws / rounds)) : draws;
  noGrad(() =>
    tidy(() => {
      for (let r = 0; r < rounds; r++) {
        const { values } = model.sampleJoint!(perRound, rng);
        for (const u of units) {
          u.sites.forEach((site, i) => {
            const v = values[site.name];
            if (v === undefined) return;
            let a = acc.get(site.name);
            if (u.kind === "categorical") {
              if (!a) acc.set(site.name, (a = { s: [], s2: [], n: 0, counts: new Array(u.K).fill(1) }));
              for (const k of v instanceof Int32Array ? v : (v as Tensor).toArray()) if (k >= 0 && k < u.K) a.counts![k]++;
              return;
            }
            if (!(v instanceof Tensor)) return;
            const uu = u.bijectors[i].inverse(v.rank === 2 ? v : v.reshape([v.size / site.dim, site.dim])).toArray();
            const d = u.sizes[i];
            if (!a) acc.set(site.name, (a = { s: new Array(d).fill(0), s2: new Array(d).fill(0), n: 0 }));
            for (let j = 0; j < uu.length; j++) {
              const x = uu[j];
              if (!Number.isFinite(x)) continue;
              a.s[j % d] += x;
              a.s2[j % d] += x * x;
            }
            a.n += uu.length / d;
          });
        }
      }
    }),
  );
  const out = new Map<string, { mean: number[]; logStd: number[]; logits?: number[] }>();
  for (const [name, a] of acc) {
    if (a.counts) {
      const total = a.counts.reduce((x, y) => x + y, 0);
      out.set(name, { mean: [], logStd: [], logits: a.counts.map((c) => Math.log(c / total)) });
      continue;
    }
    const mean = a.s.map((s) => s / a.n);
    const logStd = a.s2.map((s2, j) => 0.5 * Math.log(Math.max(s2 / a.n - mean[j] ** 2, 1e-8)));
    out.set(name, { mean, logStd });
  }
  return out;
}

/**
 * priorMoments, or null when the model cannot draw from its joint without
 * data (a covariate read with m.data): the guide then starts as with init
 * "zero". Log-sds are clamped to [-4, 4] (a prior with no spread in its
 * draws would otherwise start the guide at a point mass).
 */
function priorMomentsOrNull(model: Model, units: readonly Unit[], draws: number, rng: Rng): ReturnType<typeof priorMoments> {
  let moments: ReturnType<typeof priorMoments>;
  try {
    moments = priorMoments(model, units, draws, rng);
  } catch (err) {
    if (err instanceof AmortviError && !(err instanceof DomainError && err.message.includes("initSamples"))) return null;
    throw err;
  }
  for (const m of moments?.values() ?? []) m.logStd = m.logStd.map((v) => Math.min(4, Math.max(-4, v)));
  return moments;
}

/**
 * autoGuide(model, options): a guide for every latent site of a model, in one
 * line (see AutoGuide): factorized (amortized: false), shared ("const") or
 * amortized by an inference network (the default), with any DensityFamily
 * (diagonalGaussian by default) for the continuous factors.
 */
export function autoGuide(model: Model | ProbModel, options: AutoGuideOptions = {}): AutoGuide {
  if (options === null || typeof options !== "object") throw new DomainError("options", "an object of autoGuide options", String(options));
  return new AutoGuide(model, options);
}

