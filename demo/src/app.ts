// The demo page: a form that describes a training job, a Web Worker that
// trains it (amortvi/worker), and hand-drawn SVG charts updated from the
// worker's progress events and snapshots. The page itself loads no Wasm.
import { createTrainingWorker, trainInWorker, type WorkerLike, type WorkerTraining } from "../../src/worker/client.js";
import type { TrainingJob } from "../../src/worker/job.js";
import type { ModelSpec } from "../../src/worker/models.js";
import { paramsByName } from "../../src/worker/params.js";
import type { DoneEvent, SnapshotEvent } from "../../src/worker/protocol.js";
import type { TrainingInfo } from "../../src/worker/training.js";
import type { PosteriorPoint } from "../../src/worker/view.js";
import { downsample, drawChart, movingAverage, type Series } from "./plots.js";

const COLORS = ["#2f5fb3", "#c0582b", "#3b8f4a"];
const VIEW_ROWS = [0, 1, 2];
const VIEW_DRAWS = 2000;

const MODELS: Record<string, { description: string; settings: string; observations: number }> = {
  "note-1": {
    description: "x_n ~ N(mu0, s0^2), y_n | x_n ~ N(x_n, s^2). Exact posterior N(a* y + b*, c*^2), a* = s0^2 / (s0^2 + s^2).",
    settings: '{"mu0": 0, "s0": 1, "s": 1}',
    observations: 200,
  },
  "note-2": {
    description: "x_n ~ 0.3 N(-4, 1) + 0.7 N(4, 1), y_n | x_n ~ N(x_n, 1): the exact posterior is a two-component mixture (bimodal near y = 0).",
    settings: '{"pi": [0.3, 0.7], "mu": [-4, 4], "sK": [1, 1], "s": 1}',
    observations: 200,
  },
  "avi-saw": {
    description: "x_0 = 0, z_n ~ N(x_{n-1}, 1), x_n ~ N(a (z_n + theta), 1), flat prior on theta: q(z_n) needs (x_{n-1}, x_n), the window of windowed A-VI. No closed form shown.",
    settings: '{"a": 0.75, "theta": 3.4159}',
    observations: 300,
  },
  user: {
    description: "Your model in the model language: m.sample for latents, m.observe for the data, m.plate for datapoints. Observations are drawn from it with the seed.",
    settings: "",
    observations: 200,
  },
};

const USER_MODEL = `// note-1 with a heavier-tailed prior: edit freely
m.plate("data", () => {
  const x = m.sample("x", new StudentT(3, 0, 1));
  m.observe("y", new Normal(x, 0.5));
});`;

const $ = <T extends HTMLElement | SVGSVGElement = HTMLElement>(id: string): T => {
  const node = document.getElementById(id);
  if (!node) throw new Error(`#${id} is missing from the page`);
  return node as T;
};
const value = (id: string): string => $<HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement>(id).value;
const integer = (id: string): number => Number.parseInt(value(id), 10);

/** What the charts show, accumulated from the worker's events. */
interface RunState {
  job: TrainingJob;
  info: TrainingInfo | null;
  losses: number[];
  trace: { step: number; points: readonly PosteriorPoint[] }[];
  latest: SnapshotEvent | null;
  started: number;
}

let worker: WorkerLike | null = null;
let run: WorkerTraining | null = null;
let state: RunState | null = null;
let paused = false;
let frame = 0;

function setStatus(text: string, phase: "idle" | "starting" | "running" | "paused" | "done" | "error"): void {
  const status = $("status");
  status.textContent = text;
  status.dataset.state = phase;
}

function showError(message: string | null): void {
  const box = $("error");
  box.hidden = message === null;
  box.textContent = message ?? "";
}

function readJob(): TrainingJob {
  const name = value("model");
  const settingsText = value("settings").trim();
  let settings: Record<string, number | number[]> | undefined;
  if (settingsText) {
    try {
      settings = JSON.parse(settingsText) as Record<string, number | number[]>;
    } catch (err) {
      throw new Error(`settings: expected JSON such as ${MODELS[name].settings || "{}"}, received ${settingsText} (${(err as Error).message})`);
    }
  }
  const model: ModelSpec = name === "user" ? { name: "user", source: value("source") } : { name: name as "note-1" | "note-2" | "avi-saw", ...(settings ? { settings } : {}) };
  return {
    model,
    family: { amortization: value("amortization") as "fvi" | "avi" | "windowed-avi", density: value("density") as "gaussian" | "mixture" | "realnvp" | "spline" },
    objective: value("objective") as "qp" | "pq" | "iwae" | "rws",
    train: value("train") as "data" | "simulations",
    iterations: integer("iterations"),
    batchSize: integer("batch"),
    lr: Number(value("lr")),
    schedule: value("schedule") as "constant" | "cosine",
    seed: integer("seed"),
    observations: integer("observations"),
  };
}

/** The full-precision form of a number: the shortest text that reads back as the same double. */
const exact = (v: number | null): string => (v === null ? "-" : String(v));
const short = (v: number | null): string => (v === null ? "-" : Number(v.toPrecision(4)).toString());

function drawLoss(s: RunState): void {
  const n = s.losses.length;
  const steps = Array.from({ length: n }, (_, i) => i + 1);
  const curve = downsample(steps, s.losses, 400);
  const trend = downsample(steps, movingAverage(s.losses, Math.max(10, Math.round(n / 50))), 400);
  // the first steps can be far above the rest: scale the axis to the bulk
  const sorted = curve.y.filter(Number.isFinite).sort((a, b) => a - b);
  const ceiling = sorted.length > 10 ? sorted[Math.floor(0.97 * (sorted.length - 1))] : Infinity;
  const clip = (ys: number[]) => ys.map((v) => Math.min(v, ceiling));
  drawChart($<SVGSVGElement>("loss-chart"), {
    series: [
      { x: curve.x, y: clip(curve.y), color: "#a9bde3", label: "loss" },
      { x: trend.x, y: clip(trend.y), color: COLORS[0], label: "moving average" },
    ],
    xLabel: "step",
    yLabel: `loss (${s.info?.objective ?? "objective"})`,
  });
}

function drawMoments(s: RunState): void {
  if (s.trace.length === 0) return;
  const steps = s.trace.map((t) => t.step);
  const last = s.trace[s.trace.length - 1].points;
  for (const [id, key, exactKey, label] of [["mean-chart", "qMean", "exactMean", "mean"], ["std-chart", "qStd", "exactStd", "std"]] as const) {
    const series: Series[] = last.map((p, k) => ({ x: steps, y: s.trace.map((t) => t.points[k]?.[key] ?? NaN), color: COLORS[k % COLORS.length], label: `n = ${p.row}` }));
    const references = last.filter((p) => p[exactKey] !== null).map((p) => ({ y: p[exactKey] as number, color: COLORS[last.indexOf(p) % COLORS.length] }));
    drawChart($<SVGSVGElement>(id), { series, references, xLabel: "step", yLabel: `q ${label}` });
  }
}

function drawPosteriors(points: readonly PosteriorPoint[], site: string): void {
  const reference = points.some((p) => p.exact) ? "against the exact posterior (dashed)" : "(this model has no closed-form posterior to compare with)";
  const kind = points.some((p) => p.qDensity === "histogram") ? `: a histogram of ${VIEW_DRAWS} draws` : "";
  $("posterior-title").textContent = `q(${site} | x_n) (solid${kind}) ${reference} at three datapoints`;
  VIEW_ROWS.forEach((_, k) => {
    const svg = $<SVGSVGElement>(`posterior-${k}`);
    const p = points[k];
    if (!p) return svg.replaceChildren();
    const color = COLORS[k % COLORS.length];
    const series: Series[] = [{ x: p.grid, y: p.q, color, label: `q (${p.qDensity === "exact" ? "density" : "histogram of draws"})` }];
    if (p.exact) series.push({ x: p.grid, y: p.exact, color, dashed: true, label: "exact posterior" });
    drawChart(svg, { series, xLabel: `${site} at n = ${p.row}, x_n = ${short(p.observation[0])}`, yLabel: "density", yFloor: 0 });
  });
}

function fillTable(points: readonly PosteriorPoint[], format: (v: number | null) => string): void {
  const body = $("fit-table").querySelector("tbody")!;
  body.replaceChildren(
    ...points.map((p, k) => {
      const tr = document.createElement("tr");
      tr.style.color = COLORS[k % COLORS.length];
      for (const v of [String(p.row), p.observation.map(short).join(", "), format(p.qMean), format(p.qStd), format(p.exactMean), format(p.exactStd)]) {
        const td = document.createElement("td");
        td.textContent = v;
        tr.appendChild(td);
      }
      return tr;
    }),
  );
}

/** Redraws on the next animation frame (events arrive faster than frames). */
function redraw(): void {
  if (frame) return;
  frame = requestAnimationFrame(() => {
    frame = 0;
    if (!state) return;
    drawLoss(state);
    drawMoments(state);
    if (state.latest) {
      drawPosteriors(state.latest.view.points, state.latest.view.site);
      fillTable(state.latest.view.points, short);
    }
  });
}

function finish(s: RunState, done: DoneEvent): void {
  const loss = done.steps > 0 ? done.losses[done.steps - 1] : NaN;
  s.trace.push({ step: done.steps, points: done.view.points });
  if (frame) cancelAnimationFrame(frame);
  frame = 0;
  s.losses = Array.from(done.losses);
  drawLoss(s);
  drawMoments(s);
  drawPosteriors(done.view.points, done.view.site);
  fillTable(done.view.points, exact);
  $("final-loss").textContent = exact(loss);
  $("final-steps").textContent = String(done.steps);
  const record = {
    job: s.job,
    steps: done.steps,
    loss,
    stoppedBy: done.stoppedBy,
    diverged: done.diverged,
    view: done.view.points.map((p) => ({ row: p.row, qMean: p.qMean, qStd: p.qStd, exactMean: p.exactMean, exactStd: p.exactStd })),
    params: paramsByName(done.params),
  };
  $("final-json").textContent = JSON.stringify(record, null, 1);
  const seconds = (performance.now() - s.started) / 1000;
  const why = done.diverged ? `diverged at step ${done.diverged.step}: ${done.diverged.message}` : done.stoppedBy ?? "budget reached";
  setStatus(`Done: ${done.steps} steps in ${seconds.toFixed(1)} s (${why}).`, "done");
}

async function start(): Promise<void> {
  showError(null);
  let job: TrainingJob;
  try {
    job = readJob();
  } catch (err) {
    showError((err as Error).message);
    return;
  }
  worker ??= await createTrainingWorker(new URL("./worker-thread.js", import.meta.url));
  const s: RunState = { job, info: null, losses: [], trace: [], latest: null, started: performance.now() };
  state = s;
  paused = false;
  $("final-loss").textContent = "-";
  $("final-steps").textContent = "0";
  $("final-json").textContent = "";
  setStatus("Starting the worker...", "starting");
  setRunning(true);
  // about 60 snapshots over the run, at least every 200 steps (a long run stopped early still draws its traces)
  const every = Math.min(200, Math.max(10, Math.round(job.iterations / 60)));
  run = trainInWorker(worker, job, {
    progressEvery: 5,
    snapshotEvery: every,
    viewRows: VIEW_ROWS,
    viewDraws: VIEW_DRAWS,
    onReady: (info) => {
      s.info = info;
      $("run-info").textContent = `${info.model}; ${info.family}; ${info.objective}; ${info.parameterCount} parameters; ${info.observations} observations`;
      setStatus("Training...", "running");
    },
    onProgress: (e) => {
      for (const v of e.losses) s.losses.push(v);
      const rate = e.step / ((performance.now() - s.started) / 1000);
      if (!paused) setStatus(`Training: step ${e.step} / ${e.iterations}, loss ${short(e.loss)} (${rate.toFixed(0)} steps/s)`, "running");
      redraw();
    },
    onSnapshot: (e) => {
      s.latest = e;
      s.trace.push({ step: e.step, points: e.view.points });
      redraw();
    },
    onPaused: (step) => setStatus(`Paused at step ${step}.`, "paused"),
    onResumed: () => setStatus("Training...", "running"),
  });
  try {
    finish(s, await run.done);
  } catch (err) {
    const e = err as Error & { remoteMessage?: string };
    showError(e.remoteMessage ?? e.message);
    setStatus("The run failed (see the message below).", "error");
  } finally {
    run = null;
    setRunning(false);
  }
}

function setRunning(running: boolean): void {
  $<HTMLButtonElement>("train-button").disabled = running;
  $<HTMLButtonElement>("pause-button").disabled = !running;
  $<HTMLButtonElement>("stop-button").disabled = !running;
  $("pause-button").textContent = "Pause";
}

/** Model-dependent fields: description, settings placeholder, source box, what the model can train on. */
function onModelChange(): void {
  const name = value("model");
  const m = MODELS[name];
  $("model-description").textContent = m.description;
  const settings = $<HTMLInputElement>("settings");
  settings.value = "";
  settings.placeholder = m.settings || "(none)";
  settings.disabled = name === "user";
  $("source-label").hidden = name !== "user";
  $<HTMLInputElement>("observations").value = String(m.observations);
  onFamilyChange();
}

/** Fresh simulations suit A-VI only (and a model that simulates without covariates). */
function onFamilyChange(): void {
  const simulationsOk = value("amortization") === "avi" && value("model") !== "avi-saw";
  const train = $<HTMLSelectElement>("train");
  train.options[0].disabled = !simulationsOk;
  if (!simulationsOk) train.value = "data";
}

function main(): void {
  $<HTMLTextAreaElement>("source").value = USER_MODEL;
  $("model").addEventListener("change", onModelChange);
  $("amortization").addEventListener("change", onFamilyChange);
  $("controls").addEventListener("submit", (e) => {
    e.preventDefault();
    void start();
  });
  $("pause-button").addEventListener("click", () => {
    if (!run) return;
    paused = !paused;
    if (paused) run.pause();
    else run.resume();
    $("pause-button").textContent = paused ? "Resume" : "Pause";
  });
  $("stop-button").addEventListener("click", () => run?.stop());
  onModelChange();
  setStatus("Ready: pick a model, a family and an objective, then Train.", "idle");
}

main();
