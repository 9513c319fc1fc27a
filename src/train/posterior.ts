// The amortized-posterior workflow of simulation-based inference: train q(theta | x)
// on simulations (neural posterior estimation), or by the reverse-KL ELBO / IWAE
// where the likelihood is tractable, and use it for any new observation.
import { mean } from "../autodiff/ops/reduce.js";
import { neg } from "../autodiff/ops/unary.js";
import { repeatRows } from "../autodiff/ops/shape.js";
import { noGrad } from "../autodiff/tape.js";
import { DomainError, ShapeError, UnknownNameError, assertInteger, assertKnownOptions } from "../core/errors.js";
import { Rng } from "../core/rng.js";
import { tidy } from "../core/scope.js";
import { Tensor } from "../core/tensor.js";
import { describeSupport, firstOutsideSupport, type Support } from "../distributions/support.js";
import { AutoGuide, type AmortizedOptions } from "../infer/families/auto-guide.js";
import { Dataset } from "../infer/families/dataset.js";
import type { DensityFamily } from "../infer/families/density.js";
import { elbo } from "../infer/objectives/elbo.js";
import { iwaeBound } from "../infer/objectives/importance-weighted.js";
import type { Objective } from "../infer/objectives/objective.js";
import { asEngineModel } from "../model/engine-model.js";
import type { ProbModel } from "../model/model.js";
import type { LatentValues, Model } from "../models/model.js";
import type { ParamStore } from "../nn/param-store.js";
import { fit, type FitCallback, type FitProgress } from "./fit.js";

/** Row-major values of rows x cols (the simulators' currency; a Task's Matrix). */
export interface Rows2D {
  readonly rows: number;
  readonly cols: number;
  readonly data: Float64Array;
}

/** A prior and a simulator: everything neural posterior estimation needs (an sbibm Task is one). */
export interface Simulator {
  readonly dimTheta: number;
  readonly dimX: number;
  readonly prior: {
    /** Every parameter's support (the guide's transform). Default: real. */
    readonly support?: Support;
    sample(n: number, rng: Rng): Rows2D;
  };
  /** x ~ p(x | theta) per row; a row may be NaN where the simulator fails. */
  simulate(theta: Rows2D, rng: Rng): Rows2D;
}

export interface AmortizedPosteriorOptions {
  /** A prior and a simulator (NPE). Give this or `model`. */
  simulator?: Simulator;
  /** A model in the language (its local latents are theta, its observed site x): NPE on its joint draws, or the ELBO / IWAE with its likelihood. */
  model?: Model | ProbModel;
  /** "npe": forward KL on simulations, -mean log q(theta | x) (Papamakarios & Murray 2016; Greenberg et al. 2019); "elbo": reverse KL (amortized VI, needs a model); "iwae": the importance-weighted bound (needs a model). Default: "npe". */
  method?: "npe" | "elbo" | "iwae";
  /** The posterior family. Default: diagonalGaussian(). */
  family?: DensityFamily;
  /** The inference network. Default: an MLP of width 50, depth 2, relu. */
  network?: AmortizedOptions;
  /** A fixed simulation budget (NPE), or "online": fresh simulations every step (needs a model). Default: 10,000. */
  simulations?: number | "online";
  /** Fraction of a fixed budget held out for the validation loss and early stopping. Default: 0.1 (sbi's). */
  validationFraction?: number;
  /** Epochs without a better validation loss before training stops; the best parameters are kept. Default: 20 (sbi's). */
  patience?: number;
  /** Most epochs (fixed budget) or steps ("online", elbo, iwae). Default: 1000 epochs / 20,000 steps. */
  maxEpochs?: number;
  maxSteps?: number;
  /** Default: 200 (sbi's). */
  batchSize?: number;
  /** Adam rate. Default: 5e-4 (sbi's). */
  lr?: number;
  /** Particles of "iwae". Default: 10. */
  particles?: number;
  /** A simulation with a non-finite output: "drop" (counted) or "error". Default: "drop". */
  onInvalid?: "drop" | "error";
  seed?: number;
  progress?: FitProgress;
}

/** What training did. */
export interface PosteriorTraining {
  method: "npe" | "elbo" | "iwae";
  /** Simulations drawn, kept and dropped (non-finite output). */
  simulations: { drawn: number; used: number; dropped: number };
  /** Training loss per epoch (fixed budget) or per step. */
  trainLoss: number[];
  /** Validation loss -mean log q(theta | x) per epoch (fixed budget NPE). */
  validationLoss: number[];
  bestEpoch: number | null;
  steps: number;
  stoppedBy: string | null;
  wallMs: number;
}

/**
 * A trained amortized posterior q(theta | x): draws and log-density for any
 * observation x, in one call each.
 */
export class AmortizedPosterior {
  constructor(
    readonly guide: AutoGuide,
    readonly site: string,
    readonly dimTheta: number,
    readonly dimX: number,
    readonly training: PosteriorTraining,
  ) {}

  private obs(x: ArrayLike<number>, n: number, argument: string): Tensor {
    if (!x || typeof x.length !== "number" || x.length !== this.dimX) throw new ShapeError(argument, `${this.dimX} values (one observation)`, x && typeof x.length === "number" ? `${x.length} values` : String(x));
    for (let j = 0; j < x.length; j++) if (!Number.isFinite(x[j])) throw new DomainError(argument, "finite values", `${x[j]} at index ${j}`);
    return repeatRows(Tensor.from(Array.from(x), [1, this.dimX]), n);
  }

  /** n draws theta ~ q(theta | x), as n rows of dimTheta values. */
  sample(n: number, x: ArrayLike<number>, rng: Rng | number = 0): number[][] {
    assertInteger("n", n, 1);
    const r = rng instanceof Rng ? rng : new Rng(rng);
    return noGrad(() => tidy(() => (this.guide.sample({ obs: this.obs(x, n, "x") }, r).values[this.site] as Tensor).toRows()));
  }

  /** log q(theta_i | x) for each row of theta. */
  logProb(theta: readonly (readonly number[])[], x: ArrayLike<number>): Float64Array {
    if (!Array.isArray(theta) || theta.length === 0) throw new ShapeError("theta", `rows of ${this.dimTheta} values`, String(theta));
    theta.forEach((row, i) => {
      if (!row || row.length !== this.dimTheta) throw new ShapeError(`theta[${i}]`, `${this.dimTheta} values`, row ? `${row.length} values` : String(row));
    });
    return noGrad(() =>
      tidy(() => {
        const values: LatentValues = { [this.site]: Tensor.from(theta.flat(), [theta.length, this.dimTheta]) };
        return Float64Array.from(this.guide.logProb(values, { obs: this.obs(x, theta.length, "x") }).toArray());
      }),
    );
  }

  dispose(): void {
    this.guide.dispose();
  }
}

/** The engine's view of a simulator: one local latent "theta" and an observation of dimX values; its joint draws are the simulations. */
function simulatorModel(sim: Simulator, onInvalid: "drop" | "error"): Model {
  const support = sim.prior.support ?? { kind: "real" as const };
  return {
    name: "simulator",
    latents: [{ name: "theta", scope: "local", dim: sim.dimTheta, support }],
    obsDim: sim.dimX,
    logJoint() {
      throw new DomainError("method", '"npe" (a simulator has no likelihood: the ELBO and IWAE need a model)', "a likelihood-based method");
    },
    sampleJoint(n, rng) {
      const { theta, x } = simulatePairs(sim, n, rng, onInvalid);
      return { values: { theta: Tensor.from(theta.data, [theta.rows, sim.dimTheta]) }, batch: { obs: Tensor.from(x.data, [x.rows, sim.dimX]) } };
    },
  };
}

/** n simulations (theta ~ prior, x ~ simulator), rows with a non-finite x dropped or an error; prior draws outside the support are an error. */
export function simulatePairs(sim: Simulator, n: number, rng: Rng, onInvalid: "drop" | "error" = "drop"): { theta: Rows2D; x: Rows2D; dropped: number } {
  assertInteger("simulations", n, 1);
  const theta = sim.prior.sample(n, rng);
  if (!theta || theta.rows !== n || theta.cols !== sim.dimTheta || theta.data.length !== n * sim.dimTheta) {
    throw new ShapeError("prior.sample", `${n} rows of ${sim.dimTheta} values`, theta ? `${theta.rows} x ${theta.cols}` : String(theta));
  }
  const support = sim.prior.support;
  if (support) {
    const bad = firstOutsideSupport(support, theta.data, support.kind === "simplex" ? sim.dimTheta : 1);
    if (bad >= 0) throw new DomainError("prior.sample", `values in ${describeSupport(support)}`, `${theta.data[bad]} at row ${Math.floor(bad / sim.dimTheta)}`);
  }
  const x = sim.simulate(theta, rng);
  if (!x || x.rows !== n || x.cols !== sim.dimX || x.data.length !== n * sim.dimX) {
    throw new ShapeError("simulate", `${n} rows of ${sim.dimX} values`, x ? `${x.rows} x ${x.cols}` : String(x));
  }
  const keep: number[] = [];
  for (let i = 0; i < n; i++) {
    let ok = true;
    for (let j = 0; j < sim.dimX; j++) if (!Number.isFinite(x.data[i * sim.dimX + j])) ok = false;
    if (ok) keep.push(i);
    else if (onInvalid === "error") throw new DomainError("simulate", "finite outputs", `a non-finite output at simulation ${i} (theta [${Array.from(theta.data.subarray(i * sim.dimTheta, (i + 1) * sim.dimTheta)).join(", ")}])`);
  }
  const pick = (m: Rows2D) => {
    const out = new Float64Array(keep.length * m.cols);
    keep.forEach((i, k) => out.set(m.data.subarray(i * m.cols, (i + 1) * m.cols), k * m.cols));
    return { rows: keep.length, cols: m.cols, data: out };
  };
  return { theta: pick(theta), x: pick(x), dropped: n - keep.length };
}

/**
 * -mean log q(theta_b | x_b) over a minibatch of simulated pairs: the data
 * set's rows are the x, its context the theta (neural posterior estimation).
 */
function pairsLoss(site: string): Objective {
  return {
    name: "npe (-log q(theta | x))",
    loss(ctx) {
      const b = ctx.batch();
      if (!b.context) throw new DomainError("data", "simulated pairs (x rows with theta as context)", "no context");
      return neg(mean(ctx.guide.logProb({ [site]: b.context }, { obs: b.obs })));
    },
  };
}

/** Values of every parameter of the stores (the best epoch's, kept aside). */
const copyOf = (stores: readonly ParamStore[]) => stores.map((s) => s.parameters().map((t) => t.toArray()));
const restoreFrom = (stores: readonly ParamStore[], saved: number[][][]) => stores.forEach((s, i) => s.parameters().forEach((t, j) => t.set(saved[i][j])));

/**
 * amortizedPosterior(options): trains q(theta | x) and returns it as a
 * posterior object for any observation. NPE with a fixed budget holds out a
 * validation fraction, stops after `patience` epochs without a better
 * validation loss and keeps the best epoch's parameters (as sbi does).
 */
export function amortizedPosterior(options: AmortizedPosteriorOptions): AmortizedPosterior {
  if (!options || typeof options !== "object") throw new DomainError("options", "{ simulator | model, family?, simulations?, ... }", String(options));
  assertKnownOptions("options", options, ["simulator", "model", "method", "family", "network", "simulations", "validationFraction", "patience", "maxEpochs", "maxSteps", "batchSize", "lr", "particles", "onInvalid", "seed", "progress"]);
  const method = options.method ?? "npe";
  if (!["npe", "elbo", "iwae"].includes(method)) throw new UnknownNameError("method", '"npe", "elbo" or "iwae"', JSON.stringify(method));
  const onInvalid = options.onInvalid ?? "drop";
  if (onInvalid !== "drop" && onInvalid !== "error") throw new UnknownNameError("onInvalid", '"drop" or "error"', JSON.stringify(onInvalid));
  if (!options.simulator === !options.model) throw new DomainError("options", "exactly one of simulator and model", options.simulator ? "both" : "neither");
  if (method !== "npe" && !options.model) throw new DomainError("method", `a model (the ${method === "elbo" ? "ELBO" : "IWAE"} needs the likelihood)`, "a simulator");
  const model: Model = options.model ? asEngineModel(options.model) : simulatorModel(options.simulator!, onInvalid);
  const locals = model.latents.filter((s) => s.scope === "local");
  if (locals.length !== 1 || model.latents.length !== 1) throw new DomainError("model", "one local latent site theta (inside the plate) and no global ones", model.latents.map((s) => `${s.name} (${s.scope})`).join(", "));
  const site = locals[0].name;
  const seed = options.seed ?? 0;
  const rng = new Rng(seed);
  const batchSize = options.batchSize ?? 200;
  assertInteger("batchSize", batchSize, 1);
  const lr = options.lr ?? 5e-4;
  const guide = new AutoGuide(model, { amortized: options.network ?? { width: 50, depth: 2, activation: "relu" }, family: options.family, init: "zero", rng: rng.fork(1) });
  const budget = options.simulations ?? 10_000;
  const t0 = performance.now();
  const training: PosteriorTraining = { method, simulations: { drawn: 0, used: 0, dropped: 0 }, trainLoss: [], validationLoss: [], bestEpoch: null, steps: 0, stoppedBy: null, wallMs: 0 };

  if (method !== "npe" || budget === "online") {
    const maxSteps = options.maxSteps ?? 20_000;
    assertInteger("maxSteps", maxSteps, 1);
    const objective = method === "elbo" ? elbo({ scale: "datapoint" }) : method === "iwae" ? iwaeBound({ particles: options.particles ?? 10 }) : null;
    const r = fit({ model, guide, objective: objective ?? onlineNpe(site), batchSize, iterations: maxSteps, lr, rng: rng.fork(2), progress: options.progress, label: `posterior (${method})`, onDivergence: "throw" });
    training.trainLoss = Array.from(r.losses);
    training.steps = r.steps;
    training.stoppedBy = r.stoppedBy;
    training.simulations.drawn = training.simulations.used = r.steps * batchSize;
  } else {
    assertInteger("simulations", budget, 2);
    const fraction = options.validationFraction ?? 0.1;
    if (!(fraction > 0 && fraction < 1)) throw new DomainError("validationFraction", "a number in (0, 1)", String(fraction));
    const patience = options.patience ?? 20;
    assertInteger("patience", patience, 1);
    const maxEpochs = options.maxEpochs ?? 1000;
    assertInteger("maxEpochs", maxEpochs, 1);
    const sims = options.simulator ? simulatePairs(options.simulator, budget, rng.fork(3), onInvalid) : jointPairs(model, site, budget, rng.fork(3));
    training.simulations = { drawn: budget, used: sims.theta.rows, dropped: sims.dropped };
    const nVal = Math.max(1, Math.round(sims.theta.rows * fraction));
    const nTrain = sims.theta.rows - nVal;
    if (nTrain < 1) throw new DomainError("simulations", "a budget leaving at least one training simulation after validation and dropped ones", `${sims.theta.rows} valid of ${budget}`);
    const rowsOf = (m: Rows2D, from: number, to: number) => Array.from({ length: to - from }, (_, i) => Array.from(m.data.subarray((from + i) * m.cols, (from + i + 1) * m.cols)));
    const dim = model.latents[0].dim;
    const train = new Dataset(rowsOf(sims.x, 0, nTrain), { dim: sims.x.cols, context: rowsOf(sims.theta, 0, nTrain), contextDim: dim });
    const valid = new Dataset(rowsOf(sims.x, nTrain, sims.theta.rows), { dim: sims.x.cols, context: rowsOf(sims.theta, nTrain, sims.theta.rows), contextDim: dim });
    const B = Math.min(batchSize, nTrain);
    let best = Infinity;
    let bestParams: number[][][] | null = null;
    let bad = 0;
    let epochSum = 0;
    let epochSteps = 0;
    const validation = (): number =>
      noGrad(() => tidy(() => -mean(guide.logProb({ [site]: valid.context! }, { obs: valid.obs })).item()));
    const stopper: FitCallback = {
      onStep(info) {
        epochSum += info.loss;
        epochSteps++;
      },
      onEpoch(info) {
        training.trainLoss.push(epochSum / Math.max(1, epochSteps));
        epochSum = epochSteps = 0;
        const v = validation();
        training.validationLoss.push(v);
        if (v < best) {
          best = v;
          bad = 0;
          training.bestEpoch = info.epoch;
          bestParams = copyOf(guide.params);
        } else if (++bad >= patience) return `no better validation loss for ${patience} epochs (best ${best.toFixed(4)} after epoch ${training.bestEpoch! + 1})`;
      },
    };
    const r = fit({ model, guide, objective: pairsLoss(site), data: train, batchSize: B, epochs: maxEpochs, lr, rng: rng.fork(2), callbacks: [stopper], progress: options.progress, label: "posterior (npe)", onDivergence: "throw" });
    if (bestParams) restoreFrom(guide.params, bestParams);
    training.steps = r.steps;
    training.stoppedBy = r.stoppedBy;
    train.dispose();
    valid.dispose();
  }
  training.wallMs = performance.now() - t0;
  return new AmortizedPosterior(guide, site, model.latents[0].dim, model.obsDim, training);
}

/** Forward KL on fresh joint draws (online NPE): -mean log q(theta | x), (theta, x) ~ p. */
function onlineNpe(site: string): Objective {
  return {
    name: "npe online (-log q(theta | x))",
    loss(ctx) {
      const { values, batch } = ctx.model.sampleJoint!(ctx.batchSize, ctx.rng);
      return neg(mean(ctx.guide.logProb({ [site]: values[site] }, batch)));
    },
  };
}

/** A fixed budget of joint draws of a model (theta, x). */
function jointPairs(model: Model, site: string, n: number, rng: Rng): { theta: Rows2D; x: Rows2D; dropped: number } {
  assertInteger("simulations", n, 1);
  return noGrad(() =>
    tidy(() => {
      const { values, batch } = model.sampleJoint!(n, rng);
      const th = values[site] as Tensor;
      return { theta: { rows: th.rows, cols: th.cols, data: th.toFloat64Array() }, x: { rows: batch.obs.rows, cols: batch.obs.cols, data: batch.obs.toFloat64Array() }, dropped: 0 };
    }),
  );
}
