import { mul } from "../autodiff/ops/binary.js";
import { sumCols } from "../autodiff/ops/reduce.js";
import { reshape } from "../autodiff/ops/shape.js";
import { DomainError, ShapeError, describeShape } from "../core/errors.js";
import type { Rng } from "../core/rng.js";
import { Tensor } from "../core/tensor.js";
import type { Distribution } from "../distributions/distribution.js";
import { describeSupport, firstOutsideSupport, isDiscrete } from "../distributions/support.js";
import type { Module } from "../nn/module.js";
import type { ParamStore } from "../nn/param-store.js";
import { checkJointRows, isJointRows } from "./joint-rows.js";
import { DuplicateSiteError, MissingObservationError, MissingValueError, SupportError } from "./site-errors.js";
import type { ParamSite, SampleSite, Scope } from "./site.js";

/** A value handed to a run for a site: a Tensor [rows, dim] (or [rows]), or category indices. */
export type SiteValue = Tensor | Int32Array;

/**
 * How a model function is run (the handlers, in Pyro's terms, folded into
 * one record):
 * - values: replay: latent sites named here take these values (their log p counts);
 * - data: condition: observed sites take their value from here by name, and
 *   `m.data(name)` reads covariates; every entry has the minibatch's B rows;
 * - dataSize: N, the full data set's size, so a plate scales its sites by N / B;
 * - size: the plate size when there is no data (prior predictive draws);
 * - rng: draws latents (and observations, when `sampleObserved`) not given;
 * - reparameterize: draw with rsample where the distribution allows (guides);
 * - requireValues: a latent with no given value is an error (scoring);
 * - validate: check given / observed values against their site's support.
 */
export interface RunSpec {
  values?: Readonly<Record<string, SiteValue | undefined>>;
  data?: Readonly<Record<string, Tensor | undefined>>;
  dataSize?: number;
  size?: number;
  rng?: Rng;
  reparameterize?: boolean;
  requireValues?: boolean;
  sampleObserved?: boolean;
  validate?: boolean;
}

/** Options of a sample site. */
export interface SampleOptions {
  /** Observed value (Pyro's obs=): the site is observed with this value. */
  obs?: Tensor;
  /** Reals per datapoint when the distribution's parameters are shared (e.g. new Normal(0, 1) with dim 3 draws [B, 3]). */
  dim?: number;
}

interface PlateFrame {
  name: string;
  size: number;
  rows: number;
}

/**
 * What a model function receives: `m.sample`, `m.observe`, `m.plate`,
 * `m.param`, `m.module`, `m.data`, `m.mask`, `m.scale`. One context is one
 * run of the model; the sites it records form the trace.
 */
export class ModelContext {
  readonly sites = new Map<string, SampleSite | ParamSite>();
  private frame: PlateFrame | null = null;
  private maskStack: Tensor[] = [];
  private scaleFactor = 1;

  constructor(
    readonly spec: RunSpec,
    private readonly paramStore: (name: string, init: Tensor | number | readonly number[], shape?: readonly number[]) => { store: ParamStore; tensor: Tensor },
  ) {}

  /**
   * A latent site (or an observed one with `{ obs }`): returns its value, a
   * Tensor [B, dim] inside a plate (B = the minibatch), [1, dim] outside.
   */
  sample(name: string, dist: Distribution, options: SampleOptions = {}): Tensor {
    if (options.obs !== undefined) return this.site(name, dist, true, options.obs, options.dim);
    return this.site(name, dist, false, undefined, options.dim);
  }

  /**
   * An observed site: its value comes from the run's data under `name`
   * (condition), or is drawn when the model runs forward (prior predictive,
   * synthetic data, pq / sleep samples).
   */
  observe(name: string, dist: Distribution, options: { dim?: number } = {}): Tensor {
    return this.site(name, dist, true, undefined, options.dim);
  }

  /**
   * The data axis: sites inside are local, one value per datapoint, batched
   * along the leading axis. `size` is the full data set's size N (default:
   * the run's dataSize, else the rows of its data, else its `size`); the
   * plate holds the run's B <= N rows and scales its sites by N / B
   * (subsampling, as Pyro's plate with subsample_size).
   */
  plate<T>(name: string, fn: () => T, options: { size?: number } = {}): T {
    if (this.frame) throw new DomainError(`plate "${name}"`, "one data plate per model (plates do not nest)", `inside plate "${this.frame.name}"`);
    const rows = this.dataRows() ?? options.size ?? this.spec.size ?? this.spec.dataSize ?? this.valueRows();
    const size = options.size ?? this.spec.dataSize ?? rows;
    if (rows === undefined || size === undefined) {
      throw new DomainError(`plate "${name}"`, "a size (options.size, the data given to the run, or the run's size)", "none");
    }
    if (!Number.isSafeInteger(size) || size < 1) throw new DomainError(`plate "${name}".size`, "an integer >= 1", String(size));
    if (rows > size) throw new ShapeError(`plate "${name}"`, `at most its size ${size} rows`, `${rows} rows of data`);
    this.frame = { name, size, rows };
    try {
      return fn();
    } finally {
      this.frame = null;
    }
  }

  /** Rows of the current plate's batch (1 outside a plate). */
  get rows(): number {
    return this.frame ? this.frame.rows : 1;
  }

  /** A covariate from the run's data, Tensor [B, c] (not a site: it has no distribution). */
  data(name: string): Tensor {
    const t = this.spec.data?.[name];
    if (!t) throw new MissingObservationError(`data.${name}`, `a Tensor for the covariate "${name}"`, "nothing");
    return t;
  }

  /**
   * A learnable point parameter of the model (maximum-likelihood / type-II,
   * as Pyro's param): created on first use from `init`, then the same
   * persistent tensor in every run; trained by fit().
   */
  param(name: string, init: Tensor | number | readonly number[], shape?: readonly number[]): Tensor {
    this.claim(name);
    const { store, tensor } = this.paramStore(name, init, shape);
    this.sites.set(name, { type: "param", name, store });
    return tensor;
  }

  /** Registers a module (e.g. a decoder MLP) whose parameters the model learns; returns it. */
  module<M extends Module>(name: string, mod: M): M {
    this.claim(name);
    if (!mod || typeof mod !== "object" || !("params" in mod)) throw new DomainError(`module "${name}"`, "a Module (an object with a ParamStore `params`)", String(mod));
    this.sites.set(name, { type: "param", name, store: mod.params as ParamStore });
    return mod;
  }

  /**
   * Sites inside count only where mask is 1: masking is how discrete control
   * flow is written (both branches are evaluated for every row; a row's
   * log p takes the branch its discrete value selects). mask: Tensor [B] of 0/1.
   */
  mask<T>(mask: Tensor, fn: () => T): T {
    if (mask.size !== this.rows) throw new ShapeError("mask", `${this.rows} values (one per row)`, `shape ${describeShape(mask.shape)}`);
    this.maskStack.push(reshape(mask, [mask.size]));
    try {
      return fn();
    } finally {
      this.maskStack.pop();
    }
  }

  /** Multiplies the log-density of the sites inside by c (tempering, or a custom subsampling factor). */
  scale<T>(c: number, fn: () => T): T {
    if (!(c >= 0) || !Number.isFinite(c)) throw new DomainError("scale", "a finite number >= 0", String(c));
    const was = this.scaleFactor;
    this.scaleFactor *= c;
    try {
      return fn();
    } finally {
      this.scaleFactor = was;
    }
  }

  private claim(name: string): void {
    if (typeof name !== "string" || name.length === 0) throw new DomainError("name", "a non-empty site name", JSON.stringify(name));
    if (this.sites.has(name)) throw new DuplicateSiteError(`site "${name}"`, "a name used once per model run", "a second site with this name");
  }

  /** Rows of the largest given latent value (a plate scored without data still knows its batch). */
  private valueRows(): number | undefined {
    let rows: number | undefined;
    for (const v of Object.values(this.spec.values ?? {})) {
      const r = v instanceof Tensor ? v.rows : v ? v.length : undefined;
      if (r !== undefined && (rows === undefined || r > rows)) rows = r;
    }
    return rows;
  }

  private dataRows(): number | undefined {
    const data = this.spec.data;
    if (!data) return undefined;
    for (const t of Object.values(data)) if (t) return t.rows;
    return undefined;
  }

  private site(name: string, dist: Distribution, observed: boolean, obs: Tensor | undefined, dimOption: number | undefined): Tensor {
    this.claim(name);
    if (!dist || typeof dist.logProb !== "function" || typeof dist.sample !== "function") {
      throw new DomainError(`site "${name}"`, "a Distribution", String(dist));
    }
    const rows = this.rows;
    if (isJointRows(dist)) checkJointRows(name, dist, this.frame);
    const scope: Scope = this.frame ? "local" : "global";
    const dim = dimOption ?? perRowSize(name, dist, rows);
    const discrete = isDiscrete(dist.support);
    let value: Tensor | undefined;
    let reparameterized = false;
    const given = observed ? (obs ?? this.spec.data?.[name]) : this.spec.values?.[name];
    if (given !== undefined) {
      value = asSiteValue(name, given, rows, dim);
      if (this.spec.validate) checkSupport(name, dist, value);
    } else if (observed && !this.spec.sampleObserved) {
      throw new MissingObservationError(`site "${name}"`, `observed data under "${name}" (${rows} rows of ${dim})`, "no value");
    } else if (!observed && this.spec.requireValues) {
      throw new MissingValueError(`site "${name}"`, `a value for the latent "${name}" ([${rows}, ${dim}])`, "no value");
    } else {
      const rng = this.spec.rng;
      if (!rng) throw new DomainError("rng", `a generator to draw site "${name}"`, "none");
      reparameterized = !discrete && !!this.spec.reparameterize && dist.reparameterized && !!dist.rsample;
      const draw = reparameterized ? dist.rsample!(rng, [rows, dim]) : dist.sample(rng, [rows, dim]);
      value = draw.size === rows * dim && (draw.rank !== 2 || draw.cols !== dim) ? reshape(draw, [rows, dim]) : draw;
      if (value.rows !== rows || value.cols !== dim) {
        throw new ShapeError(`site "${name}"`, `a draw of shape [${rows}, ${dim}]`, `shape ${describeShape(value.shape)}`);
      }
    }
    const logProb = rowLogProb(name, dist.logProb(value), rows);
    const mask = this.currentMask();
    const site: SampleSite = {
      type: "sample",
      name,
      observed,
      scope,
      plate: this.frame?.name ?? null,
      dist,
      support: dist.support,
      dim,
      value,
      logProb,
      subsample: this.frame ? this.frame.size / this.frame.rows : 1,
      scale: this.scaleFactor,
      mask,
      reparameterized,
    };
    this.sites.set(name, site);
    return value;
  }

  private currentMask(): Tensor | null {
    if (this.maskStack.length === 0) return null;
    let m = this.maskStack[0];
    for (let i = 1; i < this.maskStack.length; i++) m = mul(m, this.maskStack[i]);
    return m;
  }
}

/** Reals per row of a site: the distribution's draw shape without its leading batch (B rows, or 1). */
function perRowSize(name: string, dist: Distribution, rows: number): number {
  const full = [...dist.batchShape, ...dist.eventShape];
  if (full.length === 0) return 1;
  const lead = full[0];
  const rest = full.slice(1).reduce((a, b) => a * b, 1);
  if (full.length >= 2 && (lead === rows || lead === 1)) return rest;
  if (full.length === 1 && (lead === rows || lead === 1)) return 1;
  if (full.length === 1 && isVectorEvent(dist)) return lead;
  throw new ShapeError(`site "${name}"`, `a distribution of ${rows} rows (or one shared row) [${rows}, d]`, `draw shape ${describeShape(full)}`);
}

/** A distribution whose single axis is its event (Dirichlet [K], a multivariate Normal's loc [d]). */
function isVectorEvent(dist: Distribution): boolean {
  return dist.batchShape.length === 0 && dist.eventShape.length === 1;
}

/** A given value as a [rows, dim] Tensor (indices and 1-D tensors are reshaped); ShapeError naming the site otherwise. */
function asSiteValue(name: string, v: SiteValue, rows: number, dim: number): Tensor {
  if (v instanceof Int32Array) {
    if (v.length !== rows * dim) throw new ShapeError(`site "${name}"`, `${rows * dim} indices`, `${v.length}`);
    return Tensor.from(Float64Array.from(v), [rows, dim], "arena", undefined, `site "${name}"`);
  }
  if (!(v instanceof Tensor)) throw new ShapeError(`site "${name}"`, `a Tensor [${rows}, ${dim}]`, String(v));
  if (v.size !== rows * dim || (v.rank === 2 && v.cols !== dim) || v.rank > 2) {
    throw new ShapeError(`site "${name}"`, `a value of shape [${rows}, ${dim}]`, `shape ${describeShape(v.shape)}`);
  }
  return v.rank === 2 ? v : reshape(v, [rows, dim]);
}

/** The site's log p per row: sums any per-element log-densities over the row. */
function rowLogProb(name: string, lp: Tensor, rows: number): Tensor {
  if (lp.size === rows) return lp.rank === 1 ? lp : reshape(lp, [rows]);
  if (lp.size % rows === 0) return sumCols(lp.rank === 2 ? lp : reshape(lp, [rows, lp.size / rows]));
  throw new ShapeError(`site "${name}".logProb`, `${rows} values (one per row) or a multiple`, `shape ${describeShape(lp.shape)}`);
}

/** SupportError naming the site and the first value outside its support. */
function checkSupport(name: string, dist: Distribution, value: Tensor): void {
  const v = value.view();
  const i = firstOutsideSupport(dist.support, v, value.cols);
  if (i >= 0) {
    const r = Math.floor(i / value.cols);
    const c = i % value.cols;
    throw new SupportError(`site "${name}"`, `values in ${describeSupport(dist.support)}`, `${v[i]} at row ${r}, column ${c}`);
  }
}
