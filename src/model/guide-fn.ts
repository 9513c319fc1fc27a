import { DomainError } from "../core/errors.js";
import { Rng as RngClass, type Rng } from "../core/rng.js";
import { Tensor } from "../core/tensor.js";
import { isDiscrete } from "../distributions/support.js";
import type { Guide, GuideSample } from "../models/guide.js";
import type { Batch, LatentValues } from "../models/model.js";
import type { ParamStore } from "../nn/param-store.js";
import type { ModelFn } from "./model.js";
import { ProbModel } from "./model.js";
import type { Trace } from "./trace.js";

/** Where a guide function finds the observation and the context of a batch (m.data names). */
export interface GuideFnOptions {
  /** m.data name of batch.obs. Default "x". */
  observation?: string;
  /** m.data name of batch.context, if the guide reads one. */
  context?: string;
  /** Width of an observation and of the context, for the first run that finds the guide's parameters. Default 1. */
  obsDim?: number;
  contextDim?: number;
}

/**
 * A guide written in the model language: a function of sites, like the model,
 * whose sites are the latents it proposes (inside the plate: one per
 * datapoint, amortized over the observation read by `m.data("x")`; outside:
 * global factors). Its learnable parameters are its `m.param`s and
 * `m.module`s. As a Guide, a draw is one run with reparameterized sampling:
 * values are the latent sites' values, logQ the per-row sum of their log q,
 * logQScore the part of the sites drawn without a pathwise gradient (discrete
 * ones: the score-function estimator's), logQGlobal the global sites' log q.
 *
 *   const guide = defineGuide("encoder", (m) => {
 *     const net = m.module("net", mlp);
 *     m.plate("data", () => {
 *       const h = net.forward(m.data("x"));
 *       m.sample("z", Normal.fromLogStd(sliceCols(h, 0, 1), sliceCols(h, 1, 2)));
 *     });
 *   });
 */
export class GuideFn implements Guide {
  readonly program: ProbModel;
  private readonly observation: string;
  private readonly context: string | undefined;
  private stores: ParamStore[] | null = null;

  constructor(
    name: string,
    fn: ModelFn,
    private readonly options: GuideFnOptions = {},
  ) {
    this.program = new ProbModel(name, fn);
    this.observation = options.observation ?? "x";
    this.context = options.context;
  }

  /** The guide's parameter stores (its m.param and m.module sites), found by one run on a zero observation. */
  get params(): readonly ParamStore[] {
    if (!this.stores) {
      const probe: Batch = {
        obs: Tensor.zeros([2, this.options.obsDim ?? 1]),
        context: this.context ? Tensor.zeros([2, this.options.contextDim ?? 1]) : undefined,
      };
      this.stores = this.run(probe, { rng: new RngClass(0) }).params;
    }
    return this.stores;
  }

  sample(batch: Batch, rng: Rng, given?: LatentValues): GuideSample {
    const trace = this.run(batch, { rng, given });
    const latent = trace.latentSites;
    if (latent.length === 0) throw new DomainError(`guide "${this.program.name}"`, "at least one latent site", "none");
    const values: LatentValues = {};
    for (const s of latent) values[s.name] = isDiscrete(s.support) ? Int32Array.from(s.value.view()) : s.value;
    const logQ = trace.localLogProb() ?? Tensor.zeros([batch.obs.rows]);
    const givenNames = new Set(Object.keys(given ?? {}));
    const scored = trace.localLogProb((s) => !s.reparameterized && !givenNames.has(s.name));
    const logQGlobal = trace.globalLogProb() ?? undefined;
    return { values, logQ, logQScore: scored, logQGlobal };
  }

  logProb(values: LatentValues, batch: Batch): Tensor {
    const trace = this.program.run({ values, data: this.dataOf(batch), requireValues: true });
    return trace.localLogProb() ?? Tensor.zeros([batch.obs.rows]);
  }

  private run(batch: Batch, o: { rng?: Rng; given?: LatentValues }): Trace {
    return this.program.run({ data: this.dataOf(batch), values: o.given, rng: o.rng, reparameterize: true });
  }

  private dataOf(batch: Batch): Record<string, Tensor> {
    const d: Record<string, Tensor> = { [this.observation]: batch.obs };
    if (this.context) {
      if (!batch.context) throw new DomainError("batch.context", `the guide's covariate "${this.context}"`, "none");
      d[this.context] = batch.context;
    }
    return d;
  }
}

/** defineGuide(name, (m) => { ... }, options?): a guide as a function of sites (see GuideFn). */
export function defineGuide(name: string, fn: ModelFn, options: GuideFnOptions = {}): GuideFn {
  return new GuideFn(name, fn, options);
}
