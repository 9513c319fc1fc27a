/**
 * mapa-synthetic (issue 6, document 002): density estimation per unit of
 * computation of four VAE pipelines - joint, IWAE (K = 5, 50), aggressive
 * (He et al. 2019) and MAPA (our construction, docs/mapa.md) - on the
 * low-dimensional synthetic data sets of src/experiments/mapa/datasets.ts, where the
 * test log-likelihood under the learned decoder is computed by quadrature.
 */
import { resolveSettings } from "../settings.js";
import type { SettingSpec } from "../types.js";
import { truePosterior, syntheticDataset, SYNTHETIC_NAMES, type SyntheticName } from "./datasets.js";
import { lineChart, type ReferenceLine, type Series } from "../../report/plots.js";
import { registerExperiment } from "../registry.js";
import type { ExperimentResult, RunContext, RunOptions } from "../types.js";
import { PIPELINES, meanSd, priorOnlyLogLikelihood, runPipeline, summarizeCurves, valueAt, type PipelineRun, type PipelineSettings } from "./shared.js";

interface Config {
  datasets: readonly SyntheticName[];
  seeds: number;
  nTrain: number;
  nTest: number;
  settings: PipelineSettings;
}

/** Full run: N = 2000 / 1000 as in the issue; the budget (600 passes per datapoint = 150 epochs of joint training) is our scaling to the 2-core machine. */
const FULL: Config = {
  datasets: SYNTHETIC_NAMES,
  seeds: 5,
  nTrain: 2000,
  nTest: 1000,
  settings: { budgetPasses: 600, maxEpochs: 100000, batchSize: 100, hidden: 50, lr: 1e-3, mapaK: 1, mapaComponents: 32, evaluations: 12, evalRows: 300, gridPerDim: [801, 141] },
};

const QUICK: Config = {
  datasets: ["mlp"],
  seeds: 1,
  nTrain: 400,
  nTest: 200,
  settings: { budgetPasses: 600, maxEpochs: 100000, batchSize: 50, hidden: 32, lr: 3e-3, mapaK: 1, mapaComponents: 32, evaluations: 6, evalRows: 100, gridPerDim: [401, 61] },
};

/** mapa-synthetic's settings: data sets, seeds, sizes and the budget (--iterations does not apply: the budget is in passes). */
export const MAPA_SYNTHETIC_SETTING_SPECS: readonly SettingSpec[] = [
  { name: "datasets", type: "names", choices: SYNTHETIC_NAMES, default: { full: SYNTHETIC_NAMES, quick: QUICK.datasets }, description: "synthetic data sets (src/data/synthetic.ts)" },
  { name: "seeds", type: "integer", min: 1, default: { full: FULL.seeds, quick: QUICK.seeds }, description: "seeds per pipeline (each draws its own data set)" },
  { name: "nTrain", type: "integer", min: 2, default: { full: FULL.nTrain, quick: QUICK.nTrain }, description: "training rows per data set" },
  { name: "nTest", type: "integer", min: 1, default: { full: FULL.nTest, quick: QUICK.nTest }, description: "test rows per data set" },
  { name: "budgetPasses", type: "integer", min: 1, default: FULL.settings.budgetPasses, description: "network passes per training datapoint given to every pipeline (precomputation included)" },
];

/** The run's configuration: FULL or QUICK with the user's settings. */
function configOf(opts: RunOptions): Config {
  const set = resolveSettings({ name: "mapa-synthetic", settings: MAPA_SYNTHETIC_SETTING_SPECS }, opts);
  const base = opts.quick ? QUICK : FULL;
  return {
    datasets: set.names("datasets") as SyntheticName[],
    seeds: set.number("seeds"),
    nTrain: set.number("nTrain"),
    nTest: set.number("nTest"),
    settings: { ...base.settings, budgetPasses: set.number("budgetPasses") },
  };
}

const label = (p: string) => (p === "iwae-5" ? "IWAE K=5" : p === "iwae-50" ? "IWAE K=50" : p);

async function run(opts: RunOptions, ctx: RunContext): Promise<ExperimentResult> {
  const cfg = configOf(opts);
  const settings = cfg.settings;
  const runs: PipelineRun[] = [];
  const references: ReferenceLine[] = [];
  const truth: Record<string, { trueLL: number; priorOnlyLL: number }> = {};
  const total = cfg.datasets.length * PIPELINES.length * cfg.seeds;
  ctx.progress.start(total, "pipeline runs");
  for (const name of cfg.datasets) {
    const seeds = Array.from({ length: cfg.seeds }, (_, i) => opts.seed + i);
    const ds0 = syntheticDataset(name, opts.seed, { nTrain: cfg.nTrain, nTest: cfg.nTest });
    const t = truePosterior(ds0, ds0.test).logLikelihood;
    truth[name] = { trueLL: t.reduce((a, b) => a + b, 0) / t.length, priorOnlyLL: priorOnlyLogLikelihood(ds0) };
    references.push({ y: truth[name].trueLL, label: "true model", panel: name }, { y: truth[name].priorOnlyLL, label: "prior only", panel: name });
    for (const seed of seeds) {
      // Each seed draws its own data set (same f, s); the reference lines use the first seed's test set.
      const ds = seed === opts.seed ? ds0 : syntheticDataset(name, seed, { nTrain: cfg.nTrain, nTest: cfg.nTest });
      for (const p of PIPELINES) {
        const r = runPipeline(ds, p, seed, settings);
        runs.push(r);
        ctx.progress.tick(1, { testLL: r.finalTestLL });
        ctx.log(`${name} ${p} seed ${seed}: test LL ${r.finalTestLL.toFixed(3)} after ${r.passes.toFixed(0)} passes/datapoint, ${r.seconds.toFixed(1)} s`);
      }
    }
  }
  ctx.progress.stop();
  return summarize(cfg, settings, runs, truth, references);
}

function summarize(cfg: Config, settings: PipelineSettings, runs: PipelineRun[], truth: Record<string, { trueLL: number; priorOnlyLL: number }>, references: ReferenceLine[]): ExperimentResult {
  const headline: Record<string, number | string> = {};
  const notes: string[] = [];
  const summary: Record<string, Record<string, unknown>> = {};
  const byPasses: Series[] = [];
  const bySeconds: Series[] = [];
  notes.push(
    `Budget: ${settings.budgetPasses} network passes per training datapoint for every pipeline (forward and backward passes of encoder and decoder, MAPA's precomputation converted to decoder-pass equivalents and included), N = ${cfg.nTrain} train / ${cfg.nTest} test, ${cfg.seeds} seed(s), batch ${settings.batchSize}, H = ${settings.hidden}, Adam lr ${settings.lr}. This budget is our scaling to a 2-core machine, not the paper's.`,
    `MAPA is OUR construction (the paper's body was not available): kNN-bandwidth index posterior, codes by spectral ordering + prior quantiles (2-D: spectral embedding + assignment), decoder-only bound with K = ${settings.mapaK} (K chosen in a pilot on the mlp data set, seed 1, among K = 1, 2, 5 per pass).`,
  );
  for (const ds of cfg.datasets) {
    summary[ds] = { ...truth[ds] };
    const finals: Record<string, number> = {};
    const sds: Record<string, number> = {};
    const atHalf: Record<string, number> = {};
    const curves: Record<string, ReturnType<typeof summarizeCurves>> = {};
    for (const p of PIPELINES) {
      const rs = runs.filter((r) => r.dataset === ds && r.pipeline === p);
      const c = summarizeCurves(rs);
      const f = meanSd(rs.map((r) => r.finalTestLL));
      const secs = meanSd(rs.map((r) => r.seconds));
      finals[p] = f.mean;
      sds[p] = f.sd;
      curves[p] = c;
      atHalf[p] = valueAt(c.passes, c.mean, settings.budgetPasses / 2);
      headline[`${ds} ${label(p)} test LL`] = `${f.mean.toFixed(3)} ± ${f.sd.toFixed(3)}`;
      headline[`${ds} ${label(p)} wall s`] = Number(secs.mean.toFixed(1));
      summary[ds][p] = {
        finalTestLL: f,
        iwae500TestLL: meanSd(rs.map((r) => r.iwae500TestLL)),
        quadratureTestLL200: meanSd(rs.map((r) => r.quadratureTestLL200)),
        activeUnits: rs.map((r) => r.activeUnits),
        mutualInformation: rs.map((r) => r.mutualInformation),
        seconds: secs,
        passes: meanSd(rs.map((r) => r.passes)),
        steps: meanSd(rs.map((r) => r.steps)),
        precompute: rs[0].precompute,
        switchedOffStep: rs.map((r) => r.switchedOffStep),
        diverged: rs.filter((r) => r.diverged).length,
        curve: c,
      };
      byPasses.push({ name: label(p), panel: ds, x: c.passes, y: c.mean, lower: c.lower, upper: c.upper });
      bySeconds.push({ name: label(p), panel: ds, x: c.seconds, y: c.mean, lower: c.lower, upper: c.upper });
    }
    headline[`${ds} true-model test LL`] = Number(truth[ds].trueLL.toFixed(3));
    headline[`${ds} prior-only test LL`] = Number(truth[ds].priorOnlyLL.toFixed(3));
    const ranked = [...PIPELINES].sort((a, b) => finals[b] - finals[a]);
    const best = ranked[0];
    const mapaRank = ranked.indexOf("mapa") + 1;
    notes.push(
      `${ds}: at the full budget the best pipeline is ${label(best)} (${finals[best].toFixed(3)} nats; true model ${truth[ds].trueLL.toFixed(3)}, prior only ${truth[ds].priorOnlyLL.toFixed(3)}); ` +
        (best === "mapa"
          ? `MAPA wins here, ahead of ${label(ranked[1])} by ${(finals.mapa - finals[ranked[1]]).toFixed(3)} nats` +
            (finals.mapa - finals[ranked[1]] > 2 * Math.sqrt((sds.mapa ** 2 + sds[ranked[1]] ** 2) / cfg.seeds)
              ? " (more than two standard errors over seeds)."
              : " - within two standard errors over seeds, i.e. not a clear win.")
          : `MAPA does NOT win here: it ranks ${mapaRank} of ${PIPELINES.length} (${finals.mapa.toFixed(3)} nats, ${(finals[best] - finals.mapa).toFixed(3)} below the best).`) +
        ` At half the budget MAPA ${atHalf.mapa >= Math.max(...PIPELINES.filter((p) => p !== "mapa").map((p) => atHalf[p])) ? "is ahead of" : "is not ahead of"} all baselines (${atHalf.mapa.toFixed(3)} vs best baseline ${Math.max(...PIPELINES.filter((p) => p !== "mapa").map((p) => atHalf[p])).toFixed(3)}).`,
    );
    // Cost is a count of network passes (the same on every machine and every run): the rankings above are at the
    // full and half budget in passes. Wall time is reported beside them as a measurement and decides nothing (issue 13).
    const last = (xs: readonly number[]) => xs[xs.length - 1];
    notes.push(
      `${ds}, cost: every pipeline ran its budget of ${settings.budgetPasses} network passes per training datapoint (${Math.min(...PIPELINES.map((p) => last(curves[p].passes))).toFixed(1)} to ${Math.max(...PIPELINES.map((p) => last(curves[p].passes))).toFixed(1)} reached); the rankings above are taken there and at half of it. ` +
        `Wall time of the whole budget, measured on this run's machine and used in no conclusion: ${PIPELINES.map((p) => `${label(p)} ${last(curves[p].seconds).toFixed(1)} s`).join(", ")}; ` +
        `MAPA ${(last(curves.mapa.seconds) / last(curves.joint.seconds)).toFixed(2)} x joint's (its steps are decoder-only but sample and evaluate a mixture of ${settings.mapaComponents} x d components per row, and its precomputation is included).`,
    );
  }
  const gap = (p: string) => meanSd(runs.filter((r) => r.pipeline === p).map((r) => r.quadratureTestLL200 - r.iwae500TestLL)).mean;
  notes.push(
    `IWAE (K = 500) estimate vs quadrature on 200 test points, mean gap (quadrature - IWAE) over data sets and seeds: ${PIPELINES.map((p) => `${label(p)} ${gap(p).toFixed(3)}`).join(", ")} nats (the proposal is the pipeline's encoder, or MAPA itself for MAPA).`,
    `MAPA precomputation per data set (first seed): ${cfg.datasets
      .map((ds) => {
        const r = runs.find((x) => x.dataset === ds && x.pipeline === "mapa");
        return `${ds} ${r?.precompute?.passes.toFixed(1)} passes/datapoint, ${r?.precompute?.seconds.toFixed(2)} s`;
      })
      .join("; ")}; included in both cost axes.`,
  );
  const mapaWins = cfg.datasets.filter((ds) => PIPELINES.every((p) => (summary[ds][p] as { finalTestLL: { mean: number } }).finalTestLL.mean <= (summary[ds].mapa as { finalTestLL: { mean: number } }).finalTestLL.mean));
  notes.push(`Overall, MAPA has the best test log-likelihood at the common pass budget on ${mapaWins.length} of ${cfg.datasets.length} data sets${mapaWins.length ? ` (${mapaWins.join(", ")})` : ""}; the paper's claim (better density estimation with less computation than all baselines) is ${mapaWins.length === cfg.datasets.length ? "reproduced" : mapaWins.length > 0 ? "only partly reproduced" : "not reproduced"} by our construction.`);
  const axis = { yLabel: "test log-likelihood (nats / datapoint)", references, columns: 2, width: 300, height: 200 };
  return {
    headline,
    data: { settings, config: { ...cfg, settings: undefined }, summary, runs: runs.map((r) => ({ ...r, curve: r.curve })) },
    figures: [
      { name: "ll-vs-passes", title: "Test log-likelihood against network passes per training datapoint (mean over seeds, band = min..max)", spec: lineChart({ ...axis, xLabel: "network passes per training datapoint", series: byPasses }) },
      { name: "ll-vs-seconds", title: "Test log-likelihood against wall time (training + precomputation, evaluation excluded; mean over seeds, band = min..max)", spec: lineChart({ ...axis, xLabel: "wall time (s)", series: bySeconds }) },
    ],
    notes,
  };
}

registerExperiment({
  name: "mapa-synthetic",
  title: "VAE pipelines (joint, IWAE K=5/50, aggressive, MAPA) on synthetic data: test log-likelihood per unit of computation",
  description:
    "Low-dimensional synthetic data x = f(z) + N(0, 0.1^2 I) (spiral, random tanh MLP with 1-D and 2-D latent, a fold with bimodal posteriors). " +
    "Each pipeline trains a VAE (decoder z-50-50-D tanh, learned noise) under the same budget of network passes; test log-likelihood under the learned decoder is computed by quadrature " +
    "and plotted against passes and wall time, mean and spread over seeds. MAPA is our construction of a fixed, precomputed posterior (docs/mapa.md).",
  settings: MAPA_SYNTHETIC_SETTING_SPECS,
  iterations: {
    unsupported: "its pipelines run for a budget of network passes per datapoint (they take different numbers of optimizer steps for it): use --set budgetPasses=<n> (default 600)",
  },
  run,
});
