#!/usr/bin/env node
// Benchmark harness: `npm run bench` (builds first) or `node bench/run.mjs [scenario|prefix ...]`.
// Measures the BUILT package (../dist/index.js) against TensorFlow.js (wasm and
// cpu backends) and, when installed, PyTorch; prints a table and writes
// bench/results/<timestamp>.json. Each (scenario, JS implementation) runs in a
// fresh Node process so JIT state and Wasm memory peaks do not leak between
// them. "amortvi-f32" is amortvi with MLPs of precision "f32" (VAE and
// scaling scenarios) and the f32 gemm kernel (gemm scenarios); its own table
// rows; "amortvi-2t" (f64) and "amortvi-f32-2t" (f32 nets) run on
// initThreads(2) (scenarios marked threads). Options: --no-torch,
// --no-tfjs-cpu, --no-f32 (skip amortvi-f32 and amortvi-f32-2t), --best (table shows the best
// round instead of the median; both are in the JSON); --report FILE re-prints
// a saved run (median and best-round tables); --repeat N runs every
// implementation N times in alternation and keeps each one's best run.
// AMORTVI_BENCH_ENTRY=path/to/bundle.js measures that bundle instead of dist/.
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import { resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { gemmAmortvi, vaeAmortvi } from "./lib/amortvi.mjs";
import { SCENARIOS, findScenario, selectScenarios } from "./lib/scenarios.mjs";
import { flowAmortvi, mafAmortvi } from "./lib/flows.mjs";
import { aviAmortvi, memoryAmortvi, qpFitAmortvi, scalingPointAmortvi } from "./lib/workloads.mjs";
import { F32_IMPL, JS_IMPLS, THREADS, THREADS_F32_IMPL, THREADS_IMPL, fmt, formatTable, scalingRows, tableRows } from "./lib/table.mjs";
import { TORCH_COLUMNS, findTorchPython, runTorch } from "./lib/torch.mjs";

const SELF = fileURLToPath(import.meta.url);
/** The amortvi module measured: the built package, or AMORTVI_BENCH_ENTRY (a path to another bundle of it, e.g. of a branch). */
const ENTRY = process.env.AMORTVI_BENCH_ENTRY ? pathToFileURL(resolve(process.env.AMORTVI_BENCH_ENTRY)).href : "../dist/index.js";

/** Child mode: measure one implementation on one scenario, print one JSON line. */
async function child(name, impl) {
  const s = findScenario(name);
  let result;
  try {
    if (impl === "amortvi" || impl === F32_IMPL) {
      const av = await import(ENTRY);
      const run = { gemm: gemmAmortvi, vae: vaeAmortvi, qp: qpFitAmortvi, avi: aviAmortvi, maf: mafAmortvi, flow: flowAmortvi, memory: memoryAmortvi, scaling: scalingPointAmortvi }[s.kind];
      result = run(av, s, impl === F32_IMPL ? "f32" : "f64");
    } else if (impl === THREADS_IMPL || impl === THREADS_F32_IMPL) {
      // the opt-in threaded runtime (ADR 0006) as the default runtime of this process
      const av = await import(ENTRY);
      await av.initThreads(THREADS);
      result = { gemm: gemmAmortvi, vae: vaeAmortvi }[s.kind](av, s, impl === THREADS_F32_IMPL ? "f32" : "f64", THREADS);
    } else {
      const { loadTfjs, gemmTfjs, vaeTfjs } = await import("./lib/tfjs.mjs");
      const tf = await loadTfjs(impl.replace("tfjs-", ""));
      result = s.kind === "gemm" ? gemmTfjs(tf, s) : vaeTfjs(tf, s);
    }
  } catch (err) {
    result = { status: "error", reason: String(err?.stack ?? err).split("\n").slice(0, 3).join(" | ") };
  }
  process.stdout.write(`\n${JSON.stringify(result)}\n`);
}

function runChild(name, impl) {
  try {
    const out = execFileSync(process.execPath, [SELF, "--child", name, impl], { encoding: "utf8", timeout: 600_000, stdio: ["ignore", "pipe", "inherit"] });
    return JSON.parse(out.trim().split("\n").pop());
  } catch (err) {
    return { status: "error", reason: String(err.message ?? err).slice(0, 300) };
  }
}

const TFJS_KINDS = ["gemm", "vae"];
const TORCH_KINDS = ["gemm", "vae", "qp", "avi", "maf", "flow"];
/** Scenario kinds each JS implementation other than amortvi runs (amortvi runs all). */
const IMPL_KINDS = { [F32_IMPL]: ["gemm", "vae", "scaling"], [THREADS_F32_IMPL]: ["vae"], "tfjs-wasm": TFJS_KINDS, "tfjs-cpu": TFJS_KINDS };
const short = (r) => (r.median !== undefined ? r.median.toPrecision(3) : `${r.status}${r.reason ? ` (${r.reason})` : ""}`);
const FLAGS = ["--no-torch", "--no-tfjs-cpu", "--no-f32", "--best", "--repeat"];

/** Runs every implementation on each scenario; progress goes to stderr. */
function measureAll(scenarios, flags, repeat) {
  const impls = JS_IMPLS.filter((i) => !(flags.has("--no-tfjs-cpu") && i === "tfjs-cpu") && !(flags.has("--no-f32") && (i === F32_IMPL || i === THREADS_F32_IMPL)));
  const torchPy = flags.has("--no-torch") ? null : findTorchPython();
  const measured = [];
  for (const s of scenarios) {
    const results = {};
    let torchMeta;
    // --repeat n: every implementation n times in alternation (A B C A B C ...),
    // keeping each one's best run, so a burst of load from other processes
    // does not land on one column only
    for (let r = 0; r < repeat; r++) {
      for (const impl of impls) {
        if (IMPL_KINDS[impl] && !IMPL_KINDS[impl].includes(s.kind)) continue; // e.g. no tfjs peer for the whole-run workloads
        if ((impl === THREADS_IMPL || impl === THREADS_F32_IMPL) && !s.threads) continue; // threads only where a split can pay (the large products)
        keepBest(results, impl, runChild(s.name, impl));
        console.error(`${s.name} ${impl}: ${short(results[impl])} ${s.unit}`);
      }
      if (!TORCH_KINDS.includes(s.kind)) continue;
      const torch = torchPy ? runTorch(s) : { status: flags.has("--no-torch") ? "skipped" : "not installed" };
      for (const col of TORCH_COLUMNS) {
        keepBest(results, col, torch[col] ?? { status: torch.status ?? "error", reason: torch.error });
        console.error(`${s.name} ${col}: ${short(results[col])} ${s.unit}`);
      }
      torchMeta = torch.meta ?? torchMeta;
      if (!torchPy) break;
    }
    measured.push({ ...s, results, torchMeta, repeat });
  }
  return { measured, torchPy };
}

/** Keeps the run with the higher median in results[key]; counts the runs. */
function keepBest(results, key, run) {
  const old = results[key];
  const runs = (old?.runs ?? 0) + 1;
  if (!old || old.median === undefined || (run.median !== undefined && run.median > old.median)) results[key] = { ...run, runs };
  else old.runs = runs;
}

/** Prints the table and its footnotes; stat is "median" or "max". */
function report(all, stat) {
  const measured = all.filter((s) => s.kind !== "scaling" && s.kind !== "memory");
  if (measured.length) console.log(`\n${formatTable(tableRows(measured, stat))}`);
  for (const s of measured.filter((x) => x.kind === "qp" || x.kind === "avi")) {
    const walls = Object.entries(s.results).filter(([, r]) => r?.wallSeconds).map(([impl, r]) => `${impl} ${r.wallSeconds.toFixed(1)} s`);
    const how = s.kind === "qp" ? "one timed run" : "extrapolated from the median step rate";
    console.log(`  ${s.label}: wall time of ${s.steps} steps (${how}): ${walls.join(", ")}`);
  }
  const scaling = all.filter((s) => s.kind === "scaling");
  if (scaling.length) console.log(`\n${formatTable(scalingRows(scaling, stat))}`);
  for (const s of all.filter((x) => x.kind === "memory")) {
    const r = s.results.amortvi;
    if (!r?.before) console.log(`\n${s.label}: ${short(r ?? {})}`);
    else {
      const mb = (b) => `${(b / 2 ** 20).toFixed(2)} MiB`;
      console.log(`\n${s.label} (after a 1,000-step warm-up): Wasm memory ${mb(r.before.memoryBytes)} -> ${mb(r.after.memoryBytes)}, arena high-water ${mb(r.before.arenaPeakBytes)} -> ${mb(r.after.arenaPeakBytes)}: ${r.grew ? "GREW" : "no growth"} (${r.wallSeconds.toFixed(1)} s, ${fmt(r.median)} steps/s)`);
    }
  }
  if (!measured.length) return;
  const fresh = measured.filter((s) => s.results["tfjs-wasm"]?.freshB);
  if (fresh.length) {
    console.log("\ntfjs-wasm gemm above reuses XNNPACK's packed B (cached per tensor); with a new B each call (as in training):");
    for (const s of fresh) console.log(`  ${s.name}: ${fmt(s.results["tfjs-wasm"].freshB[stat])} GFLOP/s`);
  }
  const blas = measured.map((s) => s.torchMeta?.oneThread?.blas).find(Boolean);
  if (blas) console.log(`\ntorch BLAS: ${blas}${blas.includes("openblas") ? "" : "  (reference BLAS: install libopenblas0-pthread for a fair torch figure)"}`);
  console.log("\namortvi computes in f64; tfjs in f32 (its only float type); torch in f32 unless the column says f64.");
  if (measured.some((s) => s.results[F32_IMPL])) console.log('Rows "f32 compute": amortvi with MLP precision "f32" (f32 products and activations, f64 parameters, gradients and tensors); for gemm, the f32 kernel gemm32NN.');
  const repeat = Math.max(...measured.map((s) => s.repeat ?? 1));
  const runs = repeat > 1 ? `, best of ${repeat} alternated runs of each implementation` : "";
  console.log(`torch-Nt uses all cores; every other column is one thread. Rates are ${stat === "max" ? "best" : "median"} of timed rounds after warm-up${runs}.`);
}

/** Writes bench/results/<timestamp>.json; returns its path. */
function save(measured, torchPy) {
  const dir = fileURLToPath(new URL("results/", import.meta.url));
  mkdirSync(dir, { recursive: true });
  const file = `${dir}${new Date().toISOString().replace(/[:.]/g, "-")}.json`;
  const machine = { node: process.version, cpu: os.cpus()[0]?.model, cores: os.cpus().length, loadavg: os.loadavg(), platform: `${os.platform()} ${os.arch()}` };
  writeFileSync(file, JSON.stringify({ date: new Date().toISOString(), machine, torchPython: torchPy, scenarios: measured }, null, 2));
  return file;
}

async function main(argv) {
  if (argv[0] === "--child") return child(argv[1], argv[2]);
  if (argv.includes("--help") || argv.includes("-h")) {
    console.log(`usage: node bench/run.mjs [scenario|prefix ...] [${FLAGS.filter((f) => f !== "--repeat").join("] [")}] [--repeat N]   |   node bench/run.mjs --report bench/results/<file>.json\nscenarios: ${SCENARIOS.map((s) => s.name).join(", ")}, scaling`);
    return;
  }
  const at = argv.indexOf("--report");
  if (at >= 0) {
    // re-print the tables of a saved run: median and best round
    const saved = JSON.parse(readFileSync(argv[at + 1], "utf8"));
    console.log(`${saved.date}, load average ${saved.machine.loadavg.map((v) => v.toFixed(1)).join(" ")}`);
    report(saved.scenarios, "median");
    console.log("\nbest rounds:");
    report(saved.scenarios, "max");
    return;
  }
  const rep = argv.indexOf("--repeat");
  const repeat = rep >= 0 ? Number(argv[rep + 1]) : 1;
  if (!(Number.isInteger(repeat) && repeat >= 1)) throw new Error(`--repeat expects an integer >= 1, got ${argv[rep + 1]}`);
  if (rep >= 0) argv = [...argv.slice(0, rep + 1), ...argv.slice(rep + 2)];
  const flags = new Set(argv.filter((a) => a.startsWith("-")));
  const unknown = [...flags].filter((f) => !FLAGS.includes(f));
  if (unknown.length) throw new Error(`unknown option ${unknown.join(", ")}; expected ${FLAGS.join(", ")}`);
  const scenarios = selectScenarios(argv.filter((a) => !a.startsWith("-")));
  const { measured, torchPy } = measureAll(scenarios, flags, repeat);
  report(measured, flags.has("--best") ? "max" : "median");
  console.log(`\nwrote ${save(measured, torchPy)}`);
}

await main(process.argv.slice(2)).catch((err) => {
  console.error(`bench: ${err.message}`);
  process.exitCode = 1;
});
