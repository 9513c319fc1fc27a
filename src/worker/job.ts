// A training job as plain data (it crosses postMessage as a structured
// clone): which model, family, objective and settings, and the seed that
// fixes every random number of the run.
import { DomainError, UnknownNameError, assertInteger, assertKnownOptions, assertPositive } from "../core/errors.js";
import type { ModelSpec } from "./models.js";

/** How the conditioning of each datapoint's factor is produced. */
export const AMORTIZATIONS = ["fvi", "avi", "windowed-avi"] as const;
/** The density family of each factor (autoGuide's `family`). */
export const DENSITIES = ["gaussian", "mixture", "realnvp", "spline"] as const;
/** qp = elbo (reverse KL), pq = forwardKL, iwae = iwaeBound, rws = reweightedWakeSleep. */
export const OBJECTIVES = ["qp", "pq", "iwae", "rws"] as const;

export type Amortization = (typeof AMORTIZATIONS)[number];
export type DensityName = (typeof DENSITIES)[number];
export type ObjectiveName = (typeof OBJECTIVES)[number];

export interface FamilySpec {
  /** F-VI (free factor per datapoint), A-VI (an MLP of x_n) or windowed A-VI (an MLP of (x_{n-window}..x_n), standardized). Default "avi". */
  amortization?: Amortization;
  /** Default "gaussian" (diagonal). */
  density?: DensityName;
  /** Components of the mixture density. Default 2. */
  components?: number;
  /** Coupling layers of the flows. Default 4. */
  layers?: number;
  /** Hidden width (and depth) of the A-VI network. Default 16 (2). */
  width?: number;
  depth?: number;
  /** Observations before x_n in the window of windowed A-VI. Default 1. */
  window?: number;
}

export interface ObjectiveSpec {
  name: ObjectiveName;
  /** Importance samples K of iwae and rws. Default 10. */
  particles?: number;
}

/** Everything that decides the numbers of a training run. */
export interface TrainingJob {
  model: ModelSpec;
  family?: FamilySpec;
  /** An objective name or { name, particles }. Default "qp". */
  objective?: ObjectiveName | ObjectiveSpec;
  /** Observations simulated from the model with the seed: what F-VI fits and the views plot. Default 200 (avi-saw 300). */
  observations?: number;
  /** "data": minibatches of the observations; "simulations": fresh joint draws each step (amortized families). Default "data". */
  train?: "data" | "simulations";
  /** Adam steps. */
  iterations: number;
  /** Rows per step. Default min(observations, 100). */
  batchSize?: number;
  /** Adam learning rate. Default 0.01. */
  lr?: number;
  /** Learning-rate schedule: "constant", or "cosine" decay to 1% at the last iteration (cosineDecay). Default "constant". */
  schedule?: "constant" | "cosine";
  /** Seed of the observations, the guide's initialization and the training draws. Default 0. */
  seed?: number;
}

/** A job with every default filled in. */
export interface ResolvedJob {
  model: ModelSpec;
  family: Required<FamilySpec>;
  objective: Required<ObjectiveSpec>;
  observations: number;
  train: "data" | "simulations";
  iterations: number;
  batchSize: number;
  lr: number;
  schedule: "constant" | "cosine";
  seed: number;
}

const JOB_KEYS = ["model", "family", "objective", "observations", "train", "iterations", "batchSize", "lr", "schedule", "seed"] as const;
const FAMILY_KEYS = ["amortization", "density", "components", "layers", "width", "depth", "window"] as const;

function oneOf<T extends string>(argument: string, value: unknown, names: readonly T[]): T {
  if (!names.includes(value as T)) throw new UnknownNameError(argument, `one of ${names.map((n) => `"${n}"`).join(", ")}`, JSON.stringify(value));
  return value as T;
}

/** The job validated (typed errors naming the field) with its defaults. */
export function resolveJob(job: TrainingJob): ResolvedJob {
  if (!job || typeof job !== "object") throw new DomainError("job", "{ model, family?, objective?, iterations, seed?, ... }", String(job));
  assertKnownOptions("job", job, JOB_KEYS);
  if (!job.model || typeof job.model !== "object") throw new DomainError("job.model", '{ name: "note-1" | "note-2" | "avi-saw" | "user", ... }', String(job.model));
  const f = job.family ?? {};
  assertKnownOptions("job.family", f, FAMILY_KEYS);
  const family: Required<FamilySpec> = {
    amortization: oneOf("job.family.amortization", f.amortization ?? "avi", AMORTIZATIONS),
    density: oneOf("job.family.density", f.density ?? "gaussian", DENSITIES),
    components: f.components ?? 2,
    layers: f.layers ?? 4,
    width: f.width ?? 16,
    depth: f.depth ?? 2,
    window: f.window ?? 1,
  };
  assertInteger("job.family.components", family.components, 1);
  assertInteger("job.family.layers", family.layers, 1);
  assertInteger("job.family.width", family.width, 1);
  assertInteger("job.family.depth", family.depth, 1);
  assertInteger("job.family.window", family.window, 1);
  const o = typeof job.objective === "string" ? { name: job.objective } : job.objective ?? { name: "qp" as const };
  assertKnownOptions("job.objective", o, ["name", "particles"]);
  const objective = { name: oneOf("job.objective.name", o.name, OBJECTIVES), particles: o.particles ?? 10 };
  assertInteger("job.objective.particles", objective.particles, 1);
  const observations = job.observations ?? (job.model.name === "avi-saw" ? 300 : 200);
  assertInteger("job.observations", observations, 2);
  const train = job.train ?? "data";
  if (train !== "data" && train !== "simulations") throw new UnknownNameError("job.train", '"data" or "simulations"', JSON.stringify(train));
  if (train === "simulations" && family.amortization !== "avi") {
    throw new DomainError("job.train", `"data" for ${family.amortization === "fvi" ? "F-VI (one factor per observed datapoint)" : "windowed A-VI (the window is cut from the observed series)"}`, '"simulations"');
  }
  if ((objective.name === "pq" || objective.name === "rws") && family.amortization !== "avi") {
    // forwardKL and the sleep phase of RWS score q(z | x) at fresh joint draws (z, x) ~ p, which no datapoint's free factor or window covers
    throw new DomainError("job.family.amortization", `"avi" for the ${objective.name} objective (it fits q(z | x) at fresh draws (z, x) from the model's joint)`, JSON.stringify(family.amortization));
  }
  assertInteger("job.iterations", job.iterations, 1);
  const batchSize = job.batchSize ?? Math.min(observations, 100);
  assertInteger("job.batchSize", batchSize, 1);
  const lr = job.lr ?? 0.01;
  assertPositive("job.lr", lr);
  const schedule = job.schedule ?? "constant";
  if (schedule !== "constant" && schedule !== "cosine") throw new UnknownNameError("job.schedule", '"constant" or "cosine"', JSON.stringify(schedule));
  const seed = job.seed ?? 0;
  assertInteger("job.seed", seed, 0);
  return { model: job.model, family, objective, observations, train, iterations: job.iterations, batchSize, lr, schedule, seed };
}
