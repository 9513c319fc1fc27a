// note-4: the open-universe mixture of the amortized-inference note, trained
// with qp (REINFORCE for k, z; reparameterized x) and with the wake-sleep /
// reweighted wake-sleep phi-updates, each compared with an importance-sampling
// reference of the posterior at five test observations.
import { DomainError } from "../../core/errors.js";
import { tableColumn } from "../../data/table.js";
import { resolveSettings } from "../settings.js";
import type { DataSpec, SettingSpec, SettingValue } from "../types.js";
import { Rng } from "../../core/rng.js";
import { categoricalMarginal, gather, gaussianKde, importanceFromPrior, systematicResample } from "../../diagnostics/importance.js";
import { Note4Guide, type Note4GuideOutputs } from "./open-universe-guide.js";
import { openUniverseModel, openUniversePosterior, openUniversePriorDensityX, openUniverseSettings, type OpenUniverseOptions, type OpenUniverseSettings } from "./models/open-universe.js";
import type { ProbModel } from "../../model/model.js";
import { cosineDecay } from "../../optim/schedule.js";
import { elbo } from "../../infer/objectives/elbo.js";
import { forwardKL } from "../../infer/objectives/forward-kl.js";
import type { Objective } from "../../infer/objectives/objective.js";
import { reweightedWakeSleep } from "../../infer/objectives/wake-sleep.js";
import { fit } from "../../train/fit.js";
import { AutoGuide, autoGuide } from "../../infer/families/auto-guide.js";
import { autoGuideCategorical } from "./shared.js";
import { densityGrid, lineChart, type DensityPanel } from "../../report/plots.js";
import { registerExperiment } from "../registry.js";
import type { ExperimentResult, FigureSpec, RunContext, RunOptions } from "../types.js";

/** The note's test observations, linspace(-7, 7, 5). */
export const NOTE4_TEST_Y = [-7, -3.5, 0, 3.5, 7];

/** One way to train the inference network. */
interface Method {
  name: string;
  description: string;
  /** Reference iterations (the note's public code); scaled in the run. */
  referenceIterations: number;
  objective(): Objective;
}

const PARTICLES = 10;

export const NOTE4_METHODS: readonly Method[] = [
  {
    name: "qp",
    description: "negative ELBO, REINFORCE for k and z with a running-average baseline, reparameterized x",
    referenceIterations: 20_000,
    objective: () => elbo({ scale: "datapoint" }),
  },
  {
    name: "ws",
    description: "wake-sleep's sleep-phi: pq loss (forward KL) on draws from the joint",
    referenceIterations: 5000,
    objective: () => forwardKL(),
  },
  {
    name: "rws",
    description: `reweighted wake-sleep wake-phi, ${PARTICLES} particles`,
    referenceIterations: 5000,
    objective: () => reweightedWakeSleep({ particles: PARTICLES, alpha: 1 }),
  },
  {
    name: "rws-ws",
    description: `0.5 wake-phi (${PARTICLES} particles) + 0.5 sleep-phi (Le et al. 2019)`,
    referenceIterations: 5000,
    objective: () => reweightedWakeSleep({ particles: PARTICLES, alpha: 0.5 }),
  },
];

/** Settings of a run: full (scaled from the reference) or quick. */
export interface Note4Settings {
  batchSize: number;
  lr: number;
  /** Iterations as a fraction of each method's reference count. */
  iterationScale: number;
  /** Override: the same iteration count for every method. */
  iterations?: number;
  methods: readonly string[];
  isSamples: number;
  /** Cosine decay of the learning rate to 5% over the run (quick runs: a large step early, a small one at the end). */
  cosine: boolean;
}

export function note4Settings(opts: Pick<RunOptions, "quick" | "iterations">): Note4Settings {
  const base = opts.quick
    ? { batchSize: 100, lr: 5e-3, iterationScale: 0.1, methods: NOTE4_METHODS.map((m) => m.name), isSamples: 10_000, cosine: true }
    : { batchSize: 100, lr: 1e-3, iterationScale: 1, methods: NOTE4_METHODS.map((m) => m.name), isSamples: 10_000, cosine: false };
  return { ...base, iterations: opts.iterations };
}

const pair = (name: string, value: SettingValue, argument: string) => {
  const v = value as number[];
  if (Math.abs(v[0] + v[1] - 1) > 1e-9) throw new DomainError(argument, `two probabilities summing to 1 (${name})`, JSON.stringify(v));
};

/** note-4's settings: the parameters of Note4Model (defaults: the note's). */
export const NOTE4_SETTING_SPECS: readonly SettingSpec[] = [
  { name: "branchWeights", type: "numbers", length: 2, min: 0, exclusiveMin: true, max: 1, default: [0.5, 0.5], check: (v, a) => pair("p(k = 1), p(k = 2)", v, a), description: "p(k) over the branches k = 1, 2" },
  { name: "componentWeights", type: "numbers", length: 2, min: 0, exclusiveMin: true, max: 1, default: [0.5, 0.5], check: (v, a) => pair("p(z | k = 2)", v, a), description: "p(z | k = 2) over the two components" },
  { name: "componentMeans", type: "numbers", length: 2, default: [-5, 5], description: "means of x | k = 2, z" },
  { name: "priorStd", type: "number", min: 0, exclusiveMin: true, default: 1, description: "prior std of x in both branches (x | k = 1 ~ N(0, priorStd^2))" },
  { name: "obsStd", type: "number", min: 0, exclusiveMin: true, default: 1, description: "observation noise: y | x ~ N(x, obsStd^2)" },
];

/** note-4's data: at most 12 test observations y. */
export const NOTE4_DATA: DataSpec = {
  description: "test observations y, one per row: the network's q(k|y), q(z|y), q(x|y) against the IS reference at each (default y = -7, -3.5, 0, 3.5, 7); training stays on draws from the model",
  columns: 1,
  maxRows: 12,
};

/** Note4Model's options from a run's settings. */
export function note4ModelOptions(opts: Pick<RunOptions, "quick" | "settings">): OpenUniverseOptions {
  const set = resolveSettings({ name: "note-4", settings: NOTE4_SETTING_SPECS }, opts);
  const two = (n: string) => set.numbers(n) as unknown as [number, number];
  return { branchWeights: two("branchWeights"), componentWeights: two("componentWeights"), componentMeans: two("componentMeans"), priorStd: set.number("priorStd"), obsStd: set.number("obsStd") };
}

/** The IS reference at one y: p(k|y), p(z|y, k=2), a KDE of p(x|y) on a grid, ESS, log p(y). */
interface Reference {
  y: number;
  k: [number, number];
  z: [number, number];
  xDensity: Float64Array;
  ess: number;
  logMarginal: number;
}

const X_GRID = Array.from({ length: 241 }, (_, i) => -12 + (24 * i) / 240);

function isReference(model: ProbModel, y: number, samples: number, rng: Rng): Reference {
  const ref = importanceFromPrior(model, [y], rng, { samples });
  const k = ref.draws.k as Int32Array;
  const pk = categoricalMarginal(k, ref.weights, 2);
  const pz = categoricalMarginal(ref.draws.z as Int32Array, ref.weights, 2, (i) => k[i] === 1);
  const resampled = gather(ref.draws.x as Float64Array, systematicResample(ref.weights, samples, rng));
  return { y, k: [pk[0], pk[1]], z: [pz[0], pz[1]], xDensity: gaussianKde(resampled).density(X_GRID), ess: ref.ess, logMarginal: ref.logMarginal };
}

function normalDensity(x: number, mean: number, std: number): number {
  const u = (x - mean) / std;
  return Math.exp(-0.5 * u * u) / (std * Math.sqrt(2 * Math.PI));
}

/** q(x | y) = q(k=1|y) N(m1, s1) + q(k=2|y) sum_z q(z|y) N(m2z, s2z) on the grid. */
function guideDensityX(o: Note4GuideOutputs): number[] {
  const w = [o.k[0], o.k[1] * o.z[0], o.k[1] * o.z[1]];
  return X_GRID.map((x) => w.reduce((s, wi, i) => s + wi * normalDensity(x, o.x.means[i], o.x.stds[i]), 0));
}

interface Trained {
  method: string;
  iterations: number;
  seconds: number;
  finalLoss: number;
  outputs: Note4GuideOutputs[];
}

/**
 * The automatic guide of note-4's model with the hand-written network's
 * structure: q(k | y), q(z | y, k), q(x | y, k, z), MLPs 8-8 tanh.
 */
function note4AutoGuide(model: ProbModel, rng: Rng): AutoGuide {
  return autoGuide(model, { dependsOn: { z: ["k"], x: ["k", "z"] }, amortized: { width: 16, depth: 2, activation: "tanh" }, rng });
}

async function train(model: ProbModel, method: Method, iterations: number, s: Note4Settings, seed: number, ctx: RunContext, testY: readonly number[], auto = false): Promise<Trained> {
  const rng = new Rng(seed);
  const guide = auto ? note4AutoGuide(model, rng.fork(11)) : new Note4Guide({ rng: rng.fork(1) });
  const data = rng.fork(2);
  const start = Date.now();
  const every = Math.max(1, Math.floor(iterations / 100));
  const result = fit({
    model,
    guide,
    objective: method.objective(),
    iterations,
    batchSize: s.batchSize,
    lr: s.lr,
    lrSchedule: s.cosine ? cosineDecay(iterations, 0.05) : undefined,
    rng: data,
    progress: ctx.progress,
    label: `note-4 ${method.name}${auto ? " (autoGuide)" : ""}`,
    onDivergence: "throw",
  });
  await Promise.resolve();
  const tail = result.losses.subarray(iterations - (iterations % every || every));
  const finalLoss = tail.reduce((a, b) => a + b, 0) / tail.length;
  const outputs = guide instanceof Note4Guide ? guide.outputs(testY) : autoGuideCategorical(guide, testY).map((k) => ({ k: [k[0], k[1]] as [number, number] }) as Note4GuideOutputs);
  if (guide instanceof AutoGuide) guide.dispose();
  return { method: auto ? `${method.name} (autoGuide)` : method.name, iterations, seconds: (Date.now() - start) / 1000, finalLoss, outputs };
}

const round = (v: number) => Number(v.toPrecision(6));

function gridFigure(settings: OpenUniverseSettings, refs: Reference[], t: Trained): FigureSpec {
  const priorX = X_GRID.map((x) => openUniversePriorDensityX(settings, x));
  const panels: DensityPanel[] = refs.flatMap((r, i) => {
    const o = t.outputs[i];
    const col = `y = ${r.y}`;
    const bar = (row: string, prior: number[], post: number[], q: number[]): DensityPanel => ({
      row, col, kind: "bar", x: row === "k" ? ["1", "2"] : ["0", "1"], xLabel: row === "k" ? "k" : "z",
      curves: [{ name: "prior", y: prior }, { name: "true posterior", y: post }, { name: "inference network", y: q }],
    });
    return [
      bar("k", [...settings.branchWeights], r.k, o.k),
      bar("z (k = 2)", [...settings.componentWeights], r.z, o.z),
      { row: "x", col, x: X_GRID, xLabel: "x", curves: [{ name: "prior", y: priorX }, { name: "true posterior", y: r.xDensity }, { name: "inference network", y: guideDensityX(o) }] },
    ];
  });
  return {
    name: `grid-${t.method}`,
    title: `note-4, ${t.method} (${t.iterations} iterations): prior vs IS posterior (10,000 prior draws, resampled, KDE for x) vs inference network`,
    spec: densityGrid({ panels, yLabel: "density", width: 130, height: 95 }),
  };
}

async function run(opts: RunOptions, ctx: RunContext): Promise<ExperimentResult> {
  const s = note4Settings(opts);
  const settings = openUniverseSettings(note4ModelOptions(opts));
  const model = openUniverseModel(settings);
  const testY = opts.data ? Array.from(tableColumn(opts.data, 0)) : NOTE4_TEST_Y;
  const root = new Rng(opts.seed);
  const refRng = root.fork(100);
  const refs = testY.map((y) => isReference(model, y, s.isSamples, refRng));
  const exact = testY.map((y) => openUniversePosterior(settings, y));
  const methods = NOTE4_METHODS.filter((m) => s.methods.includes(m.name));
  const trained: Trained[] = [];
  for (const [i, m] of methods.entries()) {
    const iterations = s.iterations ?? Math.max(1, Math.round(m.referenceIterations * s.iterationScale));
    ctx.log(`note-4: training ${m.name} (${m.description}), ${iterations} iterations`);
    trained.push(await train(model, m, iterations, s, root.fork(i + 1).seed, ctx, testY));
  }
  const hand = trained.length;
  for (const [i, m] of methods.entries()) {
    const iterations = s.iterations ?? Math.max(1, Math.round(m.referenceIterations * s.iterationScale));
    trained.push(await train(model, m, iterations, s, root.fork(i + 51).seed, ctx, testY, true));
  }
  const tv = Object.fromEntries(trained.map((t) => [t.method, t.outputs.map((o, i) => round(Math.abs(o.k[0] - refs[i].k[0])))]));
  const tvExact = Object.fromEntries(trained.map((t) => [t.method, t.outputs.map((o, i) => round(Math.abs(o.k[0] - exact[i].k[0])))]));
  const headline: Record<string, number | string> = {};
  for (const t of trained) {
    headline[`max TV q(k|y) vs IS (${t.method})`] = Math.max(...tv[t.method]);
    headline[`training s (${t.method})`] = round(t.seconds);
  }
  headline["min ESS of the IS reference"] = round(Math.min(...refs.map((r) => r.ess)));
  const autoVsHand = trained.slice(0, hand).map((t) => ({ method: t.method, hand: Math.max(...tv[t.method]), auto: Math.max(...tv[`${t.method} (autoGuide)`]) }));
  const notes = [
    `The automatic guide (autoGuide(model, { dependsOn: { z: ["k"], x: ["k", "z"] } }), MLPs 8-8 tanh: the hand-written network's factorization, built from the model's sites) trained by each method: max TV of q(k|y) ${autoVsHand.map((r) => `${r.method} ${r.auto.toFixed(3)} (hand-written ${r.hand.toFixed(3)})`).join(", ")}.`,
    `Budget: batch ${s.batchSize}, Adam lr ${s.lr}; iterations ${trained.map((t) => `${t.method} ${t.iterations}`).join(", ")}` +
      (opts.quick ? " (quick: a fraction of the reference 20,000 (qp) / 5,000 (RWS) iterations with a 10x larger learning rate)." : " (the reference counts: 20,000 qp, 5,000 wake-sleep / RWS)."),
    `IS reference: ${s.isSamples} prior draws per test y, ESS ${refs.map((r) => `${r.ess.toFixed(0)}`).join(" / ")} at y = ${testY.join(", ")}; its p(k=1|y) differs from the closed form by at most ${Math.max(...refs.map((r, i) => Math.abs(r.k[0] - exact[i].k[0]))).toFixed(4)}. ` +
      `Where k = 2 has almost no posterior mass (y = 0: p(k=2|y) = ${openUniversePosterior(settings, 0).k[1].toExponential(1)}), the IS estimate of p(z|y, k=2) rests on a few draws.`,
    ...trained.map((t) => {
      const worst = Math.max(...tv[t.method]);
      const lost = testY.filter((_, i) => tv[t.method][i] > 0.5);
      return `${t.method}: TV(q(k|y), IS reference) = ${tv[t.method].map((v) => v.toFixed(3)).join(", ")} at y = ${testY.join(", ")}; ` +
        (worst < 0.05 ? "within 0.05 at every test y." : `NOT within 0.05 at every test y (worst ${worst.toFixed(3)}).`) +
        (lost.length > 0
          ? ` At y = ${lost.join(", ")} q(k|y) puts almost no mass on the posterior's branch: ${t.method === "qp" ? "once the score-function estimator stops drawing that branch it gets no signal to return to it (a known failure mode of REINFORCE for discrete choices)" : "the network has not found that branch"}.`
          : "");
    }),
  ];
  const figures: FigureSpec[] = trained.slice(0, hand).map((t) => gridFigure(settings, refs, t));
  figures.push({
    name: "tv-k",
    title: "Total variation between q(k|y) and the IS reference p(k|y) at the test y",
    spec: lineChart({
      xLabel: "test y", yLabel: "TV(q(k|y), p(k|y))", points: true,
      series: trained.map((t) => ({ name: t.method, x: testY, y: tv[t.method] })),
      references: [{ y: 0.05, label: "0.05" }],
    }),
  });
  return {
    headline,
    notes,
    figures,
    data: {
      settings: s,
      model: settings,
      testY,
      tvK: tv,
      tvKExact: tvExact,
      reference: refs.map((r, i) => ({ y: r.y, k: r.k.map(round), z: r.z.map(round), ess: round(r.ess), logMarginal: round(r.logMarginal), exactK: exact[i].k.map(round), exactZ: exact[i].z.map(round), exactLogMarginal: round(exact[i].logMarginal) })),
      methods: trained.map((t) => ({ method: t.method, iterations: t.iterations, seconds: round(t.seconds), finalLoss: round(t.finalLoss), outputs: t.outputs })),
    },
  };
}

registerExperiment({
  name: "note-4",
  title: "Open-universe mixture: qp vs wake-sleep / RWS inference networks against an IS posterior",
  description:
    "Model 4 of the amortized-inference note: k ~ Cat(0.5, 0.5); k = 1: x ~ N(0, 1); k = 2: z ~ Cat(0.5, 0.5), x ~ N(-5 or 5, 1); y ~ N(x, 1). " +
    "The inference network branches on k (q(k|y); q(x|y) for k = 1; q(z|y), q(x|y,z) for k = 2). It is trained with the qp loss " +
    "(REINFORCE for k, z) and with the wake-sleep / reweighted wake-sleep phi-updates (10 particles), and compared at y in linspace(-7, 7, 5) " +
    "with importance sampling from the prior (10,000 draws, resampled, KDE for x).",
  settings: NOTE4_SETTING_SPECS,
  data: NOTE4_DATA,
  iterations: "Adam steps of each method's training run, the same for every method; default: each method's reference count (qp 20000, ws / rws / rws-ws 5000), quick 10% of it",
  run,
});
