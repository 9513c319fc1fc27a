#!/usr/bin/env node
// Benchmark harness: `npm run bench` (builds first) or `node bench/run.mjs [scenario|prefix ...]`.
// Measures the BUILT package (../dist/index.js) against TensorFlow.js (wasm and
// cpu backends) and, when installed, PyTorch; prints a table and writes
// bench/results/<timestamp>.json. Each (scenario, JS implementation) runs in a
// fresh Node process so JIT state and Wasm memory peaks do not leak between
// them. Options: --no-torch, --no-tfjs-cpu, --best (table shows the best
// round instead of the median; both are in the JSON).
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import { fileURLToPath } from "node:url";
import { gemmAmortvi, vaeAmortvi } from "./lib/amortvi.mjs";
import { SCENARIOS, selectScenarios } from "./lib/scenarios.mjs";
import { JS_IMPLS, fmt, formatTable, tableRows } from "./lib/table.mjs";
import { TORCH_COLUMNS, findTorchPython, runTorch } from "./lib/torch.mjs";

const SELF = fileURLToPath(import.meta.url);

/** Child mode: measure one implementation on one scenario, print one JSON line. */
async function child(name, impl) {
  const s = SCENARIOS.find((x) => x.name === name);
  let result;
  try {
    if (impl === "amortvi") {
      const av = await import("../dist/index.js");
      result = s.kind === "gemm" ? gemmAmortvi(av, s) : vaeAmortvi(av, s);
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

const short = (r) => (r.median !== undefined ? r.median.toPrecision(3) : `${r.status}${r.reason ? ` (${r.reason})` : ""}`);
const FLAGS = ["--no-torch", "--no-tfjs-cpu", "--best"];

/** Runs every implementation on each scenario; progress goes to stderr. */
function measureAll(scenarios, flags) {
  const impls = JS_IMPLS.filter((i) => !(flags.has("--no-tfjs-cpu") && i === "tfjs-cpu"));
  const torchPy = flags.has("--no-torch") ? null : findTorchPython();
  const measured = [];
  for (const s of scenarios) {
    const results = {};
    for (const impl of impls) {
      results[impl] = runChild(s.name, impl);
      console.error(`${s.name} ${impl}: ${short(results[impl])} ${s.unit}`);
    }
    const torch = torchPy ? runTorch(s) : { status: flags.has("--no-torch") ? "skipped" : "not installed" };
    for (const col of TORCH_COLUMNS) {
      results[col] = torch[col] ?? { status: torch.status ?? "error", reason: torch.error };
      console.error(`${s.name} ${col}: ${short(results[col])} ${s.unit}`);
    }
    measured.push({ ...s, results, torchMeta: torch.meta });
  }
  return { measured, torchPy };
}

/** Prints the table and its footnotes; stat is "median" or "max". */
function report(measured, stat) {
  console.log(`\n${formatTable(tableRows(measured, stat))}`);
  const fresh = measured.filter((s) => s.results["tfjs-wasm"]?.freshB);
  if (fresh.length) {
    console.log("\ntfjs-wasm gemm above reuses XNNPACK's packed B (cached per tensor); with a new B each call (as in training):");
    for (const s of fresh) console.log(`  ${s.name}: ${fmt(s.results["tfjs-wasm"].freshB[stat])} GFLOP/s`);
  }
  const blas = measured.map((s) => s.torchMeta?.oneThread?.blas).find(Boolean);
  if (blas) console.log(`\ntorch BLAS: ${blas}${blas.includes("openblas") ? "" : "  (reference BLAS: install libopenblas0-pthread for a fair torch figure)"}`);
  console.log("\namortvi computes in f64; tfjs in f32 (its only float type); torch in f32 unless the column says f64.");
  console.log(`torch-Nt uses all cores; every other column is one thread. Rates are ${stat === "max" ? "best" : "median"} of timed rounds after warm-up.`);
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
    console.log(`usage: node bench/run.mjs [scenario|prefix ...] [${FLAGS.join("] [")}]\nscenarios: ${SCENARIOS.map((s) => s.name).join(", ")}`);
    return;
  }
  const flags = new Set(argv.filter((a) => a.startsWith("-")));
  const unknown = [...flags].filter((f) => !FLAGS.includes(f));
  if (unknown.length) throw new Error(`unknown option ${unknown.join(", ")}; expected ${FLAGS.join(", ")}`);
  const scenarios = selectScenarios(argv.filter((a) => !a.startsWith("-")));
  const { measured, torchPy } = measureAll(scenarios, flags);
  report(measured, flags.has("--best") ? "max" : "median");
  console.log(`\nwrote ${save(measured, torchPy)}`);
}

await main(process.argv.slice(2)).catch((err) => {
  console.error(`bench: ${err.message}`);
  process.exitCode = 1;
});
