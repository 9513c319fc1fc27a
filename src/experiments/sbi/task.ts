// A simulation-based inference task in the sense of sbibm (Lueckmann et al.
// 2021, "Benchmarking simulation-based inference", AISTATS): a prior, a
// simulator, ten observations made from fixed seeds, and a reference
// posterior for each. Values cross this interface as plain row-major
// matrices: simulators are data preparation, and a training loop turns
// the simulations into Tensors once.
import { DomainError, ShapeError, assertInteger } from "../../core/errors.js";
import { Rng } from "../../core/rng.js";
import type { Support } from "../../distributions/support.js";
import type { ProbModel } from "../../model/model.js";
import type { McmcSettings } from "./reference/mcmc.js";
import type { ReferenceStore } from "./reference/store.js";

/** Row-major values of `rows` x `cols`. */
export interface Matrix {
  readonly rows: number;
  readonly cols: number;
  readonly data: Float64Array;
}

/** A Matrix over `data` (ShapeError naming `argument` unless it holds rows x cols values). */
export function matrix(rows: number, cols: number, data: Float64Array = new Float64Array(rows * cols), argument = "data"): Matrix {
  if (data.length !== rows * cols) throw new ShapeError(argument, `${rows * cols} values (${rows} x ${cols})`, `${data.length} values`);
  return { rows, cols, data };
}

/** The prior p(theta): draws and log-density of rows theta [n, dim] (-Infinity outside the support). */
export interface TaskPrior {
  readonly dim: number;
  /** Every parameter's support (the sbibm priors have one support for all dimensions). */
  readonly support: Support;
  sample(n: number, rng: Rng): Matrix;
  logProb(theta: Matrix): Float64Array;
}

/** One of a task's ten observations: the parameters drawn from the prior with its seed and the data simulated from them. */
export interface Observation {
  /** 1..10, as sbibm's num_observation. */
  readonly index: number;
  readonly seed: number;
  readonly theta: Float64Array;
  readonly x: Float64Array;
  /** The simulator's output before its summary, where the task summarizes (Bernoulli GLM: the spike train). */
  readonly raw?: Float64Array;
}

/** How a task's reference posterior is drawn. */
export type ReferenceMethod = "closed form" | "rejection" | "mcmc";

export interface ReferenceOptions {
  /** Where MCMC references are cached (default: data/sbi-reference under the working directory). */
  store?: ReferenceStore;
  /** Sampler settings of an MCMC reference (a cached file made with fewer samples than asked is recomputed). */
  mcmc?: Partial<McmcSettings>;
}

export interface Task {
  /** sbibm's name (gaussian_linear, two_moons, ...). */
  readonly name: string;
  readonly displayName: string;
  readonly dimTheta: number;
  readonly dimX: number;
  readonly prior: TaskPrior;
  /** The ten observations' seeds (sbibm's observation_seeds). */
  readonly observationSeeds: readonly number[];
  readonly referenceMethod: ReferenceMethod;
  /** The task as a model in the model language (prior site "theta", observed site "x" in a plate), where its likelihood is expressible there. */
  readonly model?: ProbModel;
  /** x ~ p(x | theta) for each row of theta [n, dimTheta] -> [n, dimX] (a row may be NaN where the simulator fails). */
  simulate(theta: Matrix, rng: Rng): Matrix;
  /** log p(x | theta) for each row of theta, x one observation [dimX]. */
  logLikelihood(theta: Matrix, x: ArrayLike<number>): Float64Array;
  /** The ten observations, made by the task's own procedure from its seeds (see makeObservation). */
  observations(): readonly Observation[];
  /** n draws from the reference posterior p(theta | x_i), i in 1..10 -> [n, dimTheta]. */
  referencePosterior(i: number, n: number, rng: Rng, options?: ReferenceOptions): Matrix;
}

/** sbibm's observation seeds unless a task overrides them: 1000000 + i, i = 0..9 (Task.__init__). */
export const SBIBM_DEFAULT_SEEDS: readonly number[] = Object.freeze(Array.from({ length: 10 }, (_, i) => 1_000_000 + i));

/** What a task file defines; defineTask adds the checks and the observations' cache. */
export interface TaskSpec {
  name: string;
  displayName: string;
  dimTheta: number;
  dimX: number;
  prior: TaskPrior;
  observationSeeds: readonly number[];
  referenceMethod: ReferenceMethod;
  model?: ProbModel;
  simulate(theta: Matrix, rng: Rng): Matrix;
  /** Simulation keeping the raw output (for the observations of a summarizing task). */
  simulateRaw?(theta: Matrix, rng: Rng): { x: Matrix; raw: Matrix };
  logLikelihood(theta: Matrix, x: ArrayLike<number>): Float64Array;
  /** Draws n reference samples for an observation (n >= 1 checked). */
  reference(task: Task, observation: Observation, n: number, rng: Rng, options: ReferenceOptions): Matrix;
}

/**
 * The observation of sbibm's Task._setup, regenerated with our generator:
 * rng = new Rng(seed); theta ~ prior (one row); x ~ simulator(theta) with the
 * same rng. sbibm seeds numpy / torch with the same numbers, so the
 * observations are made the same way from the same seeds but are not
 * byte-identical to sbibm's stored files (different generators).
 */
export function makeObservation(spec: Pick<TaskSpec, "prior" | "simulate" | "simulateRaw" | "dimX" | "name">, index: number, seed: number): Observation {
  const rng = new Rng(seed);
  const theta = spec.prior.sample(1, rng);
  const sim = spec.simulateRaw ? spec.simulateRaw(theta, rng) : { x: spec.simulate(theta, rng), raw: undefined };
  const x = sim.x.data;
  if (x.length !== spec.dimX || !x.every(Number.isFinite)) {
    throw new DomainError(`${spec.name} observation ${index}`, `${spec.dimX} finite values simulated from seed ${seed}`, `[${Array.from(x).join(", ")}]`);
  }
  return { index, seed, theta: theta.data, x, raw: sim.raw?.data };
}

/** The Task of a spec: input shapes checked, the observations made once on first use, reference arguments checked. */
export function defineTask(spec: TaskSpec): Task {
  let cached: Observation[] | null = null;
  const task: Task = {
    name: spec.name,
    displayName: spec.displayName,
    dimTheta: spec.dimTheta,
    dimX: spec.dimX,
    prior: spec.prior,
    observationSeeds: spec.observationSeeds,
    referenceMethod: spec.referenceMethod,
    model: spec.model,
    simulate(theta, rng) {
      checkTheta(`${spec.name}.simulate: theta`, theta, spec.dimTheta);
      return spec.simulate(theta, rng);
    },
    logLikelihood(theta, x) {
      checkTheta(`${spec.name}.logLikelihood: theta`, theta, spec.dimTheta);
      if (x.length !== spec.dimX) throw new ShapeError(`${spec.name}.logLikelihood: x`, `${spec.dimX} values`, `${x.length} values`);
      return spec.logLikelihood(theta, x);
    },
    observations() {
      cached ??= spec.observationSeeds.map((seed, j) => makeObservation(spec, j + 1, seed));
      return cached;
    },
    referencePosterior(i, n, rng, options = {}) {
      const count = spec.observationSeeds.length;
      if (!Number.isInteger(i) || i < 1 || i > count) throw new DomainError("i", `an observation number in 1..${count}`, String(i));
      assertInteger("n", n, 1);
      if (!(rng instanceof Rng)) throw new DomainError("rng", "an Rng", String(rng));
      return spec.reference(task, task.observations()[i - 1], n, rng, options);
    },
  };
  return task;
}

/** ShapeError naming `argument` unless theta is a Matrix of `dim` columns and finite entries. */
export function checkTheta(argument: string, theta: Matrix, dim: number): void {
  if (!theta || !(theta.data instanceof Float64Array)) throw new ShapeError(argument, `a Matrix { rows, cols: ${dim}, data }`, String(theta));
  if (theta.cols !== dim || theta.data.length !== theta.rows * theta.cols) {
    throw new ShapeError(argument, `a matrix [n, ${dim}]`, `[${theta.rows}, ${theta.cols}] with ${theta.data.length} values`);
  }
}
