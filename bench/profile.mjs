#!/usr/bin/env node
// Where does a training step spend its time? `node bench/profile.mjs [small|mnist|avi|nvp2|nvp10|nsf2|nsf10] [steps] [--f32]`
// (after `npm run build`; AMORTVI_BENCH_ENTRY=bundle.js profiles another bundle, as in run.mjs). Times the step (process CPU time), then records the
// wrappers that time every kernel call and prints microseconds per step per
// kernel; "JS (ops, tape, closures)" is the plain step minus the kernels'
// total. The wrappers themselves cost ~0.1 us a call, so small kernels read
// slightly high.
import { vaeStep } from "./lib/amortvi.mjs";
import { aviStep } from "./lib/workloads.mjs";
import { flowStep } from "./lib/flows.mjs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";

const av = await import(process.env.AMORTVI_BENCH_ENTRY ? pathToFileURL(resolve(process.env.AMORTVI_BENCH_ENTRY)).href : "../dist/index.js");
const args = process.argv.slice(2).filter((a) => a !== "--f32");
const precision = process.argv.includes("--f32") ? "f32" : "f64"; // the VAE nets' dense layers
const which = args[0] ?? "small";
const flowSizes = (flow, dim) => ({ flow, dim, layers: 8, hidden: 64, batch: 256, bins: 8 });
const SIZES = {
  small: { d: 10, h: 50, z: 2, b: 100 }, mnist: { d: 784, h: 256, z: 16, b: 128 }, avi: { n: 10000, m: 100, k: 32 },
  nvp2: flowSizes("realnvp", 2), nvp10: flowSizes("realnvp", 10), nsf2: flowSizes("nsf", 2), nsf10: flowSizes("nsf", 10),
};
const sizes = SIZES[which];
if (!sizes) throw new Error(`usage: node bench/profile.mjs [${Object.keys(SIZES).join("|")}] [steps]`);
const steps = Number(args[1] ?? { small: 5000, mnist: 200, avi: 5 }[which] ?? 100);

const rt = av.runtime();
const step = which === "avi" ? aviStep(av, sizes) : sizes.flow ? flowStep(av, sizes) : vaeStep(av, sizes, precision);
// process CPU time, not wall time: the machine is shared, and a descheduled
// process should not be charged for the wait
const timeSteps = (n) => {
  const t0 = process.cpuUsage();
  for (let i = 0; i < n; i++) step();
  const t = process.cpuUsage(t0);
  return (t.user + t.system) / n;
};
timeSteps(steps); // warm-up
const plain = [];
for (let r = 0; r < 5; r++) plain.push(timeSteps(steps));
plain.sort((a, b) => a - b);

// record the kernel calls of one step, then replay each call (same
// arguments, same memory: the arena is not reset until the next step) in a
// loop timed by CPU time
const kernels = rt.k;
const recorded = [];
const spy = {};
for (const [name, fn] of Object.entries(kernels)) {
  spy[name] = typeof fn !== "function" ? fn : (...args) => {
    recorded.push([name, args]);
    return fn(...args);
  };
}
Object.defineProperty(rt, "k", { value: spy, configurable: true, writable: true });
step();
Object.defineProperty(rt, "k", { value: kernels, configurable: true, writable: true });
const spent = new Map();
const calls = new Map();
for (const [name, args] of recorded) {
  const fn = kernels[name];
  const reps = Math.max(3, Math.min(300, Math.round(300 * 5 / steps)));
  let best = Infinity;
  for (let r = 0; r < 3; r++) {
    const t0 = process.cpuUsage();
    for (let i = 0; i < reps; i++) fn(...args);
    const t = process.cpuUsage(t0);
    best = Math.min(best, (t.user + t.system) / reps);
  }
  // shape and activation arguments: (.., B, nIn, nOut, act, ..) at 4 (forward), 7 (denseBackward), 6 (dense32Backward)
  const at = { denseForward: 4, dense32Forward: 4, denseBackward: 7, dense32Backward: 6 }[name];
  const label = at === undefined ? name : `${name} ${args[at]}x${args[at + 1]}x${args[at + 2]} act${args[at + 3]}`;
  spent.set(label, (spent.get(label) ?? 0) + best);
  calls.set(label, (calls.get(label) ?? 0) + 1);
}

const rows = [...spent.entries()].map(([name, us]) => [name, us, calls.get(name)]).sort((a, b) => b[1] - a[1]);
const kernelTotal = rows.reduce((s, r) => s + r[1], 0);
console.log(`${which} ${JSON.stringify(sizes)}${which === "avi" || sizes.flow ? "" : ` ${precision}`}: step ${plain[2].toFixed(1)} us CPU (median of 5 x ${steps}; best ${plain[0].toFixed(1)})`);
console.log(`${"kernel (replayed, best of 3)".padEnd(40)} ${"us/step".padStart(8)} ${"calls".padStart(6)}`);
for (const [name, us, n] of rows) console.log(`${name.padEnd(40)} ${us.toFixed(1).padStart(8)} ${String(n).padStart(6)}`);
console.log(`${"kernels total".padEnd(40)} ${kernelTotal.toFixed(1).padStart(8)}`);
console.log(`${"JS (ops, tape, closures, call overhead)".padEnd(40)} ${(plain[2] - kernelTotal).toFixed(1).padStart(8)}  (step median - kernels)`);
